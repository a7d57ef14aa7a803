import Foundation
import SlipwaySecurity
import Testing

@Suite struct KeyStoreTests {
    @Test func createdKeyAuthenticatesWithItsRoleAndModels() throws {
        let (database, _) = try SecurityTestSupport.database()
        let issued = try database.keys.create(name: "ci", role: .predictor, models: ["iris", "echo", "iris"], actor: "test")
        #expect(issued.text.hasPrefix("sw_\(issued.key.id)_"))
        #expect(issued.key.models == ["echo", "iris"])
        let identity = try database.keys.snapshotNow().authenticate(issued.text)
        #expect(identity.id == issued.key.id)
        #expect(identity.role == .predictor)
        #expect(identity.models == ["iris", "echo"])
        #expect(identity.mayUse(model: "iris"))
        #expect(!identity.mayUse(model: "other"))
    }

    @Test func wrongSecretUnknownIdAndGarbageAreUnauthenticated() throws {
        let (database, _) = try SecurityTestSupport.database()
        let issued = try database.keys.create(name: "a", role: .viewer, actor: "test")
        let snapshot = try database.keys.snapshotNow()
        var wrong = Array(issued.text)
        wrong[wrong.count - 1] = wrong[wrong.count - 1] == "0" ? "1" : "0"
        for text in [String(wrong), "sw_000000000000_" + String(repeating: "a", count: 64), "sw_x", "", "Bearer", issued.text + "0"] {
            #expect(throws: SecurityError.self) { try snapshot.authenticate(text) }
        }
    }

    @Test func revokedAndExpiredKeysStopWorkingButStillCountAsKeys() throws {
        let (database, _) = try SecurityTestSupport.database()
        let now = Date()
        let revoked = try database.keys.create(name: "old", role: .admin, actor: "test", now: now.addingTimeInterval(-1))
        let expiring = try database.keys.create(name: "short", role: .viewer, expiresAt: now.addingTimeInterval(60), actor: "test", now: now)
        try database.keys.revoke(id: revoked.key.id, actor: "test")
        let snapshot = try database.keys.snapshotNow()
        #expect(snapshot.hasKeys)
        do {
            _ = try snapshot.authenticate(revoked.text)
            Issue.record("a revoked key authenticated")
        } catch {
            #expect(error.code == .unauthenticated)
            #expect(error.message.contains("revoked"))
        }
        #expect(try snapshot.authenticate(expiring.text, now: now).role == .viewer)
        #expect(throws: SecurityError.self) { try snapshot.authenticate(expiring.text, now: now.addingTimeInterval(61)) }
        let listed = try database.keys.list()
        #expect(listed.map(\.name) == ["old", "short"])
        #expect(listed[0].status() == "revoked")
    }

    @Test func badArgumentsAreRefusedAndUnknownRevokeIsNotFound() throws {
        let (database, _) = try SecurityTestSupport.database()
        #expect(throws: SecurityError.self) { try database.keys.create(name: " ", role: .admin, actor: "t") }
        #expect(throws: SecurityError.self) {
            try database.keys.create(name: "x", role: .admin, expiresAt: Date(timeIntervalSince1970: 0), actor: "t")
        }
        do {
            try database.keys.revoke(id: "abcdefabcdef", actor: "t")
            Issue.record("revoking an unknown key succeeded")
        } catch {
            #expect(error.code == .notFound)
        }
        #expect(try database.keys.list().isEmpty)
    }

    @Test func onlyASaltedHashIsStored() throws {
        let (database, dir) = try SecurityTestSupport.database()
        let issued = try database.keys.create(name: "secret-check", role: .admin, actor: "test")
        let secret = String(issued.text.split(separator: "_").last ?? "")
        var stored = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            stored.append(FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) ?? Data())
        }
        #expect(!stored.isEmpty)
        #expect(stored.range(of: Data(secret.utf8)) == nil)
        #expect(stored.range(of: Data(issued.text.utf8)) == nil)
    }

    @Test func keyChangesAreAudited() throws {
        let (database, _) = try SecurityTestSupport.database()
        let issued = try database.keys.create(name: "a", role: .deployer, actor: "cli:alice")
        try database.keys.revoke(id: issued.key.id, actor: "cli:bob")
        let entries = try database.audit.tail(10)
        #expect(entries.map(\.action) == ["keys.create", "keys.revoke"])
        #expect(entries.map(\.actor) == ["cli:alice", "cli:bob"])
        #expect(entries.allSatisfy { !($0.detail ?? "").contains(issued.text) })
        #expect(try database.audit.verify().isIntact)
    }
}

import Foundation
import SlipwaySecurity
import SlipwayTestSupport
import Testing

/// `slipway keys`, `slipway audit`, `slipway privacy` as a user runs them (the built binary).
@Suite(.enabled(if: CLIRunner.binary != nil, "the slipway binary is not built"))
struct SecurityCLITests {
    static func jsonObject(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func keysCreateListRevokeAndTheAuditTrailVerifies() throws {
        let dir = try SecurityTestSupport.temporaryDirectory().path
        let created = try CLIRunner.run(["keys", "create", "--data-dir", dir, "--name", "ci", "--role", "predictor", "--model", "iris", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let object = try Self.jsonObject(created.stdout)
        let id = try #require(object["id"] as? String)
        let key = try #require(object["key"] as? String)
        #expect(object["role"] as? String == "predictor")
        #expect(key.hasPrefix("sw_\(id)_"))

        let plain = try CLIRunner.run(["keys", "create", "--data-dir", dir, "--name", "ops", "--role", "admin", "--expires", "30d"])
        #expect(plain.status == 0)
        #expect(plain.stdout.hasPrefix("sw_"))
        #expect(plain.stderr.contains("shown only now"))

        let list = try CLIRunner.run(["keys", "list", "--data-dir", dir])
        #expect(list.status == 0)
        #expect(list.stdout.contains(id))
        #expect(list.stdout.contains("iris"))
        #expect(!list.stdout.contains(key))

        #expect(try CLIRunner.run(["keys", "revoke", "--data-dir", dir, id]).status == 0)
        let listed = try CLIRunner.run(["keys", "list", "--data-dir", dir, "--json"])
        #expect(listed.stdout.split(separator: "\n").contains { $0.contains(id) && $0.contains("\"revoked\"") })
        let unknown = try CLIRunner.run(["keys", "revoke", "--data-dir", dir, "abcdefabcdef"])
        #expect(unknown.status == 4)

        let bad = try CLIRunner.run(["keys", "create", "--data-dir", dir, "--name", "x", "--role", "root"])
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("unknown role 'root'"))

        let verify = try CLIRunner.run(["audit", "verify", "--data-dir", dir])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("intact: 3 entries"))

        let export = try CLIRunner.run(["audit", "export", "--data-dir", dir, "--since", "1h"])
        #expect(export.status == 0)
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.contains("\"keys.create\"") == true)
        #expect(!export.stdout.contains(key))
    }

    @Test func auditVerifyNamesTheFirstTamperedEntry() throws {
        let dir = try SecurityTestSupport.temporaryDirectory()
        for name in ["a", "b", "c"] {
            #expect(try CLIRunner.run(["keys", "create", "--data-dir", dir.path, "--name", name, "--role", "viewer"]).status == 0)
        }
        let file = dir.appendingPathComponent(SecurityDatabase.fileName)
        guard
            try SecurityTestSupport.sqlite(
                file, "DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET actor = 'cli:mallory' WHERE seq = 2") != nil
        else {
            print("skipped: sqlite3 is not installed")
            return
        }
        let verify = try CLIRunner.run(["audit", "verify", "--data-dir", dir.path])
        #expect(verify.status == 6)
        #expect(verify.stderr.contains("entry 2"))
        let json = try CLIRunner.run(["audit", "verify", "--data-dir", dir.path, "--json"])
        #expect(try Self.jsonObject(json.stdout)["first_bad"] as? Int == 2)
    }

    @Test func privacyEraseOfAnUnknownModelIsNotFound() throws {
        let dir = try SecurityTestSupport.temporaryDirectory().path
        let erase = try CLIRunner.run([
            "privacy", "erase", "--data-dir", dir, "--model", "credit", "--field", "email", "--value", "alice@example.com",
        ])
        // No such model (not registered, nothing logged): not found, and nothing is erased or recorded as erased.
        // Erasures that run are tested with the prediction log (EncryptionCLITests, PrivacyEraseTests).
        #expect(erase.status == 4, "\(erase.stderr)")
        #expect(erase.stderr.contains("model 'credit'"))
        let export = try CLIRunner.run(["audit", "export", "--data-dir", dir])
        #expect(!export.stdout.contains("\"privacy.erase\""))
        #expect(!export.stdout.contains("alice@example.com"))
    }

    @Test func rotateDataKeyCreatesThenExtendsTheRing() throws {
        let dir = try SecurityTestSupport.temporaryDirectory()
        let ring = dir.appendingPathComponent("keys/data.key").path
        let first = try CLIRunner.run(["keys", "rotate-data-key", "--data-dir", dir.path, "--key-file", ring, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try CLIRunner.run(["keys", "rotate-data-key", "--data-dir", dir.path, "--key-file", ring, "--json"])
        let firstID = try Self.jsonObject(first.stdout)["key_id"] as? String
        #expect(try Self.jsonObject(second.stdout)["previous_key_id"] as? String == firstID)
        let cipher = try DataCipher(contentsOf: URL(fileURLWithPath: ring))
        #expect(cipher.keyIDs.count == 2)
        #expect(cipher.keyIDs.first == firstID)
        let attributes = try FileManager.default.attributesOfItem(atPath: ring)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}

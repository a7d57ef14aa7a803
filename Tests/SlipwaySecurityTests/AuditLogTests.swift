import Crypto
import Foundation
import GRDB
import Testing

@testable import SlipwaySecurity

@Suite struct AuditLogTests {
    static func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditEntry.genesisHash
        for i in 1...count {
            let entry = AuditEntry(
                AuditEvent(actor: "k\(i)", role: "viewer", action: "http", method: "GET", route: "/v2/models/:model", model: "m", status: 200),
                seq: i, prevHash: previous)
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    static func head(_ entries: [AuditEntry]) -> (seq: Int, hash: String)? { entries.last.map { ($0.seq, $0.hash) } }

    /// The hash format of shipped trails never changes: a fixed entry hashes to the value the original string-built
    /// format gave (computed independently with Python's hashlib over "length:value;" fields).
    @Test func theHashFormatIsStable() {
        let entry = AuditEntry(
            AuditEvent(
                actor: "jwt:é-svc", role: "predictor", action: "http", method: "POST", route: "/v2/models/:model/infer", model: "iris",
                version: "2", requestID: "req-1", status: 200, time: Date(timeIntervalSince1970: 1_795_750_788.847)),
            seq: 7, prevHash: AuditEntry.genesisHash)
        #expect(entry.time == "2026-11-27T03:39:48.847Z")
        #expect(entry.hash == "fbebcbd1d7948a08253fd5fea0009a3e62148f119047fab196ba2af4552527c4")
    }

    /// Absent fields and three- and four-digit lengths hash as the format says (Python's hashlib over the same fields).
    @Test func longAndAbsentFieldsHashAsTheFormatSays() {
        let entry = AuditEntry(
            AuditEvent(
                actor: "k", role: "admin", action: "privacy.erase", model: "m", status: 500, detail: String(repeating: "d", count: 1234),
                time: Date(timeIntervalSince1970: 1_795_750_788.847)),
            seq: 12345, prevHash: AuditEntry.genesisHash)
        #expect(entry.hash == "91a743235ac236ea20119fc1ab1eb0c69d2c9d5fbd9971e7fa8e1b95a30c30cc")
    }

    /// The hash input built the plain way — "length:value;" per field through Strings, "-;" for none — for random
    /// entries (unicode, empty, long and absent fields, negative and many-digit numbers): the fast build must give
    /// the same hash.
    @Test func randomEntriesHashLikeThePlainFormat() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "é", "名", "🙂", ";", ":", "-", "0", " ", "\n", "\u{0}"]
        func text() -> String? {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: return nil
            case 1: return ""
            case 2: return String(repeating: "x", count: Int.random(in: 90...1100, using: &generator))
            default: return (0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "a" }.joined()
            }
        }
        for _ in 0..<300 {
            let status: Int? = [nil, 200, 503, -1, 0, Int.max, Int.min].randomElement(using: &generator) ?? nil
            let seq = [1, 9, 10, 99_999, Int.max, -5].randomElement(using: &generator) ?? 1
            let entry = AuditEntry(
                AuditEvent(
                    actor: text() ?? "k", role: text(), action: text() ?? "http", method: text(), route: text(), model: text(), version: text(),
                    requestID: text(), status: status, detail: text(),
                    time: Date(timeIntervalSince1970: Double.random(in: 0...2e9, using: &generator))),
                seq: seq, prevHash: AuditEntry.genesisHash)
            let fields: [String?] = [
                entry.prevHash, String(entry.seq), entry.time, entry.actor, entry.role, entry.action, entry.method, entry.route, entry.model,
                entry.version, entry.requestID, entry.status.map { String($0) }, entry.detail,
            ]
            let plain = fields.map { $0.map { "\($0.utf8.count):\($0);" } ?? "-;" }.joined()
            let expected = SHA256.hash(data: Array(plain.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(entry.hash == expected)
        }
    }

    @Test func anIntactChainVerifies() {
        let entries = Self.chain(5)
        let result = AuditChainVerifier.verify(entries, head: Self.head(entries))
        #expect(result.isIntact)
        #expect(result.entries == 5)
        #expect(AuditChainVerifier.verify([], head: nil).isIntact)
    }

    @Test func anEditedEntryIsNamed() {
        var entries = Self.chain(5)
        entries[2].status = 500
        let result = AuditChainVerifier.verify(entries, head: Self.head(entries))
        #expect(result.fault?.seq == 3)
        #expect(result.fault?.reason.contains("edited") == true)
    }

    @Test func anEditedEntryWithARecomputedHashBreaksTheNextLink() {
        var entries = Self.chain(5)
        entries[1].actor = "mallory"
        entries[1].hash = entries[1].computedHash
        #expect(AuditChainVerifier.verify(entries, head: Self.head(entries)).fault?.seq == 3)
    }

    @Test func aRemovedEntryIsNamed() {
        var entries = Self.chain(5)
        entries.remove(at: 1)
        let result = AuditChainVerifier.verify(entries, head: Self.head(entries))
        #expect(result.fault?.seq == 2)
        #expect(result.fault?.reason.contains("removed") == true)
    }

    @Test func entriesRemovedFromTheEndAreFoundThroughTheHead() {
        let entries = Self.chain(5)
        let result = AuditChainVerifier.verify(entries.prefix(3), head: Self.head(entries))
        #expect(result.fault?.seq == 4)
    }

    @Test func reorderedEntriesAreNamed() {
        var entries = Self.chain(5)
        // Swap the contents of 2 and 3 but keep their numbers, as an attacker renumbering rows would.
        let (a, b) = (entries[1], entries[2])
        entries[1] = b
        entries[1].seq = 2
        entries[2] = a
        entries[2].seq = 3
        #expect(AuditChainVerifier.verify(entries, head: Self.head(entries)).fault?.seq == 2)
        // Out-of-order numbers.
        var shuffled = Self.chain(4)
        shuffled.swapAt(1, 2)
        #expect(AuditChainVerifier.verify(shuffled, head: Self.head(Self.chain(4))).fault?.seq == 2)
    }

    @Test func appendsChainAndTheStoreVerifies() async throws {
        let (database, _) = try SecurityTestSupport.database()
        for i in 0..<20 {
            try await database.audit.append(AuditEvent(actor: "k", action: "http", route: "/x", requestID: "r\(i)", status: 200))
        }
        let result = try database.audit.verify()
        #expect(result.isIntact)
        #expect(result.entries == 20)
        let tail = try database.audit.tail(2)
        #expect(tail.map(\.seq) == [19, 20])
        #expect(tail[1].prevHash == tail[0].hash)
    }

    /// A group commit binds 16 entries per statement and the rest one by one: every size around those lands
    /// every entry, in order, chained.
    @Test(arguments: [1, 15, 16, 17, 33, 40])
    func aBatchLandsInOrderAndChained(size: Int) async throws {
        let (database, _) = try SecurityTestSupport.database()
        try await database.audit.append(AuditEvent(actor: "first", action: "http"))
        let events = (0..<size).map { i in
            AuditEvent(actor: "k\(i)", role: i % 3 == 0 ? nil : "viewer", action: "http", route: "/r/\(i)", requestID: "q\(i)", status: 200 + i)
        }
        let appended = try await database.audit.append(events)
        #expect(appended.map(\.seq) == Array(2...(size + 1)))
        let result = try database.audit.verify()
        #expect(result.isIntact && result.entries == size + 1)
        let stored = try database.audit.tail(size)
        #expect(stored == appended)
        #expect(stored.map(\.actor) == events.map(\.actor) && stored.map(\.role) == events.map(\.role))
    }

    @Test func concurrentAppendsStayChained() async throws {
        let (database, _) = try SecurityTestSupport.database()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask { try await database.audit.append(AuditEvent(actor: "k\(i)", action: "http", status: 200)) }
            }
            try await group.waitForAll()
        }
        let result = try database.audit.verify()
        #expect(result.isIntact)
        #expect(result.entries == 50)
    }

    @Test func exportSinceSkipsOlderEntries() async throws {
        let (database, _) = try SecurityTestSupport.database()
        let start = Date()
        try await database.audit.append(AuditEvent(actor: "old", action: "http", time: start.addingTimeInterval(-3600)))
        try await database.audit.append(AuditEvent(actor: "new", action: "http", time: start))
        var exported: [String] = []
        try database.audit.export(since: start.addingTimeInterval(-60)) { exported.append($0.actor) }
        #expect(exported == ["new"])
        var all = 0
        try database.audit.export(since: nil) { _ in all += 1 }
        #expect(all == 2)
    }

    @Test func theSchemaRefusesUpdatesAndDeletesAndVerifyFindsDirectTampering() async throws {
        let (database, dir) = try SecurityTestSupport.database()
        for i in 0..<5 { try await database.audit.append(AuditEvent(actor: "k\(i)", action: "http", status: 200)) }
        let file = dir.appendingPathComponent(SecurityDatabase.fileName)
        guard let update = try SecurityTestSupport.sqlite(file, "UPDATE audit_entry SET status = 500 WHERE seq = 3") else {
            print("skipped: sqlite3 is not installed, the tampering part of this test did not run")
            return
        }
        #expect(update.status != 0)
        #expect(update.output.contains("append-only"))
        #expect(try SecurityTestSupport.sqlite(file, "DELETE FROM audit_entry WHERE seq = 2")?.status != 0)
        // An attacker with the file drops the trigger and edits.
        _ = try SecurityTestSupport.sqlite(file, "DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET status = 500 WHERE seq = 3")
        let result = try database.audit.verify()
        #expect(result.fault?.seq == 3)
        _ = try SecurityTestSupport.sqlite(file, "DROP TRIGGER audit_entry_no_delete; DELETE FROM audit_entry WHERE seq = 2")
        #expect(try database.audit.verify().fault?.seq == 2)
    }
}

/// The security database's writer keeps statement journals in memory: the audit trail appends through multi-row
/// INSERTs (``GroupedInsert``), which need one inside a transaction; readers keep the default.
@Suite struct SecurityDatabaseTempStoreTests {
    @Test func theWriterJournalsInMemory() throws {
        let (database, _) = try SecurityTestSupport.database()
        let writer = try database.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        let reader = try database.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(writer == 2 && reader == 0)
    }
}

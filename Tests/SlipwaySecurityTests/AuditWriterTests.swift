import Foundation
import SlipwaySecurity
import Testing

/// The audit writer's group commit: accesses queued with `record`, changes committed with `append`, one
/// unbroken chain; a trail that cannot be written refuses accesses and loses nothing queued.
@Suite struct AuditWriterTests {
    static func event(_ i: Int, action: String = "http") -> AuditEvent {
        AuditEvent(actor: "k\(i)", role: "predictor", action: action, method: "POST", route: "/v2/models/:model/infer", model: "m", status: 200)
    }

    @Test func recordsAndAppendsFromManyTasksFormOneChain() async throws {
        let (database, _) = try SecurityTestSupport.database()
        let writer = AuditWriter(log: database.audit)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    for i in 0..<50 {
                        if i % 10 == 0 {
                            try await writer.append(Self.event(t * 100 + i, action: "http.begin"))
                        } else {
                            try writer.record(Self.event(t * 100 + i))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        await writer.drain()
        #expect(writer.queued == 0)
        let verification = try database.audit.verify()
        #expect(verification.isIntact)
        #expect(verification.entries == 400)
    }

    @Test func aTrailThatCannotBeWrittenRefusesAccessesAndKeepsWhatWasQueued() async throws {
        let (database, dir) = try SecurityTestSupport.database()
        let file = dir.appendingPathComponent("security.sqlite")
        // Make every insert fail, as a full disk would.
        guard
            let broken = try SecurityTestSupport.sqlite(
                file, "CREATE TRIGGER test_disk_full BEFORE INSERT ON audit_entry BEGIN SELECT RAISE(ABORT, 'disk full'); END;")
        else { return }  // no sqlite3 tool
        #expect(broken.status == 0, "\(broken.output)")
        let writer = AuditWriter(log: database.audit, retryDelay: .milliseconds(20))
        try writer.record(Self.event(1))
        // The change waits for its commit and fails: the action would not run.
        await #expect(throws: SecurityError.self) { try await writer.append(Self.event(2, action: "http.begin")) }
        // Accesses are refused while the trail is failing.
        var refused = false
        for _ in 0..<500 where !refused {
            refused = writer.refusal != nil
            if !refused { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(refused)
        #expect(throws: SecurityError.self) { try writer.record(Self.event(3)) }
        #expect(writer.queued == 1)
        #expect(await writer.drain() == false)

        // Once the disk recovers, the queued access is committed and accesses are accepted again.
        let fixed = try SecurityTestSupport.sqlite(file, "DROP TRIGGER test_disk_full;")
        #expect(fixed?.status == 0)
        var recovered = false
        for _ in 0..<500 where !recovered {
            recovered = writer.queued == 0 && writer.refusal == nil
            if !recovered { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(recovered)
        try writer.record(Self.event(4))
        await writer.drain()
        let verification = try database.audit.verify()
        #expect(verification.isIntact)
        #expect(verification.entries == 2)
        #expect(try database.audit.tail(2).map(\.actor) == ["k1", "k4"])
    }
}

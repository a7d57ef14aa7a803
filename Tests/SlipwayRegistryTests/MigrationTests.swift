import Foundation
import GRDB
import SlipwayRegistry
import Testing

/// The schema enforces the invariants itself ("trust SQLite more than yourself"): every test runs over an
/// in-memory queue and a file pool, as GRDB's own tests do.
@Suite struct MigrationTests {
    enum Connection: String, CaseIterable, Sendable {
        case queue, pool

        func make() throws -> any DatabaseWriter {
            switch self {
            case .queue: return try DatabaseQueue()
            case .pool: return try DatabasePool(path: temporaryDirectory().appendingPathComponent("r.sqlite").path)
            }
        }
    }

    @Test(arguments: Connection.allCases)
    func namedMigrationsApplyOnceAndAgainIsANoOp(connection: Connection) throws {
        let db = try connection.make()
        let store = try SQLiteModelStore(db)
        #expect(try store.appliedMigrations() == ["v1-models", "v1-versions", "v1-aliases", "v1-events"])
        _ = try store.createVersion(draft("iris", seed: 1))
        // Opening again migrates nothing and keeps the data.
        let again = try SQLiteModelStore(db)
        #expect(try again.version("iris", 1).version == 1)
    }

    @Test(arguments: Connection.allCases)
    func schemaRefusesWhatTheRulesForbid(connection: Connection) throws {
        let db = try connection.make()
        let store = try SQLiteModelStore(db)
        _ = try store.createVersion(draft("iris", seed: 1, aliases: ["production"]))
        _ = try store.createVersion(draft("iris", seed: 2))
        func refused(_ sql: String, _ fragment: String) {
            let error = #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: sql) } }
            #expect(error?.message?.contains(fragment) == true, "\(sql): \(error?.message ?? "")")
        }
        refused("UPDATE version SET artifact_sha256 = '\(hash(5))' WHERE number = 1", "immutable")
        refused("UPDATE version SET number = 9 WHERE number = 1", "immutable")
        refused("DELETE FROM version WHERE number = 2", "never deleted")
        refused("UPDATE event SET actor = 'mallory'", "append-only")
        refused("DELETE FROM event", "append-only")
        refused("UPDATE version SET status = 'archived' WHERE number = 1", "aliased version cannot be archived")
        refused("INSERT INTO model (name, created_at_ms, updated_at_ms) VALUES ('Bad Name', 0, 0)", "CHECK")
        refused("INSERT INTO model (name, created_at_ms, updated_at_ms) VALUES ('iris', 0, 0)", "UNIQUE")
        refused("UPDATE version SET status = 'deleted' WHERE number = 2", "CHECK")
        refused("INSERT INTO alias (model_id, name, version_number) VALUES (1, 'staging', 7)", "FOREIGN KEY")
        try db.write { try $0.execute(sql: "UPDATE version SET status = 'archived' WHERE number = 2") }
        refused("UPDATE version SET status = 'ready' WHERE number = 2", "stays archived")
        refused("INSERT INTO alias (model_id, name, version_number) VALUES (1, 'staging', 2)", "archived version")
    }
}

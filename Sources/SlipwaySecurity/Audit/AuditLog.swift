public import Foundation
import GRDB
import SlipwayStorage

/// The tamper-evident audit trail in ``SecurityDatabase``: append-only (the schema refuses updates and
/// deletes), each entry chained to the previous one by SHA-256. An append is one transaction that reads the
/// head, writes the entry and moves the head, so concurrent writers (the server and the CLI) stay in order.
public struct AuditLog: Sendable {
    let database: SecurityDatabase

    init(database: SecurityDatabase) {
        self.database = database
    }

    /// Appends an event off the caller's thread; throws `storage` when it cannot be written (the caller must
    /// then fail the action it records).
    @discardableResult
    public func append(_ event: AuditEvent) async throws(SecurityError) -> AuditEntry {
        try await database.write("write the audit trail") { db in try Self.append(event, in: db) }
    }

    /// Appends events in one transaction, in order (the group commit of ``AuditWriter``): the head is read
    /// once, each entry chains to the one before it in the batch, and the head moves once.
    public func append(_ events: [AuditEvent]) async throws(SecurityError) -> [AuditEntry] {
        try await database.write("write the audit trail") { db in try Self.append(events, in: db) }
    }

    /// Appends an event synchronously (the CLI).
    @discardableResult
    public func appendNow(_ event: AuditEvent) throws(SecurityError) -> AuditEntry {
        try database.write("write the audit trail") { db in try Self.append(event, in: db) }
    }

    /// Appends inside an open transaction, so the entry commits or rolls back with the action it records.
    @discardableResult
    static func append(_ event: AuditEvent, in db: Database) throws -> AuditEntry {
        try append([event], in: db)[0]
    }

    /// Appends events in order inside an open transaction; returns one entry per event (none for none).
    static func append(_ events: [AuditEvent], in db: Database) throws -> [AuditEntry] {
        guard !events.isEmpty else { return [] }
        // A cached statement: preparing this one anew cost more than the rest of a batch of one.
        let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_head WHERE id = 1"))
        var seq = head.map { $0["seq"] as Int } ?? 0
        var previous = head.map { $0["hash"] as String } ?? AuditEntry.genesisHash
        var entries: [AuditEntry] = []
        entries.reserveCapacity(events.count)
        // Bound straight to SQLite: GRDB's StatementArguments cost a quarter of an append (one per request).
        var insert = try GroupedInsert(db, Self.insertStatements)
        try insert.append(count: events.count) { index, statement in
            seq += 1
            let entry = AuditEntry(events[index], seq: seq, prevHash: previous)
            Self.bind(entry, to: &statement)
            previous = entry.hash
            entries.append(entry)
        }
        try db.cachedStatement(
            sql: "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
        ).execute(arguments: [seq, previous])
        return entries
    }

    /// The trail's appends, 16 entries per statement in a group commit (``GroupedInsert``).
    static let insertStatements = GroupedInsert.Statements(
        table: "audit_entry",
        columns: [
            "seq", "time", "actor", "role", "action", "method", "route", "model", "version", "request_id", "status", "detail", "prev_hash", "hash",
        ])

    /// Binds the 14 columns of `entry`, in ``insertStatements``' order.
    static func bind(_ entry: AuditEntry, to insert: inout BoundInsert) {
        insert.bind(Int64(entry.seq))
        insert.bind(entry.time)
        insert.bind(entry.actor)
        insert.bind(entry.role)
        insert.bind(entry.action)
        insert.bind(entry.method)
        insert.bind(entry.route)
        insert.bind(entry.model)
        insert.bind(entry.version)
        insert.bind(entry.requestID)
        insert.bind(entry.status)
        insert.bind(entry.detail)
        insert.bind(entry.prevHash)
        insert.bind(entry.hash)
    }

    /// Walks the whole trail (streaming, in sequence order) and names the first bad entry.
    public func verify() throws(SecurityError) -> AuditVerification {
        try database.read("read the audit trail") { db in
            var verifier = AuditChainVerifier()
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entry ORDER BY seq")
            while let row = try cursor.next() { verifier.check(Self.entry(row)) }
            let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1").map {
                (seq: $0["seq"] as Int, hash: $0["hash"] as String)
            }
            return verifier.finish(head: head)
        }
    }

    /// Calls `body` with every entry at or after `since`, in order, without holding them all in memory.
    public func export(since: Date?, _ body: (AuditEntry) throws -> Void) throws(SecurityError) {
        try database.read("read the audit trail") { db in
            let cursor: RowCursor
            if let since {
                cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entry WHERE time >= ? ORDER BY seq", arguments: [Timestamp.string(since)])
            } else {
                cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entry ORDER BY seq")
            }
            while let row = try cursor.next() { try body(Self.entry(row)) }
        }
    }

    /// The last `limit` entries, oldest first.
    public func tail(_ limit: Int) throws(SecurityError) -> [AuditEntry] {
        try database.read("read the audit trail") { db in
            Array(try Row.fetchAll(db, sql: "SELECT * FROM audit_entry ORDER BY seq DESC LIMIT ?", arguments: [limit]).map(Self.entry).reversed())
        }
    }

    static func entry(_ row: Row) -> AuditEntry {
        var entry = AuditEntry(AuditEvent(actor: "", action: ""), seq: 0, prevHash: "")
        entry.seq = row["seq"]
        entry.time = row["time"]
        entry.actor = row["actor"]
        entry.role = row["role"]
        entry.action = row["action"]
        entry.method = row["method"]
        entry.route = row["route"]
        entry.model = row["model"]
        entry.version = row["version"]
        entry.requestID = row["request_id"]
        entry.status = row["status"]
        entry.detail = row["detail"]
        entry.prevHash = row["prev_hash"]
        entry.hash = row["hash"]
        return entry
    }
}

public import GRDB

/// Rows appended through multi-row `INSERT`s: full groups of ``rowsPerStatement`` rows per statement, the rest one
/// by one, so a statement's fixed cost (resetting and running its program) is shared by a group's rows. Values are
/// bound straight to SQLite through ``BoundInsert``. The prediction log and the audit trail append this way.
///
/// Inside a transaction a multi-row statement needs a statement journal (SQLite keeps the pages it changes, to
/// undo the statement alone if a later row fails a constraint). A database appended to this way keeps its writer's
/// journals in memory (``keepWriterJournalsInMemory(_:)``), or that journal is a temporary file, and every statement
/// copies each page it touches through the kernel (~1 KB a batch-32 prediction row with 4 KiB pages, 13 KB with
/// 32 KiB pages).
public struct GroupedInsert {
    /// Rows per group statement.
    public static let rowsPerStatement = 16

    /// Sets `PRAGMA temp_store = MEMORY` on `pool`'s writer (its one long-lived connection), for the statement
    /// journals of grouped appends. Call it after migrating: a migration's index builds and groupings may sort whole
    /// tables, and with temporary storage in memory SQLite's sorter cannot spill to disk. Readers keep the default.
    public static func keepWriterJournalsInMemory(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
    }

    /// The two `INSERT` statements of a table and column list: one row, and ``rowsPerStatement`` rows.
    public struct Statements: Sendable {
        public let single: String
        public let group: String

        /// - Parameters:
        ///   - table: the table appended to.
        ///   - columns: the columns every row binds, in binding order.
        public init(table: String, columns: [String]) {
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            func sql(_ rows: Int) -> String {
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
            }
            single = sql(1)
            group = sql(GroupedInsert.rowsPerStatement)
        }
    }

    var single: BoundInsert
    var group: BoundInsert

    /// The statements, prepared (and cached) on `db`.
    public init(_ db: Database, _ statements: Statements) throws {
        single = BoundInsert(try db.cachedStatement(sql: statements.single))
        group = BoundInsert(try db.cachedStatement(sql: statements.group))
    }

    /// Appends `count` rows in order: `bind(i, &insert)` binds every column of row `i`, in order, to the statement
    /// the row goes in, which runs once its rows are bound.
    public mutating func append(count: Int, _ bind: (Int, inout BoundInsert) throws -> Void) throws {
        var start = 0
        while start < count {
            if count - start >= Self.rowsPerStatement {
                for i in start..<(start + Self.rowsPerStatement) { try bind(i, &group) }
                try group.execute()
                start += Self.rowsPerStatement
            } else {
                try bind(start, &single)
                try single.execute()
                start += 1
            }
        }
    }
}

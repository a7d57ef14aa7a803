public import Foundation
public import GRDB
import GRDBSQLite

/// Runs a prepared statement with its values bound straight onto SQLite, in order: the write path of the hot
/// appends (the prediction log, the audit trail), which run once per request.
///
/// GRDB's `execute(arguments:)` first builds `StatementArguments` — each value converted through a key path or an
/// existential, then checked against the statement and bound — which costs more than SQLite's own insert (about
/// 1,500 instructions per value, measured with `bench/request-cost.sh`). Here each value goes to its
/// `sqlite3_bind_*` call through GRDB's public `StatementBinding` conformances, and the statement is stepped
/// once. Use it inside a GRDB write (`pool.write`), on statements from `cachedStatement(sql:)` or
/// `makeStatement(sql:)` that return no rows (INSERT, UPDATE, DELETE).
///
/// ```swift
/// try pool.write { db in
///     var insert = try BoundInsert(db.cachedStatement(sql: "INSERT INTO t (a, b) VALUES (?, ?)"))
///     insert.bind(Int64(1))
///     insert.bind("x" as String?)
///     try insert.execute()
/// }
/// ```
///
/// A value SQLite refuses (a blob over its size limit), too few or too many values, or a failing step (a broken
/// constraint) throws a `DatabaseError` naming the statement; the statement is reset either way, so the
/// connection's statement cache stays usable.
public struct BoundInsert {
    let statement: Statement
    /// The 1-based index of the next parameter.
    private var index: CInt = 1
    /// The first binding that failed (SQLite's code and the parameter index), reported by ``execute()``.
    private var failure: (code: CInt, index: CInt)?

    /// Prepares `statement` for binding (resets it and clears earlier bindings).
    public init(_ statement: Statement) {
        self.statement = statement
        sqlite3_reset(statement.sqliteStatement)
        sqlite3_clear_bindings(statement.sqliteStatement)
    }

    /// The number of values bound so far.
    public var boundCount: Int { Int(index - 1) }

    private mutating func record(_ code: CInt) {
        if code != SQLITE_OK, failure == nil { failure = (code, index) }
        index += 1
    }

    /// Binds the next parameter to an integer.
    public mutating func bind(_ value: Int64) { record(value.bind(to: statement.sqliteStatement, at: index)) }

    /// Binds the next parameter to an integer, or NULL.
    public mutating func bind(_ value: Int?) {
        guard let value else { return bindNull() }
        record(Int64(value).bind(to: statement.sqliteStatement, at: index))
    }

    /// Binds the next parameter to a real.
    public mutating func bind(_ value: Double) { record(value.bind(to: statement.sqliteStatement, at: index)) }

    /// Binds the next parameter to a text (copied by SQLite; as GRDB binds it, up to a first NUL character), or NULL.
    public mutating func bind(_ value: String?) {
        guard let value else { return bindNull() }
        record(value.bind(to: statement.sqliteStatement, at: index))
    }

    /// Binds the next parameter to a blob (copied by SQLite; an empty one stays an empty blob, not NULL), or NULL.
    public mutating func bind(_ value: Data?) {
        guard let value else { return bindNull() }
        if value.isEmpty { return record(sqlite3_bind_zeroblob(statement.sqliteStatement, index, 0)) }
        record(value.bind(to: statement.sqliteStatement, at: index))
    }

    /// Binds the next parameter to NULL.
    public mutating func bindNull() { record(sqlite3_bind_null(statement.sqliteStatement, index)) }

    /// Steps the statement once with the values bound so far, then resets it and releases the bound copies.
    /// Throws when a binding failed, when the count of values is not the statement's, or when SQLite refuses the
    /// change; nothing is written then (SQLite undoes the statement's partial effects).
    public mutating func execute() throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            index = 1
            failure = nil
        }
        if let failure {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: failure.code), message: "cannot bind parameter \(failure.index): \(Self.message(handle))",
                sql: statement.sql)
        }
        let expected = sqlite3_bind_parameter_count(handle)
        guard index - 1 == expected else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "\(index - 1) values bound, the statement takes \(expected)", sql: statement.sql)
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            // sqlite3_reset returns the step's extended code (a constraint's, say) with its message kept.
            let message = Self.message(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code == SQLITE_ROW ? SQLITE_MISUSE : code), message: message, sql: statement.sql)
        }
    }

    private static func message(_ handle: SQLiteStatement) -> String {
        guard let connection = sqlite3_db_handle(handle), let text = sqlite3_errmsg(connection) else { return "unknown error" }
        return String(cString: text)
    }
}

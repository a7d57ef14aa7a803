public import Foundation
public import GRDB
import GRDBSQLite

/// Runs a prepared statement with its values bound straight onto SQLite, in order: the write path of the hot
/// appends (the prediction log, the audit trail), which run once per request.
///
/// GRDB's `execute(arguments:)` first builds `StatementArguments` — each value converted through a key path or an
/// existential, checked against the statement, then bound as a copy SQLite allocates and frees — which cost more
/// than SQLite's own insert (~1,500 instructions per value, `bench/request-cost.sh`). Here texts and blobs are
/// appended to one reused byte arena, and at ``execute()`` every value is bound without a copy
/// (`SQLITE_STATIC`: the arena stays put until the step is done and the bindings are cleared) and the statement
/// is stepped once. Its reference twin is GRDB's `execute(arguments:)`: `BoundInsertTests` writes the same random
/// rows both ways and compares them.
///
/// Use it inside a GRDB write (`pool.write`), on statements from `cachedStatement(sql:)` or `makeStatement(sql:)`
/// that return no rows (INSERT, UPDATE, DELETE; not `RETURNING`). It steps the statement itself, so GRDB's own
/// bookkeeping around a statement is skipped: transaction observers are not told (the stores using it have none),
/// an interrupt comes back as a `DatabaseError`, and the statement stays in the cache after a failure (reset and
/// unbound, so it is reusable). Texts are bound as GRDB binds and reads them: up to a first NUL character.
///
/// ```swift
/// try pool.write { db in
///     var insert = BoundInsert(try db.cachedStatement(sql: "INSERT INTO t (a, b) VALUES (?, ?)"))
///     insert.bind(Int64(1))
///     insert.bind("x" as String?)
///     try insert.execute()
/// }
/// ```
///
/// Too few or too many values, a value SQLite refuses (a blob over its size limit) or a failing step (a broken
/// constraint) throw a `DatabaseError` naming the statement; nothing of that execution is written (SQLite undoes a
/// failed statement), and the statement is reset and unbound either way, so the connection's statement cache stays
/// usable.
public struct BoundInsert {
    let statement: Statement
    /// One value per parameter, in order; texts and blobs as ranges of `arena`.
    private var values: [Value] = []
    /// The bytes of the bound texts (each followed by a NUL) and blobs.
    private var arena: [UInt8] = []

    enum Value {
        case null
        case integer(Int64)
        case real(Double)
        case text(start: Int, count: Int)
        case blob(start: Int, count: Int)
    }

    /// Prepares `statement` for binding.
    public init(_ statement: Statement) {
        self.statement = statement
    }

    /// The number of values bound so far.
    public var boundCount: Int { values.count }

    /// Binds the next parameter to an integer.
    public mutating func bind(_ value: Int64) { values.append(.integer(value)) }

    /// Binds the next parameter to an integer, or NULL.
    public mutating func bind(_ value: Int?) { values.append(value.map { .integer(Int64($0)) } ?? .null) }

    /// Binds the next parameter to a real.
    public mutating func bind(_ value: Double) { values.append(.real(value)) }

    /// Binds the next parameter to a text, or NULL. As GRDB binds a `String` (and reads one back), a text ends at
    /// its first NUL character, so what is written is what GRDB's queries and lookups see.
    public mutating func bind(_ value: String?) {
        guard let value else { return values.append(.null) }
        let start = arena.count
        arena.append(contentsOf: value.utf8)
        if let nul = Self.firstNUL(in: arena, from: start) { arena.removeSubrange(nul...) }
        values.append(.text(start: start, count: arena.count - start))
        arena.append(0)
    }

    /// The index of the first zero byte of `bytes` at or after `start`.
    static func firstNUL(in bytes: [UInt8], from start: Int) -> Int? {
        // Unsafe: a scan without bounds checks of the text just appended (searching the String's UTF-8 view cost
        // ~250 instructions per text, and every request binds a dozen).
        bytes.withUnsafeBufferPointer { buffer in
            var index = max(0, start)
            while index < buffer.count {
                if buffer[index] == 0 { return index }
                index += 1
            }
            return nil
        }
    }

    /// Binds the next parameter to a blob (an empty one stays an empty blob, not NULL).
    public mutating func bind(bytes: [UInt8]) { appendBlob(bytes) }

    /// Binds the next parameter to a blob, or NULL.
    public mutating func bind(_ value: Data?) {
        guard let value else { return values.append(.null) }
        appendBlob(value)
    }

    /// Puts a blob's bytes in the arena and records their range as the next value.
    private mutating func appendBlob(_ bytes: some Collection<UInt8>) {
        let start = arena.count
        arena.append(contentsOf: bytes)
        values.append(.blob(start: start, count: arena.count - start))
    }

    /// Binds the next parameter to NULL.
    public mutating func bindNull() { values.append(.null) }

    /// Binds the values, steps the statement once, then resets and unbinds it (and forgets the values). A statement
    /// that returns rows is refused (after SQLite ran it: `RETURNING` is not supported).
    /// Throws when the count of values is not the statement's, when SQLite refuses a value, or when it refuses the
    /// change; nothing of this execution is written then (SQLite undoes the statement's partial effects).
    public mutating func execute() throws {
        defer {
            values.removeAll(keepingCapacity: true)
            arena.removeAll(keepingCapacity: true)
        }
        let handle = statement.sqliteStatement
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "\(values.count) values bound, the statement takes \(expected)", sql: statement.sql)
        }
        let values = self.values
        // Unsafe: SQLite reads the texts and blobs in place (SQLITE_STATIC) while the arena is pinned here; the
        // bindings are cleared before the pointer goes out of scope.
        let outcome: (code: CInt, message: String?) = arena.withUnsafeBytes { arena in
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            // GRDB leaves a statement it ran un-reset, and SQLite refuses bindings until it is.
            sqlite3_reset(handle)
            for (offset, value) in values.enumerated() {
                let index = CInt(offset + 1)
                let code = Self.bind(value, at: index, of: handle, from: arena)
                if code != SQLITE_OK { return (code, "cannot bind parameter \(index): \(Self.message(handle))") }
            }
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return (code, nil) }
            if code == SQLITE_ROW { return (SQLITE_MISUSE, "the statement returned rows") }
            return (code, Self.message(handle))
        }
        if let message = outcome.message {
            throw DatabaseError(resultCode: ResultCode(rawValue: outcome.code), message: message, sql: statement.sql)
        }
    }

    /// One `sqlite3_bind_*` call; texts and blobs point into `arena` (SQLITE_STATIC: a nil destructor).
    private static func bind(_ value: Value, at index: CInt, of handle: SQLiteStatement, from arena: UnsafeRawBufferPointer) -> CInt {
        switch value {
        case .null:
            return sqlite3_bind_null(handle, index)
        case .integer(let integer):
            return sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            return sqlite3_bind_double(handle, index, real)
        case .text(let start, let count):
            guard count <= Int(Int32.max) else { return SQLITE_TOOBIG }
            // Unsafe: a text is followed by its NUL in the arena, so the arena is never empty here.
            guard let base = arena.baseAddress else { return SQLITE_MISUSE }
            return sqlite3_bind_text(handle, index, (base + start).assumingMemoryBound(to: CChar.self), CInt(count), nil)
        case .blob(let start, let count):
            guard count <= Int(Int32.max) else { return SQLITE_TOOBIG }
            guard count > 0, let base = arena.baseAddress else { return sqlite3_bind_zeroblob(handle, index, 0) }
            // Unsafe: the blob's bytes are arena[start ..< start + count], pinned for the step.
            return sqlite3_bind_blob(handle, index, base + start, CInt(count), nil)
        }
    }

    private static func message(_ handle: SQLiteStatement) -> String {
        guard let connection = sqlite3_db_handle(handle), let text = sqlite3_errmsg(connection) else { return "unknown error" }
        return String(cString: text)
    }
}

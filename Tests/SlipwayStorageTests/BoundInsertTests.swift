import Foundation
import GRDB
import SlipwayStorage
import Testing

@Suite struct BoundInsertTests {
    static let columns = "(id INTEGER PRIMARY KEY, i INTEGER, n INTEGER, r REAL, t TEXT, b BLOB)"

    func makeQueue() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE bound \(Self.columns); CREATE TABLE reference \(Self.columns)")
            try db.execute(sql: "CREATE TABLE checked (v INTEGER NOT NULL CHECK (v >= 0))")
        }
        return queue
    }

    struct Sample {
        var id: Int64
        var i: Int?
        var r: Double
        var t: String?
        var b: Data?
    }

    static func randomSample(_ id: Int64, _ g: inout some RandomNumberGenerator) -> Sample {
        let strings = ["", "a", "naïve – ünïcödé 🎉", String(repeating: "x", count: 300), "quote ' \" ; --", "before\u{0}after"]
        let i: Int? =
            Bool.random(using: &g) ? nil : [Int.min, -1, 0, 1, Int.max, Int.random(in: -1_000_000...1_000_000, using: &g)].randomElement(using: &g)
        let r = [0.0, -0.0, 1.5, -1e300, 1e-300, .pi, Double.random(in: -1e6...1e6, using: &g)].randomElement(using: &g) ?? 0
        let t: String? = Bool.random(using: &g) ? nil : strings.randomElement(using: &g)
        let b: Data? =
            Bool.random(using: &g) ? nil : Data((0..<Int.random(in: 0...64, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) })
        return Sample(id: id, i: i, r: r, t: t, b: b)
    }

    /// The same random rows written through `BoundInsert` and through GRDB's `execute(arguments:)` read back equal,
    /// NULLs, empty texts and blobs, extreme integers and reals included.
    @Test func randomRowsMatchGRDBArguments() throws {
        let queue = try makeQueue()
        var g = SystemRandomNumberGenerator()
        let samples = (1...300).map { Self.randomSample(Int64($0), &g) }
        try queue.write { db in
            for sample in samples {
                var insert = BoundInsert(try db.cachedStatement(sql: "INSERT INTO bound (id, i, n, r, t, b) VALUES (?, ?, ?, ?, ?, ?)"))
                insert.bind(sample.id)
                insert.bind(sample.i)
                insert.bindNull()
                insert.bind(sample.r)
                insert.bind(sample.t)
                insert.bind(sample.b)
                try insert.execute()
                // The reference states an empty blob as a literal (GRDB's arguments would bind an empty Data as NULL).
                let emptyBlob = sample.b?.isEmpty == true
                try db.execute(
                    sql: "INSERT INTO reference (id, i, n, r, t, b) VALUES (?, ?, NULL, ?, ?, \(emptyBlob ? "x''" : "?"))",
                    arguments: emptyBlob ? [sample.id, sample.i, sample.r, sample.t] : [sample.id, sample.i, sample.r, sample.t, sample.b])
            }
        }
        try queue.read { db in
            let sql = "SELECT id, i, n, r, t, b, typeof(i), typeof(n), typeof(r), typeof(t), typeof(b) FROM %@ ORDER BY id"
            let bound = try Row.fetchAll(db, sql: sql.replacingOccurrences(of: "%@", with: "bound"))
            let reference = try Row.fetchAll(db, sql: sql.replacingOccurrences(of: "%@", with: "reference"))
            #expect(bound.count == samples.count)
            #expect(bound == reference)
            for (row, sample) in zip(bound, samples) {
                #expect(row["b"] as Data? == sample.b)
                #expect(row["t"] as String? == sample.t.map { String($0.prefix { $0 != "\u{0}" }) })
            }
        }
    }

    /// Texts end at a first NUL, as GRDB binds and reads them (so lookups through GRDB find what was written);
    /// blobs come from byte arrays, empty ones as empty blobs.
    @Test func textsStopAtNULAsGRDBsAndByteBlobsAreKeptWhole() throws {
        let queue = try makeQueue()
        try queue.write { db in
            var insert = BoundInsert(try db.cachedStatement(sql: "INSERT INTO bound (id, t, b) VALUES (?, ?, ?)"))
            insert.bind(Int64(1))
            insert.bind("a\u{0}b" as String?)
            insert.bind(bytes: [1, 0, 2])
            try insert.execute()
            insert.bind(Int64(2))
            insert.bind("" as String?)
            insert.bind(bytes: [])
            try insert.execute()
            try db.execute(sql: "INSERT INTO reference (id, t) VALUES (1, ?)", arguments: ["a\u{0}b"])
        }
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT CAST(t AS BLOB) AS t, b, typeof(t) AS tt, typeof(b) AS tb FROM bound ORDER BY id")
            #expect(rows.map { $0["t"] as Data } == [Data([97]), Data()])
            #expect(rows.map { $0["b"] as Data } == [Data([1, 0, 2]), Data()])
            #expect(rows.map { $0["tt"] as String } == ["text", "text"])
            #expect(rows.map { $0["tb"] as String } == ["blob", "blob"])
            // What GRDB itself writes for the same string, and finds when it looks the value up.
            #expect(try Data.fetchOne(db, sql: "SELECT CAST(t AS BLOB) FROM reference WHERE id = 1") == Data([97]))
            #expect(try Int.fetchOne(db, sql: "SELECT id FROM bound WHERE t = ?", arguments: ["a\u{0}b"]) == 1)
        }
    }

    /// A cached statement GRDB has just run (it leaves it un-reset) takes a bound insert, and GRDB can run it again
    /// after one.
    @Test func aStatementGRDBRanTakesABoundInsertAndBack() throws {
        let queue = try makeQueue()
        try queue.write { db in
            let sql = "INSERT INTO checked (v) VALUES (?)"
            try db.cachedStatement(sql: sql).execute(arguments: [1])
            var insert = BoundInsert(try db.cachedStatement(sql: sql))
            insert.bind(Int64(2))
            try insert.execute()
            try db.cachedStatement(sql: sql).execute(arguments: [3])
            insert.bind(Int64(4))
            try insert.execute()
        }
        #expect(try queue.read { db in try Int.fetchAll(db, sql: "SELECT v FROM checked ORDER BY rowid") } == [1, 2, 3, 4])
    }

    /// A statement SQLite refuses throws with SQLite's message and the SQL, writes nothing, and leaves the cached
    /// statement usable for the next row.
    @Test func refusedRowThrowsAndStatementStaysUsable() throws {
        let queue = try makeQueue()
        try queue.write { db in
            let sql = "INSERT INTO checked (v) VALUES (?)"
            var insert = BoundInsert(try db.cachedStatement(sql: sql))
            insert.bind(Int64(1))
            try insert.execute()
            insert.bind(Int64(-5))
            do {
                try insert.execute()
                Issue.record("a broken CHECK constraint must throw")
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_CONSTRAINT)
                #expect(error.message?.contains("CHECK constraint failed") == true)
                #expect(error.sql == sql)
            }
            insert.bind(Int64(2))
            try insert.execute()
            insert.bind(nil as Int?)
            #expect(throws: DatabaseError.self) { try insert.execute() }
        }
        let values = try queue.read { db in try Int.fetchAll(db, sql: "SELECT v FROM checked ORDER BY rowid") }
        #expect(values == [1, 2])
    }

    /// Too few or too many values throw before anything is stepped.
    @Test func wrongValueCountThrows() throws {
        let queue = try makeQueue()
        try queue.write { db in
            var insert = BoundInsert(try db.cachedStatement(sql: "INSERT INTO checked (v) VALUES (?)"))
            do {
                try insert.execute()
                Issue.record("no value for one parameter must throw")
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_MISUSE)
                #expect(error.message?.contains("0 values bound, the statement takes 1") == true)
            }
            insert.bind(Int64(1))
            insert.bind(Int64(2))
            #expect(insert.boundCount == 2)
            do {
                try insert.execute()
                Issue.record("two values for one parameter must throw")
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_MISUSE)
                #expect(error.message?.contains("2 values bound, the statement takes 1") == true)
            }
            #expect(insert.boundCount == 0)
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checked") } == 0)
    }
}

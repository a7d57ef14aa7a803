import Foundation
import GRDB
import Testing

@testable import SlipwayMonitoring

/// Time lookups go through time marks instead of a per-row (model, arrived_at) index. Whatever the arrival order,
/// the models' interleaving and the batch sizes, time windows and retention must select exactly the rows a plain
/// filter over every row selects — on a fresh log and on a log whose rows were written before the marks existed.
@Suite struct PredictionLogTimeMarkTests {
    struct Written {
        var requestID: String
        var model: String
        var version: Int?
        var arrivedAt: Double
    }

    static func entry(_ row: Written) -> PredictionEntry {
        PredictionEntry(
            requestID: row.requestID, model: row.model, version: row.version, alias: nil, arrivedAt: row.arrivedAt, status: "ok",
            latencySeconds: 0.001, inputs: [PredictionLogStoreTests.floats("X", [1, 1], [1])], outputs: [])
    }

    /// Batches of random size; arrivals mostly increase but a row may arrive up to 30 s before the newest
    /// (a slow request written after faster ones), some batches are all late (30–60 s), three models interleaved,
    /// versions 1–2 and none.
    static func randomBatches(_ generator: inout some RandomNumberGenerator, count: Int, from start: Int = 0, clock: inout Double)
        -> [[Written]]
    {
        var next = start
        return (0..<count).map { _ in
            // Now and then a whole write of late rows: its latest arrival is below the previous write's.
            let allLate = Int.random(in: 0..<6, using: &generator) == 0
            return (0..<Int.random(in: 1...(allLate ? 4 : 40), using: &generator)).map { _ in
                clock += Double.random(in: 0...2, using: &generator)
                defer { next += 1 }
                let late =
                    allLate
                    ? Double.random(in: 30...60, using: &generator)
                    : Int.random(in: 0..<5, using: &generator) == 0 ? Double.random(in: 0...30, using: &generator) : 0
                let model = ["iris", "iris", "wine", "a-much-longer-model-name"].randomElement(using: &generator) ?? "iris"
                let version = [1, 2, nil].randomElement(using: &generator) ?? 1
                return Written(requestID: "r\(next)", model: model, version: version, arrivedAt: clock - late)
            }
        }
    }

    /// Every time question against the plain filter: exports (all versions and one), labeled windows, then retention
    /// at growing cutoffs with more rows written between passes.
    static func checkWindowsAndRetention(_ store: PredictionLogStore, _ written: inout [Written], _ generator: inout some RandomNumberGenerator)
        throws
    {
        let models = ["iris", "wine", "a-much-longer-model-name"]
        for model in models {
            _ = try store.recordFeedback(
                model: model, written.filter { $0.model == model }.map { FeedbackItem(requestID: $0.requestID, labels: [.number(1)]) },
                receivedAt: 0)
        }
        let times = written.map(\.arrivedAt)
        let low = times.min() ?? 0
        let high = times.max() ?? 0
        for _ in 0..<25 {
            let since = Double.random(in: (low - 5)...(high + 5), using: &generator)
            for model in models {
                let expected = written.filter { $0.model == model && $0.arrivedAt >= since }.map(\.requestID)
                var exported: [String] = []
                try store.forEachPrediction(ExportFilter(model: model, since: since), pageSize: 7) { exported.append($0.entry.requestID) }
                #expect(exported == expected, "export of \(model) since \(since)")
                for version in [1, 2] {
                    let ofVersion = written.filter { $0.model == model && $0.version == version && $0.arrivedAt >= since }.map(\.requestID)
                    var exportedVersion: [String] = []
                    try store.forEachPrediction(ExportFilter(model: model, version: version, since: since), pageSize: 5) {
                        exportedVersion.append($0.entry.requestID)
                    }
                    #expect(exportedVersion == ofVersion, "export of \(model) v\(version) since \(since)")
                    let labeled = try store.labeledPredictions(model: model, version: version, window: .since(since)).map(\.entry.requestID)
                    #expect(labeled == ofVersion.reversed(), "labeled \(model) v\(version) since \(since)")
                }
            }
        }
        var cutoff = low - 1
        var clock = high
        for pass in 0..<6 {
            cutoff += (high - low) / 5
            for model in models where model != "wine" || pass % 2 == 0 {
                let expected = written.filter { $0.model == model && $0.arrivedAt < cutoff }.count
                #expect(try store.deletePredictions(model: model, before: cutoff) == expected, "retention of \(model) before \(cutoff)")
                written.removeAll { $0.model == model && $0.arrivedAt < cutoff }
                #expect(try store.count(model: model) == written.filter { $0.model == model }.count)
            }
            // Rows keep arriving between passes; every window still finds exactly its rows.
            for batch in randomBatches(&generator, count: 3, from: 100_000 * (pass + 1), clock: &clock) {
                try store.insert(batch.map(entry))
                written += batch
            }
            for model in models {
                // From just before the cutoff (or the newest arrival, when the cutoff has passed it) to past the end.
                let since = Double.random(in: min(cutoff - 10, clock)...(clock + 1), using: &generator)
                var exported: [String] = []
                try store.forEachPrediction(ExportFilter(model: model, since: since), pageSize: 50) { exported.append($0.entry.requestID) }
                #expect(exported == written.filter { $0.model == model && $0.arrivedAt >= since }.map(\.requestID), "after pass \(pass)")
            }
        }
    }

    @Test func windowsAndRetentionMatchAFilterOverEveryRow() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4 {
            let store = try PredictionLogStoreTests.temporaryStore()
            var clock = 1_000_000.0
            var written: [Written] = []
            for batch in Self.randomBatches(&generator, count: 30, clock: &clock) {
                try store.insert(batch.map(Self.entry))
                written += batch
            }
            try Self.checkWindowsAndRetention(store, &written, &generator)
        }
    }

    /// A long run of small writes of one model extends one mark until it spans 1,024 ids, then starts another; the
    /// latest arrivals never decrease along the ids.
    @Test func marksExtendUpToTheirSpanAndLatestArrivalsGrow() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        var clock = 0.0
        var written = 0
        var generator = SystemRandomNumberGenerator()
        while written < 3000 {
            let size = Int.random(in: 1...60, using: &generator)
            try store.insert(
                (0..<size).map { i in
                    clock += 1
                    return Self.entry(Written(requestID: "r\(written + i)", model: "iris", version: 1, arrivedAt: clock - Double(i % 3) * 5))
                })
            written += size
        }
        let marks = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT first_id, last_id, latest_arrival FROM prediction_time_mark WHERE model = 'iris' ORDER BY first_id")
        }
        #expect(marks.count >= 3 && marks.count <= 4, "\(marks.count) marks")
        var previousLast: Int64 = 0
        var previousLatest = -Double.infinity
        for mark in marks {
            let first: Int64 = mark[0]
            let last: Int64 = mark[1]
            let latest: Double = mark[2]
            #expect(first == previousLast + 1 && last - first < TimeMarks.extendBelow + 60)
            #expect(latest >= previousLatest)
            previousLast = last
            previousLatest = latest
        }
        #expect(previousLast == Int64(written))
    }

    /// A log written before the marks existed (migrated up to v4, rows inserted as that version did) gets its marks
    /// from the migration, in groups of 1,024 ids; every window and retention pass is then exact.
    @Test func theMigrationMarksRowsWrittenBeforeIt() throws {
        var generator = SystemRandomNumberGenerator()
        var clock = 5_000.0
        var written = Self.randomBatches(&generator, count: 80, clock: &clock).flatMap { $0 }
        let store = try Self.preMarksStore(written)
        let groups = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_time_mark") ?? 0 }
        let expectedGroups = Set(written.enumerated().map { "\($0.element.model) \(($0.offset + 1) / 1024)" }).count
        #expect(groups == expectedGroups)
        try Self.checkWindowsAndRetention(store, &written, &generator)
    }

    /// The time lookups are one step into a mark index each; retention reads each mark's rows as one range of the table.
    @Test func timeLookupsUseTheMarkIndexes() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert((0..<20).map { Self.entry(Written(requestID: "r\($0)", model: "iris", version: 1, arrivedAt: Double($0))) })
        let first = try store.queryPlan(PredictionLogStore.firstIDSinceSQL)
        #expect(first.count == 1 && first.first?.contains("USING COVERING INDEX prediction_time_mark_by_latest") == true, "\(first)")
        let marks = try store.queryPlan(PredictionLogStore.marksBeforeSQL)
        #expect(marks.first?.contains("USING INDEX prediction_time_mark_by_earliest (model=? AND earliest_arrival<?)") == true, "\(marks)")
        // Retention and refresh read one version's rows in a mark's range through the index: other models' rows
        // interleaved in the range are not read.
        for sql in [PredictionLogStore.deleteInMarkSQL, TimeMarks.arrivalsLeftSQL] {
            let plan = try store.queryPlan(sql)
            #expect(plan.first?.contains("USING INDEX prediction_by_version (model=? AND version=? AND rowid>? AND rowid<?)") == true, "\(plan)")
        }
        // Marking rows an older binary wrote reads the table from the highest id marked.
        let unmarked = try store.queryPlan(
            "SELECT model, MIN(id), MAX(id), MIN(arrived_at), MAX(arrived_at) FROM prediction WHERE id > ? GROUP BY id / 1024, +model ORDER BY MIN(id)"
        )
        #expect(unmarked.first?.contains("USING INTEGER PRIMARY KEY (rowid>?)") == true, "\(unmarked)")
        let indexes = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prediction' AND sql IS NOT NULL")
        }
        #expect(Set(indexes) == ["prediction_by_request", "prediction_by_version", "prediction_by_sealed_key"])
    }

    static func ids(_ store: PredictionLogStore, since: Double, model: String = "iris") throws -> [String] {
        var found: [String] = []
        try store.forEachPrediction(ExportFilter(model: model, since: since), pageSize: 100) { found.append($0.entry.requestID) }
        return found
    }

    static func write(_ store: PredictionLogStore, _ times: [Double], from start: Int, model: String = "iris") throws {
        try store.insert(
            times.enumerated().map { Self.entry(Written(requestID: "r\(start + $0.offset)", model: model, version: 1, arrivedAt: $0.element)) })
    }

    /// A write that extends a mark with an earlier arrival lowers its earliest arrival: retention finds the row.
    @Test func anExtendedMarkTakesTheEarlierArrival() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try Self.write(store, [100], from: 0)
        try Self.write(store, [50], from: 1)
        #expect(try store.deletePredictions(model: "iris", before: 75) == 1)
        #expect(try store.count(model: "iris") == 1)
    }

    /// A new mark after a write of late rows keeps the running maximum: the window still starts before the rows that
    /// arrived after it but were written earlier.
    @Test func aNewMarkKeepsTheRunningMaximum() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try Self.write(store, (0..<1100).map { 1000 + Double($0) }, from: 0)  // one mark of 1,100 ids: the next write starts another
        try Self.write(store, [1500], from: 1100)
        try Self.write(store, (0..<1100).map { 3000 + Double($0) }, from: 1101)
        let expected = (400..<1100).map { "r\($0)" } + ["r1100"] + (1101..<2201).map { "r\($0)" }
        #expect(try Self.ids(store, since: 1400) == expected)
    }

    /// The migration's marks carry the running maximum across groups: a later group of earlier arrivals does not hide
    /// the rows of the group before it.
    @Test func theMigrationKeepsTheRunningMaximum() throws {
        let times = (0..<1023).map { 1000 + Double($0) } + (0..<1024).map { 500 + Double($0) } + [5000]
        let store = try Self.preMarksStore(
            times.enumerated().map { Written(requestID: "r\($0.offset)", model: "iris", version: 1, arrivedAt: $0.element) })
        let expected = times.enumerated().filter { $0.element >= 1500 }.map { "r\($0.offset)" }
        #expect(try Self.ids(store, since: 1500) == expected)
        #expect(expected.first == "r500")
    }

    /// A log written before the marks (migrations up to v4, rows inserted as that version did), opened by this version.
    static func preMarksStore(_ rows: [Written]) throws -> PredictionLogStore {
        try olderLog(upTo: "v4-sealed-with-partial") { db in try insertAsAnOlderBinary(rows, from: 1, db) }
    }

    /// A log migrated up to `migration` and filled by `fill` as that version would have, opened by this version.
    static func olderLog(upTo migration: String, _ fill: (Database) throws -> Void) throws -> PredictionLogStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(PredictionLogStore.fileName).path
        do {
            let old = try DatabaseQueue(path: path)
            try PredictionLogStore.migrator.migrate(old, upTo: migration)
            try old.write(fill)
        }
        return try PredictionLogStore(path: path)
    }

    /// Inserts rows the way a binary without time marks does (explicit ids, no marks).
    static func insertAsAnOlderBinary(_ rows: [Written], from firstID: Int, _ db: Database) throws {
        for (offset, row) in rows.enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO prediction (id, request_id, model, version, alias, arrived_at, status, latency_seconds, rows, inputs, outputs)
                    VALUES (?, ?, ?, ?, NULL, ?, 'ok', 0, 1, ?, ?)
                    """,
                arguments: [
                    firstID + offset, row.requestID, row.model, row.version, row.arrivedAt,
                    Data(TensorBlob.encode([PredictionLogStoreTests.floats("X", [1, 1], [1])])), Data(TensorBlob.encode([])),
                ])
        }
    }

    /// Rows that an older binary writes after the marks exist (a rolling upgrade) are marked by the next write, so
    /// windows and retention still find them.
    @Test func rowsOfAnOlderWriterAreMarkedByTheNextWrite() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try Self.write(store, (0..<10).map { 100 + Double($0) }, from: 0)
        try store.write { db in
            try Self.insertAsAnOlderBinary(
                (10..<40).map { Written(requestID: "r\($0)", model: $0 % 2 == 0 ? "iris" : "wine", version: 1, arrivedAt: 200 + Double($0)) },
                from: 11, db)
        }
        // Before any write of this binary: windows already find the unmarked rows (their walk starts at the first of
        // them at the latest), and retention marks them first.
        #expect(try Self.ids(store, since: 500).isEmpty)
        #expect(try Self.ids(store, since: 230) == (30..<40).filter { $0 % 2 == 0 }.map { "r\($0)" })
        #expect(try Self.ids(store, since: 0, model: "wine").count == 15)
        #expect(try store.deletePredictions(model: "wine", before: 215) == 2)
        try Self.write(store, [300], from: 40)
        #expect(try Self.ids(store, since: 210) == (10..<40).filter { $0 % 2 == 0 && 200 + Double($0) >= 210 }.map { "r\($0)" } + ["r40"])
        #expect(try Self.ids(store, since: 0, model: "wine") == (15..<40).filter { $0 % 2 == 1 }.map { "r\($0)" })
        #expect(try store.deletePredictions(model: "wine", before: 1000) == 13)
        #expect(try store.deletePredictions(model: "iris", before: 225) == 10 + 8)
    }

    /// A row stamped far in the future (a clock stepped back) does not make later windows walk from it: marks count it
    /// as written at its write's clock. Windows from before its write still find it; retention keeps it until its
    /// stamp; a row stamped near 1970 is deleted by the first pass and its mark narrowed.
    @Test func outlyingStampsNeitherWidenWindowsNorStayInMarks() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        let now = Date().timeIntervalSince1970
        let legit = (0..<3000).map { now - 3000 + Double($0) }
        var times = legit
        times[100] = now + 365 * 86_400
        times[1500] = 1
        // Each write of 50 rows happens just after its last legitimate arrival, as the writer's do.
        for start in stride(from: 0, to: 3000, by: 50) {
            try store.insert(
                (start..<(start + 50)).map { Self.entry(Written(requestID: "r\($0)", model: "iris", version: 1, arrivedAt: times[$0])) },
                now: legit[start + 49] + 0.02)
        }
        // A window from after the future stamp's write: every row but that one (it counts as written at its write),
        // and the walk starts in the newest of the three marks (1–1000, 1001–2000, 2001–3000), not at the stamp's.
        let since = now - 500
        #expect(try Self.ids(store, since: since) == times.enumerated().filter { $0.element >= since && $0.offset != 100 }.map { "r\($0.offset)" })
        let start = try #require(try store.read { db in try PredictionLogStore.firstID(db, model: "iris", since: since) })
        #expect(start == 2001, "the window's walk starts at \(start)")
        #expect(try Self.ids(store, since: now - 3000).contains("r100"))
        #expect(try store.deletePredictions(model: "iris", before: now - 1000) == 2000 - 1)  // the future stamp stays
        let marks = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT earliest_arrival, latest_arrival FROM prediction_time_mark WHERE model = 'iris'")
        }
        #expect(!marks.contains { ($0[0] as Double) < now - 1000 && ($0[0] as Double) != now - 3000 + 100 }, "an outlying stamp stayed in a mark")
        #expect(try store.count(model: "iris") == 1001)
    }

    /// Retention narrows a mark it does not empty without lowering its latest arrival below the previous mark's (the
    /// floor) or raising it above its own (the ceiling): windows from after the narrowing still find every row.
    @Test func narrowingKeepsTheRunningMaximumsFloorAndCeiling() throws {
        let floor = try PredictionLogStoreTests.temporaryStore()
        try Self.write(floor, (0..<1100).map { 1000 + Double($0) }, from: 0)
        try Self.write(floor, [2050, 500], from: 1100)
        #expect(try floor.deletePredictions(model: "iris", before: 600) == 1)
        #expect(try Self.ids(floor, since: 2040) == (1040..<1100).map { "r\($0)" } + ["r1100"])

        let ceiling = try PredictionLogStoreTests.temporaryStore()
        try Self.write(ceiling, (0..<1100).map { 1000 + Double($0) }, from: 0)
        try ceiling.insert(
            [2200, 9e9, 700].enumerated().map {
                Self.entry(Written(requestID: "r\(1100 + $0.offset)", model: "iris", version: 1, arrivedAt: $0.element))
            },
            now: 2200)
        try ceiling.insert(
            (0..<1100).map { Self.entry(Written(requestID: "r\(1103 + $0)", model: "iris", version: 1, arrivedAt: 2300 + Double($0))) }, now: 3400)
        #expect(try ceiling.deletePredictions(model: "iris", before: 800) == 1)
        #expect(try Self.ids(ceiling, since: 2150).contains("r1100"))
    }

    /// Erasure across several marks narrows or deletes each of them.
    @Test func erasureAcrossMarks() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        var written: [Written] = (0..<3000).map { i in
            let model = i % 3 == 0 ? "wine" : "iris"
            return Written(requestID: "r\(i)", model: model, version: 1 + i % 2, arrivedAt: 1000 + Double(i))
        }
        for start in stride(from: 0, to: 3000, by: 100) { try store.insert(written[start..<(start + 100)].map(Self.entry)) }
        let erased: Set<String> = Set((0..<3000).filter { $0 < 1200 || $0 % 17 == 0 }.map { "r\($0)" })
        _ = try store.erasePredictions(model: "iris") { erased.contains($0.entry.requestID) }
        written.removeAll { $0.model == "iris" && erased.contains($0.requestID) }
        let iris: [Written] = written.filter { $0.model == "iris" }
        let wine: [Written] = written.filter { $0.model == "wine" }
        let bounds = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT MIN(earliest_arrival), COUNT(*) FROM prediction_time_mark WHERE model = 'iris'")
        }
        let earliest: Double? = iris.map { $0.arrivedAt }.min()
        #expect(bounds?[0] as Double? == earliest)
        for since in [0.0, 1500, 2500, 3990] {
            let expectedIris: [String] = iris.filter { $0.arrivedAt >= since }.map { $0.requestID }
            let expectedWine: [String] = wine.filter { $0.arrivedAt >= since }.map { $0.requestID }
            #expect(try Self.ids(store, since: since) == expectedIris, "since \(since)")
            #expect(try Self.ids(store, since: since, model: "wine") == expectedWine)
        }
        let old: Int = iris.filter { $0.arrivedAt < 2600 }.count
        #expect(try store.deletePredictions(model: "iris", before: 2600) == old)
    }

    /// Erasure narrows the marks of the rows it removes (an erased row's arrival does not stay in them) and deletes
    /// those it empties; windows and retention stay exact.
    @Test func erasureNarrowsAndDeletesMarks() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        var written = (0..<300).map { Written(requestID: "r\($0)", model: "iris", version: 1, arrivedAt: 1000 + Double($0)) }
        for start in stride(from: 0, to: 300, by: 30) { try store.insert(written[start..<(start + 30)].map(Self.entry)) }
        _ = try store.erasePredictions(model: "iris") {
            ["r0", "r299"].contains($0.entry.requestID) || $0.entry.arrivedAt.truncatingRemainder(dividingBy: 7) == 0
        }
        written.removeAll { ["r0", "r299"].contains($0.requestID) || $0.arrivedAt.truncatingRemainder(dividingBy: 7) == 0 }
        let bounds = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT MIN(earliest_arrival), MAX(latest_arrival) FROM prediction_time_mark WHERE model = 'iris'")
        }
        #expect(bounds.first?[0] as Double? == written.map(\.arrivedAt).min() && bounds.first?[1] as Double? == written.map(\.arrivedAt).max())
        for since in [1000.0, 1100, 1297, 1299] {
            #expect(try Self.ids(store, since: since) == written.filter { $0.arrivedAt >= since }.map(\.requestID), "since \(since)")
        }
        #expect(try store.deletePredictions(model: "iris", before: 1150) == written.filter { $0.arrivedAt < 1150 }.count)
        _ = try store.erasePredictions(model: "iris") { _ in true }
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_time_mark") } == 0)
    }
}

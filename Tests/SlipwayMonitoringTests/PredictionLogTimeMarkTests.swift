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
                let since = Double.random(in: (cutoff - 10)...(clock + 1), using: &generator)
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
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(PredictionLogStore.fileName).path
        var clock = 5_000.0
        var written = Self.randomBatches(&generator, count: 80, clock: &clock).flatMap { $0 }
        do {
            let old = try DatabaseQueue(path: path)
            try PredictionLogStore.migrator.migrate(old, upTo: "v4-sealed-with-partial")
            try old.write { db in
                for (offset, row) in written.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO prediction (id, request_id, model, version, alias, arrived_at, status, latency_seconds, rows, inputs, outputs)
                            VALUES (?, ?, ?, ?, NULL, ?, 'ok', 0, 1, ?, ?)
                            """,
                        arguments: [
                            offset + 1, row.requestID, row.model, row.version, row.arrivedAt,
                            Data(TensorBlob.encode([PredictionLogStoreTests.floats("X", [1, 1], [1])])), Data(TensorBlob.encode([])),
                        ])
                }
            }
        }
        let store = try PredictionLogStore(path: path)
        let groups = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_time_mark") ?? 0 }
        let expectedGroups = Set(written.enumerated().map { "\($0.element.model) \(($0.offset + 1) / 1024)" }).count
        #expect(groups == expectedGroups)
        try Self.checkWindowsAndRetention(store, &written, &generator)
    }

    /// The time lookups are one step into a mark index each; retention deletes each version's rows as one range of the
    /// (model, version) index.
    @Test func timeLookupsUseTheMarkIndexes() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert((0..<20).map { Self.entry(Written(requestID: "r\($0)", model: "iris", version: 1, arrivedAt: Double($0))) })
        let first = try store.queryPlan(PredictionLogStore.firstIDSinceSQL)
        #expect(first.count == 1 && first.first?.contains("USING COVERING INDEX prediction_time_mark_by_latest") == true, "\(first)")
        let last = try store.queryPlan(PredictionLogStore.lastIDBeforeSQL)
        #expect(last.first?.contains("USING INDEX prediction_time_mark_by_earliest (model=? AND earliest_arrival<?)") == true, "\(last)")
        let delete = try store.queryPlan("DELETE FROM prediction WHERE model = ? AND version = ? AND id <= ? AND +arrived_at < ?")
        #expect(delete.first?.contains("USING INDEX prediction_by_version (model=? AND version=? AND rowid<?)") == true, "\(delete)")
        let indexes = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prediction' AND sql IS NOT NULL")
        }
        #expect(Set(indexes) == ["prediction_by_request", "prediction_by_version", "prediction_by_sealed_key"])
    }
}

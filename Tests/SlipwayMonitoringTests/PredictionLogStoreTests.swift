import Foundation
import GRDB
import Testing

@testable import SlipwayMonitoring

/// The prediction log's database: tensors round-trip as typed blobs, feedback joins by request id, unknown
/// ids are reported, retention takes the labels with the rows, exports page through the log.
@Suite struct PredictionLogStoreTests {
    static func temporaryStore() throws -> PredictionLogStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-log-\(UUID().uuidString)")
        return try PredictionLogStore.open(dataDirectory: dir)
    }

    static func floats(_ name: String, _ shape: [Int], _ values: [Float]) -> LoggedTensor {
        var bytes: [UInt8] = []
        for v in values { for b in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32(b)))) } }
        return LoggedTensor(name: name, datatype: "FP32", shape: shape, data: bytes)
    }

    static func entry(_ id: String, model: String = "iris", version: Int = 1, at time: Double = 1000, rows: Int = 1) -> PredictionEntry {
        PredictionEntry(
            requestID: id, model: model, version: version, alias: nil, arrivedAt: time, status: "ok", latencySeconds: 0.001,
            inputs: [floats("X", [rows, 2], (0..<(2 * rows)).map { Float($0) + 0.5 })],
            outputs: [floats("y", [rows], (0..<rows).map { Float($0) })])
    }

    /// Every connection cuts the write-ahead log back to the limit when it is reset (a log that grew during a long
    /// read otherwise keeps its largest size on disk).
    @Test func theWriteAheadLogIsCutBackWhenReset() throws {
        let store = try Self.temporaryStore()
        let written = try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA journal_size_limit") }
        let read = try store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA journal_size_limit") }
        #expect(written == PredictionLogStore.walSizeLimit && read == PredictionLogStore.walSizeLimit)
    }

    /// The writer keeps statement journals in memory (a multi-row INSERT in a transaction needs one, and as a
    /// temporary file it went through the kernel); readers keep the default, so a large sort still spills to disk.
    @Test func theWriterJournalsInMemory() throws {
        let store = try Self.temporaryStore()
        try store.insert((0..<40).map { Self.entry("r\($0)", rows: 32) })
        let writer = try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        let reader = try store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(writer == 2 && reader == 0)
    }

    /// Reads that page or stop early walk an index or the table in row-id order: none sorts (a sort per page
    /// made a full export quadratic, and every drift window sort all of a version's rows).
    @Test func readQueriesWalkInOrderWithoutSorting() throws {
        let store = try Self.temporaryStore()
        try store.insert((0..<50).map { Self.entry("r\($0)", version: 1 + $0 % 2, at: Double($0)) })
        var queries = [PredictionLogStore.recentSQL]
        for version in [nil, 2] {
            for since in [nil, 10.0] {
                for until in [nil, 40.0] {
                    for labeledOnly in [false, true] {
                        queries.append(
                            PredictionLogStore.exportPageSQL(
                                ExportFilter(model: "iris", version: version, since: since, until: until, labeledOnly: labeledOnly)))
                    }
                }
            }
        }
        for sql in [PredictionLogStore.nextVersionSQL, PredictionLogStore.newestIDOfVersionSQL, PredictionLogStore.oldestIDOfVersionSQL] {
            let plan = try store.queryPlan(sql)
            #expect(plan.first?.contains("USING COVERING INDEX prediction_by_version") == true, "\(plan) for \(sql)")
        }
        #expect(try store.latestVersion(of: "iris") == 2)
        #expect(try store.latestVersion(of: "nothing") == nil)
        try store.insert([Self.entry("older-version-again", version: 1, at: 0)])
        #expect(try store.latestVersion(of: "iris") == 1)
        for sql in queries {
            let plan = try store.queryPlan(sql)
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan) for \(sql)")
            #expect(plan.first?.hasPrefix("SEARCH p USING") == true, "\(plan) for \(sql)")
        }
        // Labeled predictions walk the model's labels between the version's first and last row ids (a time window's first
        // row id as the lower bound when later), newest first, and look each prediction up by row id: never the
        // version's unlabelled predictions, never another model's labels, never a sort.
        for sql in [PredictionLogStore.labeledSQL(since: false), PredictionLogStore.labeledSQL(since: true)] {
            let plan = try store.queryPlan(sql)
            #expect(
                plan == [
                    "SEARCH f USING INDEX feedback_by_model (model=? AND prediction_id>? AND prediction_id<?)",
                    "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)",
                ],
                "\(plan) for \(sql)")
        }
        // The logged models: one index step per model, never a scan of the rows.
        let models = try store.queryPlan(PredictionLogStore.modelsSQL)
        #expect(!models.contains { $0.hasPrefix("SCAN prediction") || $0.contains("TEMP B-TREE") }, "\(models)")
        #expect(models.filter { $0.contains("SEARCH prediction USING COVERING INDEX") }.count == 2, "\(models)")
    }

    /// The logged models, sorted, as `SELECT DISTINCT` gives them, also with models whose names sort around each other.
    @Test func modelsAreTheDistinctLoggedModelsInOrder() throws {
        let store = try Self.temporaryStore()
        #expect(try store.models() == [])
        let names = ["iris", "b", "iris2", "a.b", "iris", "z", "a", "b", "iris-1"]
        try store.insert(names.enumerated().map { Self.entry("r\($0.offset)", model: $0.element, at: Double($0.offset)) })
        let distinct = try store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT model FROM prediction ORDER BY model") }
        #expect(try store.models() == distinct)
        #expect(distinct == Array(Set(names)).sorted())
    }

    /// Time windows start their walk at the window's first row id; rows written out of arrival order (a slow
    /// request finishes after a fast one) are still found, exactly as a filter over every row finds them.
    @Test func timeWindowsFindExactlyTheRowsOfTheWindow() throws {
        let store = try Self.temporaryStore()
        let times: [Double] = [10, 30, 20, 50, 40, 45, 35, 60, 55, 70, 65, 80]
        try store.insert(times.enumerated().map { Self.entry("r\($0.offset)", at: $0.element) })
        _ = try store.recordFeedback(
            model: "iris", times.indices.map { FeedbackItem(requestID: "r\($0)", labels: [.number(1)]) }, receivedAt: 100)
        for since in [0.0, 25, 38, 44, 45, 66, 80, 81] {
            let expected = times.enumerated().filter { $0.element >= since }.map { "r\($0.offset)" }
            var exported: [String] = []
            try store.forEachPrediction(ExportFilter(model: "iris", since: since), pageSize: 3) { exported.append($0.entry.requestID) }
            #expect(exported == expected, "export since \(since)")
            var exportedVersion: [String] = []
            try store.forEachPrediction(ExportFilter(model: "iris", version: 1, since: since), pageSize: 2) {
                exportedVersion.append($0.entry.requestID)
            }
            #expect(exportedVersion == expected, "export of version 1 since \(since)")
            let labeled = try store.labeledPredictions(model: "iris", version: 1, window: .since(since)).map(\.entry.requestID)
            #expect(labeled == expected.reversed(), "labeled since \(since)")
        }
    }

    /// One call writes rows in groups of many per statement and the rest one by one: every row lands, in order,
    /// with consecutive ids and every field intact, across calls and batch sizes on both sides of a group.
    @Test func rowsWrittenInGroupsKeepOrderIdsAndFields() throws {
        let store = try Self.temporaryStore()
        var expected: [PredictionEntry] = []
        var next = 0
        for size in [1, 15, 16, 17, 40, 3] {
            let batch = (0..<size).map { i -> PredictionEntry in
                var entry = Self.entry("r\(next + i)", version: 1 + (next + i) % 3, at: Double(1000 + next + i), rows: 1 + (next + i) % 4)
                entry.alias = (next + i) % 2 == 0 ? "production" : nil
                entry.status = (next + i) % 5 == 0 ? "bad_request" : "ok"
                entry.latencySeconds = Double(next + i) / 1000
                return entry
            }
            try store.insert(batch)
            expected += batch
            next += size
        }
        var read: [StoredPrediction] = []
        try store.forEachPrediction(ExportFilter(model: "iris")) { read.append($0) }
        #expect(read.count == expected.count)
        #expect(read.map(\.rowID) == (1...Int64(expected.count)).map { $0 })
        for (stored, entry) in zip(read, expected) {
            #expect(stored.entry.requestID == entry.requestID)
            #expect(stored.entry.version == entry.version && stored.entry.alias == entry.alias && stored.entry.status == entry.status)
            #expect(stored.entry.arrivedAt == entry.arrivedAt && stored.entry.latencySeconds == entry.latencySeconds)
            #expect(stored.entry.inputs == entry.inputs && stored.entry.outputs == entry.outputs)
        }
        #expect(try store.count(model: "iris") == expected.count)
    }

    @Test func tensorBlobsRoundTripEveryKind() throws {
        let tensors = [
            Self.floats("X", [1, 3], [1.5, -2, 3.25]),
            LoggedTensor(name: "ids", datatype: "INT64", shape: [2], data: [1, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]),
            LoggedTensor(name: "text", datatype: "BYTES", shape: [2], data: [], strings: ["a,b", "\"quoted\"\n"]),
        ]
        let decoded = try TensorBlob.decode(TensorBlob.encode(tensors))
        #expect(decoded == tensors)
        #expect(decoded[0].number(at: 2) == 3.25)
        #expect(decoded[1].number(at: 1) == -1)
        #expect(decoded[2].formatted(at: 0) == "a,b")
        #expect(throws: PredictionLogError.self) { try TensorBlob.decode(Array(TensorBlob.encode(tensors).dropLast(3))) }
    }

    /// Stored blobs are read back by every later version: the layout is pinned byte for byte.
    @Test func tensorBlobLayoutIsStable() {
        let blob = TensorBlob.encode([LoggedTensor(name: "x", datatype: "FP32", shape: [1, 2], data: [0, 0, 128, 63, 0, 0, 0, 64])])
        let expected: [UInt8] =
            [1, 0, 0, 0]  // tensors
            + [1, 0, UInt8(ascii: "x")]  // name
            + [4] + Array("FP32".utf8)  // datatype
            + [2, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]  // rank, dims
            + [8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64]  // byte count, bytes
        #expect(blob == expected)
    }

    @Test func feedbackJoinsByRequestIDAndReportsUnknownAndInvalid() throws {
        let store = try Self.temporaryStore()
        try store.insert([Self.entry("a"), Self.entry("b", rows: 2)])
        let result = try store.recordFeedback(
            model: "iris",
            [
                FeedbackItem(requestID: "a", labels: [.number(1)]), FeedbackItem(requestID: "nope", labels: [.number(0)]),
                FeedbackItem(requestID: "b", labels: [.number(1)]),
            ], receivedAt: 2000)
        #expect(result.accepted == 1)
        #expect(result.unknownIDs == ["nope"])
        #expect(result.invalid.map(\.id) == ["b"])
        #expect(try store.prediction(model: "iris", requestID: "a")?.labels == [.number(1)])
        // Another model's id space is separate.
        #expect(try store.recordFeedback(model: "other", [FeedbackItem(requestID: "a", labels: [.number(1)])], receivedAt: 0).unknownIDs == ["a"])
        // A second label replaces the first.
        _ = try store.recordFeedback(model: "iris", [FeedbackItem(requestID: "a", labels: [.text("setosa")])], receivedAt: 3000)
        #expect(try store.prediction(model: "iris", requestID: "a")?.labels == [.text("setosa")])
    }

    @Test func labeledPredictionsHonourTheWindow() throws {
        let store = try Self.temporaryStore()
        try store.insert((0..<5).map { Self.entry("r\($0)", at: Double(1000 + $0)) } + [Self.entry("v2", version: 2)])
        _ = try store.recordFeedback(model: "iris", (0..<5).map { FeedbackItem(requestID: "r\($0)", labels: [.number(0)]) }, receivedAt: 0)
        #expect(try store.labeledPredictions(model: "iris", version: 1, window: .all).count == 5)
        #expect(try store.labeledPredictions(model: "iris", version: 1, window: .last(2)).map(\.entry.requestID) == ["r4", "r3"])
        #expect(try store.labeledPredictions(model: "iris", version: 1, window: .since(1003)).count == 2)
        #expect(try store.latestVersion(of: "iris") == 2)
        // Labels of the other version and of another model, before and after the version's rows, are not its own;
        // a version without rows or labels has none.
        try store.insert([Self.entry("other", model: "bc", at: 1010), Self.entry("v2b", version: 2, at: 1011)])
        _ = try store.recordFeedback(
            model: "iris", [FeedbackItem(requestID: "v2", labels: [.number(1)]), FeedbackItem(requestID: "v2b", labels: [.number(1)])], receivedAt: 0)
        _ = try store.recordFeedback(model: "bc", [FeedbackItem(requestID: "other", labels: [.number(1)])], receivedAt: 0)
        #expect(try store.labeledPredictions(model: "iris", version: 1, window: .all).map(\.entry.requestID) == ["r4", "r3", "r2", "r1", "r0"])
        #expect(try store.labeledPredictions(model: "iris", version: 2, window: .all).map(\.entry.requestID) == ["v2b", "v2"])
        #expect(try store.labeledPredictions(model: "bc", version: 1, window: .last(5)).map(\.entry.requestID) == ["other"])
        #expect(try store.labeledPredictions(model: "iris", version: 3, window: .all).isEmpty)
        #expect(try store.labeledPredictions(model: "iris", version: 2, window: .since(1011)).map(\.entry.requestID) == ["v2b"])
    }

    @Test func retentionDeletesOldRowsAndTheirFeedback() throws {
        let store = try Self.temporaryStore()
        let day = 86_400.0
        try store.insert([Self.entry("old", at: 0), Self.entry("new", at: 10 * day), Self.entry("keep", model: "forever", at: 0)])
        _ = try store.recordFeedback(model: "iris", [FeedbackItem(requestID: "old", labels: [.number(1)])], receivedAt: 0)
        let deleted = try store.enforce(retention: { RetentionPolicy(days: $0 == "forever" ? nil : 5) }, now: 10 * day)
        #expect(deleted == ["iris": 1])
        #expect(try store.prediction(model: "iris", requestID: "old") == nil)
        #expect(try store.count(model: "iris") == 1)
        #expect(try store.count(model: "forever") == 1)
        // The feedback went with its prediction (ON DELETE CASCADE): an id reused later starts unlabeled.
        try store.insert([Self.entry("old", at: 10 * day)])
        #expect(try store.prediction(model: "iris", requestID: "old")?.labels == nil)
    }

    @Test func exportPagesThroughEveryRowInOrder() throws {
        let store = try Self.temporaryStore()
        try store.insert((0..<23).map { Self.entry("r\($0)", at: Double($0)) })
        var seen: [String] = []
        try store.forEachPrediction(ExportFilter(model: "iris"), pageSize: 5) { seen.append($0.entry.requestID) }
        #expect(seen == (0..<23).map { "r\($0)" })
        var window: [String] = []
        try store.forEachPrediction(ExportFilter(model: "iris", since: 5, until: 8), pageSize: 2) { window.append($0.entry.requestID) }
        #expect(window == ["r5", "r6", "r7"])
    }

    /// Labels written before the model column (migrations up to v6) get their prediction's model when this version
    /// opens the log, and a label inserted without it (an older writer) gets it from the trigger.
    @Test func labelsCarryTheirPredictionsModel() throws {
        let store = try PredictionLogTimeMarkTests.olderLog(upTo: "v6-payload-segments") { db in
            try PredictionLogTimeMarkTests.insertAsAnOlderBinary(
                [
                    .init(requestID: "a", model: "iris", version: 1, arrivedAt: 1),
                    .init(requestID: "b", model: "wine", version: 1, arrivedAt: 2),
                    .init(requestID: "c", model: "iris", version: 1, arrivedAt: 3),
                ], from: 1, db)
            try db.execute(sql: "INSERT INTO feedback (prediction_id, labels, received_at) VALUES (1, '[1]', 0), (2, '[2]', 0)")
        }
        func models() throws -> [String] {
            try store.read { db in
                try Row.fetchAll(db, sql: "SELECT prediction_id, model FROM feedback ORDER BY prediction_id").map {
                    "\($0[0] as Int64):\($0[1] as String? ?? "nil")"
                }
            }
        }
        #expect(try models() == ["1:iris", "2:wine"])
        try store.write { db in try db.execute(sql: "INSERT INTO feedback (prediction_id, labels, received_at) VALUES (3, '[3]', 0)") }
        #expect(try models() == ["1:iris", "2:wine", "3:iris"])
        #expect(try store.labeledPredictions(model: "iris", version: 1, window: .all).map(\.entry.requestID) == ["c", "a"])
        #expect(try store.labeledPredictions(model: "wine", version: 1, window: .all).map(\.entry.requestID) == ["b"])
        // This version writes the model itself (and a second label keeps it).
        _ = try store.recordFeedback(model: "wine", [FeedbackItem(requestID: "b", labels: [.number(5)])], receivedAt: 1)
        #expect(try models() == ["1:iris", "2:wine", "3:iris"])
    }

    @Test func reopeningKeepsRowsAndMigrationsRunOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-log-\(UUID().uuidString)")
        try PredictionLogStore.open(dataDirectory: dir).insert([Self.entry("a")])
        let again = try PredictionLogStore.open(dataDirectory: dir)
        #expect(try again.count() == 1)
    }

    @Test func queueIsBoundedAndCountsDrops() {
        let queue = PredictionLogQueue(capacity: 3)
        for i in 0..<5 { queue.push(Self.entry("r\(i)")) }
        #expect(queue.depth == 3)
        #expect(queue.dropped == 2)
        #expect(queue.drain(limit: 2).map(\.requestID) == ["r0", "r1"])
        #expect(queue.drain().map(\.requestID) == ["r2"])
        #expect(queue.depth == 0)
    }

    @Test func logModesParse() {
        #expect(PredictionLogMode(parsing: "all") == .all)
        #expect(PredictionLogMode(parsing: "sample( 0.25 )") == .sample(0.25))
        #expect(PredictionLogMode(parsing: "sample(0)") == nil)
        #expect(PredictionLogMode(parsing: "sample(1.5)") == nil)
        #expect(PredictionLogMode(parsing: "some") == nil)
        #expect(PredictionLogMode.sample(0.25).keeps(random: 0.2))
        #expect(!PredictionLogMode.sample(0.25).keeps(random: 0.3))
    }
}

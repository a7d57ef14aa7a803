import Foundation
import SlipwayMonitoring
import Testing

/// A reference dataset source over fixed datasets, counting how often a dataset is read.
final class FixedReferences: ReferenceDatasetSource, @unchecked Sendable {
    let datasets: [String: (columns: [String], rows: [[String?]])]
    private let lock = NSLock()
    private var readsStorage = 0

    init(_ datasets: [String: (columns: [String], rows: [[String?]])]) { self.datasets = datasets }

    var reads: Int { lock.withLock { readsStorage } }

    func referenceDataset(model: String, version: String) async throws -> (columns: [String], rows: [[String?]])? {
        lock.withLock { readsStorage += 1 }
        return datasets["\(model)@\(version)"]
    }
}

/// A clock the test moves.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double

    init(_ start: Double) { value = start }

    var now: Double { lock.withLock { value } }

    func advance(_ seconds: Double) { lock.withLock { value += seconds } }
}

/// Drift monitoring over an in-memory prediction log: windows by count and by time, the reference profile
/// built once, prediction drift, the history (timelines), concept drift and the retraining cooldown.
@Suite struct DriftMonitoringTests {
    /// Reference: `a` ~ uniform over [0, 10), `b` ~ uniform over [0, 1), `label` in {0, 1, 2} evenly.
    static func reference(rows: Int = 2000) -> (columns: [String], rows: [[String?]]) {
        let data = (0..<rows).map { i -> [String?] in
            let u = (Double(i) + 0.5) / Double(rows)
            return ["\(u * 10)", "\((u * 7).truncatingRemainder(dividingBy: 1))", "\(i % 3)"]
        }
        return (["a", "b", "label"], data)
    }

    /// Logs `count` predictions at `time`; `shift` moves feature `a`, and label is always 0 when `skewed`.
    static func log(_ log: InMemoryProductionLog, count: Int, time: Double, shift: Double, skewed: Bool = false) {
        for i in 0..<count {
            let u = (Double(i) + 0.5) / Double(count)
            log.append(
                model: "m", version: "1",
                ProductionRecord(
                    time: time, inputs: ["a": u * 10 + shift, "b": (u * 7).truncatingRemainder(dividingBy: 1)],
                    outputs: ["label": skewed ? 0 : Double(i % 3)]))
        }
    }

    static func monitor(history: DriftHistoryStore? = nil, clock: TestClock) -> (DriftMonitor, InMemoryProductionLog, FixedReferences) {
        let references = FixedReferences(["m@1": reference()])
        let log = InMemoryProductionLog(capacity: 10_000)
        let monitor = DriftMonitor(
            profiles: ReferenceProfileCache(source: references), windows: log, history: history, clock: { clock.now })
        return (monitor, log, references)
    }

    static func temporaryPath() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("drift.sqlite").path
    }

    @Test func windowsByCountAndByTimeSeeOnlyTheirRows() async throws {
        let clock = TestClock(1_000_000)
        let (monitor, log, references) = Self.monitor(clock: clock)
        Self.log(log, count: 1500, time: 999_000, shift: 0)
        Self.log(log, count: 1500, time: 999_900, shift: 6)
        let recent = try await monitor.check(model: "m", version: "1", window: .last(1500))
        #expect(recent.rows == 1500)
        #expect(recent.inputs.columns.first { $0.column == "a" }?.result.driftDetected == true)
        #expect(recent.inputs.columns.first { $0.column == "b" }?.result.driftDetected == false)
        let old = try await monitor.check(model: "m", version: "1", window: .last(3000))
        #expect(old.rows == 3000)
        let byTime = try await monitor.check(model: "m", version: "1", window: try .parse("5m", now: clock.now))
        #expect(byTime.rows == 1500)
        // The profile was built once, for all three checks.
        #expect(references.reads == 1)
        #expect(monitor.profiles.count == 1)
    }

    @Test func predictionDriftComparesOutputsWithTheReferenceColumn() async throws {
        let clock = TestClock(1_000_000)
        let (monitor, log, _) = Self.monitor(clock: clock)
        Self.log(log, count: 1200, time: 999_990, shift: 0, skewed: true)
        let check = try await monitor.check(model: "m", version: "1", window: .last(1200))
        #expect(check.inputs.columns.map(\.column) == ["a", "b"])
        let predictions = try #require(check.predictions)
        #expect(predictions.columns.map(\.column) == ["label"])
        #expect(predictions.datasetDrift)
        let json = check.json()
        #expect(json.hasPrefix("{\"model\":\"m\",\"version\":\"1\""))
        #expect(json.contains("\"prediction\":{\"columns\":[{\"column\":\"label\""))
        #expect(json.contains("\"dataset\":{\"n_columns\":2"))
    }

    @Test func missingReferenceAndEmptyWindowAreClearErrors() async throws {
        let clock = TestClock(1_000_000)
        let (monitor, _, _) = Self.monitor(clock: clock)
        await #expect(throws: DriftError.self) { try await monitor.check(model: "m", version: "2", window: .last(10)) }
        do {
            _ = try await monitor.check(model: "m", version: "1", window: .last(10))
            Issue.record("expected an error for an empty window")
        } catch let error as DriftError {
            #expect(error.code == .notFound)
            #expect(error.message.contains("no logged predictions"))
        }
        #expect(throws: DriftError.self) { try ProductionWindow.parse("5 weeks", now: 0) }
        #expect(throws: DriftError.self) { try ProductionWindow.parse("0", now: 0) }
        #expect(try ProductionWindow.parse("last:20", now: 0) == .last(20))
        #expect(try ProductionWindow.parse("2h", now: 10_000) == .since(2800))
    }

    @Test func historyKeepsEveryCheckAndGivesTimelines() async throws {
        let path = try Self.temporaryPath()
        let clock = TestClock(1_000_000)
        let (monitor, log, _) = Self.monitor(history: try DriftHistoryStore(path: path), clock: clock)
        for step in 0..<4 {
            Self.log(log, count: 1200, time: clock.now, shift: Double(step) * 2)
            _ = try await monitor.check(model: "m", version: "1", window: .last(1200))
            clock.advance(600)
        }
        // Reopened: the history is on disk.
        let reopened = try DriftHistoryStore(path: path)
        let timelines = try await reopened.timelines(model: "m", version: "1", limit: 10)
        let a = try #require(timelines["a"])
        #expect(a.count == 4)
        #expect(a.map(\.time) == [1_000_000, 1_000_600, 1_001_200, 1_001_800])
        #expect(a.first?.driftDetected == false)
        #expect(a.last?.driftDetected == true)
        #expect(try await reopened.recentChecks(model: "m", limit: 2).count == 2)
        let last = try await reopened.timelines(model: "m", version: "1", limit: 2)
        #expect(last["a"]?.count == 2)
        let html = try await monitor.report(try await monitor.check(model: "m", version: "1", window: .last(1200)))
        #expect(html.contains("<svg class=\"timeline\""))
    }

    @Test func conceptDriftDetectorRunsOnTheErrorStreamAtRiversIndices() async throws {
        // Errors rare, then frequent: DDM must fire where the batch detector fires on the same stream.
        var stream: [Double] = []
        for i in 0..<1000 { stream.append(i % 10 == 0 ? 1 : 0) }
        for i in 0..<500 { stream.append(i % 2 == 0 ? 1 : 0) }
        let expected = try DetectorKind.ddm.run(stream).driftIndices
        #expect(!expected.isEmpty)
        let fired = FiredLog()
        let monitor = ConceptDriftMonitor(
            configuration: { model in model == "m" ? (.ddm, [:]) : nil }, onDrift: { _, _, count in fired.add(count) })
        var seen: [Int] = []
        for (i, x) in stream.enumerated() {
            let update = try await monitor.recordOutcome(model: "m", version: "1", error: x)
            if update?.driftDetected == true { seen.append(i) }
        }
        #expect(seen == expected)
        #expect(fired.counts == expected.map { $0 + 1 })
        #expect(try await monitor.recordOutcome(model: "other", version: "1", error: 1) == nil)
        await #expect(throws: DriftError.self) { try await monitor.recordOutcome(model: "m", version: "1", error: .nan) }
    }

    @Test func retrainingPolicyAndCooldown() {
        let policy = RetrainingPolicy(onDatasetDrift: true, onQuality: true, qualityMetric: "accuracy", qualityThreshold: 0.9, cooldown: 60)
        #expect(policy.qualityFires(metric: "accuracy", value: 0.85))
        #expect(!policy.qualityFires(metric: "accuracy", value: 0.95))
        #expect(!policy.qualityFires(metric: "f1", value: 0.1))
        let cooldown = RetrainingCooldown()
        #expect(cooldown.admit(model: "m", now: 0, cooldown: 60))
        #expect(!cooldown.admit(model: "m", now: 59, cooldown: 60))
        #expect(cooldown.admit(model: "other", now: 59, cooldown: 60))
        #expect(cooldown.admit(model: "m", now: 60, cooldown: 60))
        let payload = RetrainingPayload.json(
            model: "m", version: "3", reason: .datasetDrift, time: 0, detail: "d", driftSummary: "{\"share\":0.5}",
            exportCommand: "slipway logs export m --version 3")
        #expect(payload.contains("\"reason\":\"dataset_drift\""))
        #expect(payload.contains("\"drift\":{\"share\":0.5}"))
        #expect(payload.contains("\"command\":\"slipway logs export m --version 3\""))
    }

    @Test func eventsAreStoredAndListedNewestFirst() async throws {
        let store = try DriftHistoryStore(path: try Self.temporaryPath())
        for (i, outcome) in [RetrainingOutcome.sent, .suppressedByCooldown, .failed].enumerated() {
            try await store.record(
                RetrainingEvent(
                    time: Double(i), model: i == 2 ? "other" : "m", version: "1", reason: .conceptDrift, action: "command", outcome: outcome,
                    detail: "d\(i)", payload: "{}"))
        }
        let all = try await store.events()
        #expect(all.map(\.detail) == ["d2", "d1", "d0"])
        #expect(try store.readEvents(model: "m").map(\.outcome) == [.suppressedByCooldown, .sent])
        #expect(RetrainingEvent.json(all).hasPrefix("{\"events\":[{\"id\":3,"))
    }
}

final class FiredLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []

    func add(_ v: Int) { lock.withLock { values.append(v) } }

    var counts: [Int] { lock.withLock { values } }
}

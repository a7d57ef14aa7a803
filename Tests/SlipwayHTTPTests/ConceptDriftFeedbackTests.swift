import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRuntime
import Testing

/// Concept drift from labels, end to end in process: the iris classifier served with the prediction log,
/// predictions made, feedback posted whose labels go from mostly right to mostly wrong; the feedback route
/// hands the joined predictions to the drift service, which feeds DDM the 0/1 error stream off the request
/// path. The detector must fire at the indices River's DDM reports on the same stream (the batch detector
/// run alone gives them), the events record each drift, the retraining command runs on the first, and the
/// drift route shows the detector state.
@Suite struct ConceptDriftFeedbackTests {
    /// Request `r<i>` holds `rowsPerRequest` copies of an example the iris model calls class 1.
    static let requests = 20
    static let rowsPerRequest = 10

    /// The true label of outcome `k`: right (1) with a wrong one every tenth for the first half, then wrong
    /// (0) but every fourth.
    static func truth(_ k: Int) -> Int {
        k < 100 ? (k % 10 == 3 ? 0 : 1) : (k % 4 == 0 ? 1 : 0)
    }

    static func setup(retrainOutput: URL) throws -> (some ApplicationProtocol, MonitoringSystem, DriftMonitoringService) {
        let system = try MonitoringFixtures.system()
        let service = try V2Fixtures.registry()
        var settings = ModelDriftSettings()
        settings.conceptDetector = .ddm
        settings.retraining = RetrainingPolicy(onConceptDrift: true, cooldown: 3600)
        settings.command = ["/bin/sh", "-c", "cat > '\(retrainOutput.path)'"]
        let fixed = settings
        let references = RegistryReferenceSource(service: service)
        let historyPath = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-concept-\(UUID().uuidString).sqlite").path
        let configuration = system.configuration
        let drift = try DriftMonitoringService(
            references: references, windows: PredictionLogWindowSource(store: system.store), historyPath: historyPath,
            settings: { name in name == "iris" ? fixed : ModelDriftSettings() }, models: { try service.models().map(\.name) },
            resolveVersion: { try references.version(of: $0, selector: $1) }, logger: Logger(label: "concept-test"),
            labelled: LabelledPredictionSource(store: system.store) { configuration.settings(for: $0).monitoring.outputRoles })
        let app = buildApplication(
            configuration: .init(port: 0, inferenceThreads: 2, settings: system.configuration), models: RegistryModelProvider(service: service),
            logger: Logger(label: "slipway-test"), drift: drift,
            monitoring: MonitoringEndpoints(system: system, renderMetrics: { Array("# metrics\n".utf8) }))
        return (app, system, drift)
    }

    static func feedback(_ requests: Range<Int>) -> ByteBuffer {
        let items = requests.map { i in
            let labels = (0..<rowsPerRequest).map { String(truth(i * rowsPerRequest + $0)) }.joined(separator: ",")
            return #"{"id":"r\#(i)","label":[\#(labels)]}"#
        }
        return ByteBuffer(string: #"{"feedback":["# + items.joined(separator: ",") + "]}")
    }

    /// Waits until the drift service has fed every handed-over job and the detector has seen `outcomes`.
    static func waitForOutcomes(_ drift: DriftMonitoringService, _ outcomes: Int) async throws {
        for _ in 0..<1000 {
            let state = try JSONScanner.parse(Array(drift.conceptDrift(model: "iris").utf8))
            let seen = state["versions"]?.arrayValue?.first?["outcomes"]?.int64Value ?? 0
            if drift.pendingOutcomeJobs == 0 && seen >= outcomes { return }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func labelsFeedTheDetectorAtRiversIndices() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-concept-retrain-\(UUID().uuidString).json")
        let (app, system, drift) = try Self.setup(retrainOutput: output)
        let total = Self.requests * Self.rowsPerRequest
        let errors = (0..<total).map { Double(Self.truth($0) == 1 ? 0 : 1) }
        let expected = try DetectorKind.ddm.run(errors)
        #expect(!expected.driftIndices.isEmpty)

        try await app.test(.router) { client in
            let example = [5.1, 2.5, 3.0, 1.1]
            for i in 0..<Self.requests {
                let response = try await client.execute(
                    uri: "/v2/models/iris/infer", method: .post,
                    body: MonitoringFixtures.irisRequest(id: "r\(i)", rows: Array(repeating: example, count: Self.rowsPerRequest)))
                #expect(response.status == .ok)
            }
            try await MonitoringFixtures.waitForRows(system, model: "iris", count: Self.requests)

            // Two posts, in order; an unknown id is reported and ignored.
            let half = Self.requests / 2
            let first = try await client.execute(uri: "/api/v1/models/iris/feedback", method: .post, body: Self.feedback(0..<half))
            #expect(try V2Fixtures.json(first)["accepted"]?.int64Value == Int64(half))
            let second = try await client.execute(
                uri: "/api/v1/models/iris/feedback", method: .post, body: Self.feedback(half..<Self.requests))
            #expect(try V2Fixtures.json(second)["accepted"]?.int64Value == Int64(Self.requests - half))
            try await Self.waitForOutcomes(drift, total)

            // The detector state, alone and inside the drift check's answer shape.
            let concept = try await client.execute(uri: "/api/v1/models/iris/drift?kind=concept", method: .get)
            #expect(concept.status == .ok)
            let state = try V2Fixtures.json(concept)
            #expect(state["detector"]?.stringValue == "ddm")
            let version = try #require(state["versions"]?.arrayValue?.first)
            #expect(version["version"]?.stringValue == "1")
            #expect(version["outcomes"]?.int64Value == Int64(total))
            #expect(version["drift_indices"] == .array(expected.driftIndices.map { .int(Int64($0)) }))
            #expect(version["drifts"]?.int64Value == Int64(expected.driftIndices.count))
            let meanError = errors.reduce(0, +) / Double(total)
            #expect(version["mean_error"]?.doubleValue.map { abs($0 - meanError) < 1e-12 } == true)

            // Every drift is an event, newest first; the first ran the command, the others fell in its cooldown.
            let events = try await client.execute(uri: "/api/v1/events?model=iris", method: .get)
            let list = try #require(try V2Fixtures.json(events)["events"]?.arrayValue)
            #expect(list.count == expected.driftIndices.count)
            #expect(list.allSatisfy { $0["reason"]?.stringValue == "concept_drift" })
            let oldest = try #require(list.last)
            #expect(oldest["outcome"]?.stringValue == "sent")
            #expect(oldest["detail"]?.stringValue?.contains("ddm detected concept drift at outcome \(expected.driftIndices[0])") == true)
            #expect(oldest["payload"]?["drift"]?["outcome_index"]?.int64Value == Int64(expected.driftIndices[0]))
            if list.count > 1 { #expect(list.first?["outcome"]?.stringValue == "suppressed_by_cooldown") }
            let sent = try String(contentsOf: output, encoding: .utf8)
            #expect(sent.contains("\"reason\":\"concept_drift\""))

            // A second label for a prediction replaces the first in the log but does not feed the detector again.
            _ = try await client.execute(uri: "/api/v1/models/iris/feedback", method: .post, body: Self.feedback(0..<1))
            try await Self.waitForOutcomes(drift, total)
            let again = try V2Fixtures.json(try await client.execute(uri: "/api/v1/models/iris/drift?kind=concept", method: .get))
            #expect(again["versions"]?.arrayValue?.first?["outcomes"]?.int64Value == Int64(total))

            let bad = try await client.execute(uri: "/api/v1/models/iris/drift?kind=later", method: .get)
            #expect(bad.status == .badRequest)
            // A model without a detector: no state.
            let none = try V2Fixtures.json(try await client.execute(uri: "/api/v1/models/echo/drift?kind=concept", method: .get))
            #expect(none["detector"] == .null)
            #expect(none["versions"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func outcomeErrorsReadThePredictionThroughTheQualityRoles() throws {
        func prediction(_ outputs: [LoggedTensor], labels: [LabelValue]) -> StoredPrediction {
            StoredPrediction(
                rowID: 1,
                entry: PredictionEntry(
                    requestID: "a", model: "m", version: 1, alias: nil, arrivedAt: 0, status: "ok", latencySeconds: 0, inputs: [],
                    outputs: outputs), labels: labels)
        }
        func int64(_ values: [Int64]) -> [UInt8] {
            values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> (8 * $0)) } }
        }
        func float32(_ values: [Float]) -> [UInt8] { values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } } }
        let classifier = prediction(
            [LoggedTensor(name: "label", datatype: "INT64", shape: [3], data: int64([1, 2, 0]))], labels: [.number(1), .text("1"), .number(0)])
        #expect(OutcomeErrors.errors(of: classifier, roles: OutputRoles(), detector: .ddm) == .success([0, 1, 0]))
        let regressor = prediction(
            [LoggedTensor(name: "y", datatype: "FP32", shape: [2, 1], data: float32([1.5, -2]))], labels: [.number(1), .number(-2.5)])
        #expect(OutcomeErrors.errors(of: regressor, roles: OutputRoles(), detector: .adwin) == .success([0.5, 0.5]))
        #expect(OutcomeErrors.errors(of: regressor, roles: OutputRoles(), detector: .ddm) == .failure(.realErrorsUnsupported(.ddm)))
        #expect(
            OutcomeErrors.errors(of: classifier, roles: OutputRoles(task: .classification, label: "class"), detector: .ddm)
                == .failure(.missingOutput("class")))
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRegistry
import SlipwayRuntime
import Testing

/// Drift over HTTP, in process: the iris model registered with a reference dataset, predictions in an
/// in-memory log, `GET /api/v1/models/iris/drift`, `/drift/report`, `/api/v1/events`, and the retraining
/// command with its cooldown.
@Suite struct DriftRoutesTests {

    static func setup() throws -> (some ApplicationProtocol, InMemoryProductionLog, DriftMonitoringService, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-drift-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var csv = "sepal_length,sepal_width,petal_length,petal_width\n"
        for i in 0..<1200 {
            let u = (Double(i) + 0.5) / 1200
            csv += "\(4.3 + 3.6 * u),\(2.0 + 2.4 * ((u * 7).truncatingRemainder(dividingBy: 1))),\(1 + 5.9 * u),\(0.1 + 2.4 * u)\n"
        }
        let reference = dir.appendingPathComponent("reference.csv")
        try csv.write(to: reference, atomically: true, encoding: .utf8)
        let service = try ModelRegistryService.open(dataDirectory: dir.appendingPathComponent("data"))
        _ = try service.register(.init(name: "iris", model: V2Fixtures.irisModel, reference: reference, actor: "test"))
        let log = InMemoryProductionLog()
        let output = dir.appendingPathComponent("retrain.json")
        var settings = ModelDriftSettings()
        settings.retraining = RetrainingPolicy(onDatasetDrift: true, cooldown: 3600)
        settings.command = ["/bin/sh", "-c", "cat > '\(output.path)'"]
        let fixed = settings
        let references = RegistryReferenceSource(service: service)
        let drift = try DriftMonitoringService(
            references: references, windows: log,
            historyPath: dir.appendingPathComponent("data/drift.sqlite").path, settings: { _ in fixed },
            models: { try service.models().map(\.name) }, resolveVersion: { try references.version(of: $0, selector: $1) },
            logger: Logger(label: "drift-test"))
        let models = RegistryModelProvider(service: service)
        let app = buildApplication(
            configuration: .init(port: 0, inferenceThreads: 2), models: models, logger: Logger(label: "slipway-test"), drift: drift)
        return (app, log, drift, output)
    }

    static func logPredictions(_ log: InMemoryProductionLog, count: Int, shift: Double) {
        let now = Date().timeIntervalSince1970
        for i in 0..<count {
            let u = (Double(i) + 0.5) / Double(count)
            log.append(
                model: "iris", version: "1",
                ProductionRecord(
                    time: now,
                    inputs: [
                        "sepal_length": 4.3 + 3.6 * u + shift, "sepal_width": 2.0 + 2.4 * ((u * 7).truncatingRemainder(dividingBy: 1)),
                        "petal_length": 1 + 5.9 * u + shift, "petal_width": 0.1 + 2.4 * u + shift,
                    ], outputs: ["label": Double(i % 3)]))
        }
    }

    @Test func driftJSONReportAndEventsWithCooldown() async throws {
        let (app, log, _, output) = try Self.setup()
        Self.logPredictions(log, count: 600, shift: 0)
        try await app.test(.router) { client in
            let calm = try await client.execute(uri: "/api/v1/models/iris/drift?window=600", method: .get)
            #expect(calm.status == .ok)
            let body = try V2Fixtures.json(calm)
            #expect(body["model"]?.stringValue == "iris")
            #expect(body["version"]?.stringValue == "1")
            #expect(body["rows"] == .int(600))
            #expect(body["dataset"]?["dataset_drift"] == .bool(false))
            #expect(body["columns"]?.arrayValue?.count == 4)

            Self.logPredictions(log, count: 600, shift: 1.5)
            let drifted = try await client.execute(uri: "/api/v1/models/iris/drift?window=last:600", method: .get)
            #expect(drifted.status == .ok)
            #expect(try V2Fixtures.json(drifted)["dataset"]?["dataset_drift"] == .bool(true))
            // The command got the JSON on stdin.
            let sent = try String(contentsOf: output, encoding: .utf8)
            #expect(sent.contains("\"model\":\"iris\""))
            #expect(sent.contains("\"reason\":\"dataset_drift\""))
            #expect(sent.contains("slipway logs export iris"))

            // Again within the cooldown: recorded, not run.
            _ = try await client.execute(uri: "/api/v1/models/iris/drift?window=600", method: .get)
            let events = try await client.execute(uri: "/api/v1/events", method: .get)
            #expect(events.status == .ok)
            let list = try #require(try V2Fixtures.json(events)["events"]?.arrayValue)
            #expect(list.count == 2)
            #expect(list.first?["outcome"]?.stringValue == "suppressed_by_cooldown")
            #expect(list.last?["outcome"]?.stringValue == "sent")
            #expect(list.last?["action"]?.stringValue == "command")

            let report = try await client.execute(uri: "/api/v1/models/iris/drift/report?window=600", method: .get)
            #expect(report.status == .ok)
            #expect(report.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = String(buffer: report.body)
            #expect(html.contains("<svg class=\"histogram\""))
            #expect(html.contains("<svg class=\"timeline\""))
            #expect(html.contains("Drift: iris v1"))
        }
    }

    @Test func errorsAreClearAndMapped() async throws {
        let (app, log, _, _) = try Self.setup()
        try await app.test(.router) { client in
            let empty = try await client.execute(uri: "/api/v1/models/iris/drift", method: .get)
            #expect(empty.status == .notFound)
            #expect(V2Fixtures.errorMessage(empty)?.contains("no logged predictions") == true)
            Self.logPredictions(log, count: 50, shift: 0)
            let badWindow = try await client.execute(uri: "/api/v1/models/iris/drift?window=soon", method: .get)
            #expect(badWindow.status == .badRequest)
            #expect(V2Fixtures.errorMessage(badWindow)?.contains("window 'soon'") == true)
            let unknown = try await client.execute(uri: "/api/v1/models/nope/drift", method: .get)
            #expect(unknown.status == .notFound)
            let badLimit = try await client.execute(uri: "/api/v1/events?limit=0", method: .get)
            #expect(badLimit.status == .badRequest)
        }
    }

    @Test func aVersionsProfileIsBuiltWhenItIsRegistered() async throws {
        let (_, _, drift, _) = try Self.setup()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-drift-register-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var csv = "sepal_length,sepal_width,petal_length,petal_width\n"
        for i in 0..<300 { csv += "\(4.5 + Double(i % 30) / 10),3.0,\(1 + Double(i % 50) / 10),1.2\n" }
        let reference = dir.appendingPathComponent("reference.csv")
        try csv.write(to: reference, atomically: true, encoding: .utf8)
        let service = try ModelRegistryService.open(dataDirectory: dir.appendingPathComponent("data"))
        let other = try DriftMonitoringService(
            references: RegistryReferenceSource(service: service), windows: InMemoryProductionLog(),
            historyPath: dir.appendingPathComponent("data/drift.sqlite").path, settings: { _ in ModelDriftSettings() },
            models: { try service.models().map(\.name) }, resolveVersion: { _, selector in selector ?? "1" }, logger: Logger(label: "t"))
        service.onRegistered { version in
            Task.detached { await other.prepareProfile(model: version.model, version: String(version.version)) }
        }
        _ = try service.register(.init(name: "plain", model: V2Fixtures.irisModel, actor: "test"))  // no reference: no profile
        _ = try service.register(.init(name: "iris", model: V2Fixtures.irisModel, reference: reference, actor: "test"))
        for _ in 0..<500 where other.monitor.profiles.statistics.builds == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(other.monitor.profiles.statistics.builds == 1)
        #expect(try await other.monitor.profiles.profile(model: "iris", version: "1", now: 0)?.rowCount == 300)
        #expect(other.monitor.profiles.statistics.builds == 1)
        #expect(drift.monitor.profiles.statistics.builds == 0)
    }

    @Test func outcomesFeedTheConceptDriftDetector() async throws {
        let (_, _, drift, _) = try Self.setup()
        // No detector configured in this setup: outcomes are accepted and ignored.
        #expect(try await drift.recordOutcome(model: "iris", version: "1", error: 1) == nil)
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRuntime

/// A served registry with monitoring on: the prediction log in a temporary directory, a fixed /metrics text.
enum MonitoringFixtures {
    static func system(_ yaml: String = "") throws -> MonitoringSystem {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-monitoring-\(UUID().uuidString)")
        return try MonitoringSystem.open(
            dataDirectory: dir, configuration: try SlipwayConfiguration(yaml: yaml), logger: Logger(label: "slipway-test"))
    }

    static func app(system: MonitoringSystem, notifier: AlertNotifier? = nil) throws -> some ApplicationProtocol {
        let models = RegistryModelProvider(service: try V2Fixtures.registry())
        return buildApplication(
            configuration: .init(port: 0, inferenceThreads: 2, settings: system.configuration), models: models,
            logger: Logger(label: "slipway-test"),
            monitoring: MonitoringEndpoints(system: system, renderMetrics: { Array("# metrics\n".utf8) }, notifier: notifier))
    }

    /// Waits until `count` rows of `model` are in the log (the writer task runs on its own schedule).
    static func waitForRows(_ system: MonitoringSystem, model: String, count: Int) async throws {
        for _ in 0..<500 {
            if try system.store.count(model: model) >= count { return }
            await PredictionLogWriter(queue: system.queue, store: system.store, logger: Logger(label: "test")).flushOnce()
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    static func irisRequest(id: String, rows: [[Double]]) -> ByteBuffer {
        let data = rows.map { "[" + $0.map { String($0) }.joined(separator: ",") + "]" }.joined(separator: ",")
        return ByteBuffer(string: #"{"id":"\#(id)","inputs":[{"name":"X","shape":[\#(rows.count),4],"datatype":"FP32","data":[\#(data)]}]}"#)
    }
}

import Foundation
import SlipwayTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Monitoring end to end through the real binary: `slipway serve --log-format json` logs, `/metrics` in the
/// Prometheus format (checked by `promtool` when installed), feedback and quality over HTTP, a clean
/// shutdown that flushes the prediction log, then `slipway logs export` and `slipway alerts list`.
@Suite(.serialized) struct MonitoringServeTests {
    /// `promtool` on PATH, if any.
    static let promtool: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The demo server with the monitoring config, JSON logs at debug level.
    static func start(dataDir: URL, config: URL) async throws -> LiveServer {
        try await LiveServer.start([
            "serve", "--demo", "--data-dir", dataDir.path, "--port", "0", "--config", config.path, "--log-format", "json", "--log-level", "debug",
        ])
    }

    static func directory() throws -> (data: URL, config: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-monitoring-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("slipway.yaml")
        try "models:\n  iris:\n    log: all\n    retention_days: 30\n".write(to: config, atomically: true, encoding: .utf8)
        return (dir.appendingPathComponent("data"), config)
    }

    static let irisRequest = #"{"id":"live-1","inputs":[{"name":"X","shape":[2,4],"datatype":"FP32","data":[[5.1,2.5,3.0,1.1],[6.1,2.8,4.0,1.3]]}]}"#

    @Test(.enabled(if: CLIRunner.binary != nil, "the slipway binary is not built"))
    func serveLogFeedbackQualityExport() async throws {
        let (dataDir, config) = try Self.directory()
        let server = try await Self.start(dataDir: dataDir, config: config)
        let (status, body) = try await server.request("/v2/models/iris/infer", method: "POST", body: Self.irisRequest)
        #expect(status == 200)
        #expect(body.contains(#""id":"live-1""#))

        // The writer is a background task: poll until the row is there to be labeled.
        var feedback = ""
        for _ in 0..<200 {
            feedback = try await server.request("/api/v1/models/iris/feedback", method: "POST", body: #"{"id":"live-1","label":[1,2]}"#).1
            if feedback.contains(#""accepted":1"#) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(feedback.contains(#""accepted":1"#), "\(feedback)")
        let (qualityStatus, quality) = try await server.request("/api/v1/models/iris/quality")
        #expect(qualityStatus == 200)
        #expect(quality.contains(#""accuracy":0.5"#), "\(quality)")

        let (metricsStatus, metrics) = try await server.request("/metrics")
        #expect(metricsStatus == 200)
        for name in [
            "slipway_inference_requests_total", "slipway_inference_duration_seconds_bucket", "slipway_batch_size_bucket",
            "slipway_inflight_requests", "slipway_queue_depth", "slipway_model_load_duration_seconds", "slipway_prediction_log_rows_total",
            "slipway_model_quality",
        ] {
            #expect(metrics.contains(name), "\(name) missing from /metrics")
        }
        #expect(metrics.contains(#"slipway_inference_requests_total{model="iris",version="1",status="ok"} 1"#))
        server.stop()
        #expect(try await server.waitForExit() == 0)

        // JSON lines on stderr, the request id on the line about the request.
        // Every log line is JSON (--demo's one plain line about registering the model is not a log line).
        let lines = server.stderr.split(separator: "\n").filter { !$0.hasPrefix("registered demo model") }
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(lines)")
        #expect(lines.contains { $0.contains(#""request_id":"live-1""#) && $0.contains("inference finished") })

        // Export after shutdown: the queue was flushed, the label is joined.
        let jsonl = dataDir.deletingLastPathComponent().appendingPathComponent("iris.jsonl")
        let export = try CLIRunner.run(
            ["logs", "export", "iris", "--data-dir", dataDir.path, "--format", "jsonl", "--with-feedback", "-o", jsonl.path])
        #expect(export.status == 0, "\(export.stderr)")
        let rows = try String(contentsOf: jsonl, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 2)
        #expect(rows.first?.contains(#""request_id":"live-1","row":0"#) == true)
        #expect(rows.first?.contains(#""X":[5.1,2.5,3.0,1.1]"#) == true, "\(rows)")
        #expect(rows.last?.contains(#""true_label":2"#) == true)
        let csv = dataDir.deletingLastPathComponent().appendingPathComponent("iris.csv")
        #expect(try CLIRunner.run(["logs", "export", "iris", "--data-dir", dataDir.path, "--format", "csv", "-o", csv.path]).status == 0)
        let table = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(table.first?.hasSuffix("X_0,X_1,X_2,X_3,label,probabilities_0,probabilities_1,probabilities_2") == true, "\(table)")
        #expect(table.count == 3)

        let alerts = try CLIRunner.run(["alerts", "list", "--data-dir", dataDir.path])
        #expect(alerts.status == 0)
        #expect(alerts.stdout.contains("no alert events"))
        let unknown = try CLIRunner.run(["logs", "export", "nope", "--data-dir", dataDir.path, "--format", "csv", "-o", csv.path])
        #expect(unknown.status == 0)
    }

    @Test(.enabled(if: CLIRunner.binary != nil && MonitoringServeTests.promtool != nil, "promtool is not installed (Debian package prometheus)"))
    func metricsPassPromtool() async throws {
        let (dataDir, config) = try Self.directory()
        let server = try await Self.start(dataDir: dataDir, config: config)
        _ = try await server.request("/v2/models/iris/infer", method: "POST", body: Self.irisRequest)
        _ = try await server.request("/v2/models/iris/infer", method: "POST", body: "{}")
        let metrics = try await server.request("/metrics").1
        server.stop()
        _ = try await server.waitForExit()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.promtool ?? "promtool")
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(metrics.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool: \(report)\n\(metrics)")
    }
}

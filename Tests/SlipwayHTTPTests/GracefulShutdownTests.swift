import Foundation
import SlipwayTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The live binary: a request held in the batching queue when SIGTERM arrives is still answered, then the
/// process exits 0.
@Suite struct GracefulShutdownTests {
    @Test func sigtermFinishesQueuedWorkThenExitsZero() async throws {
        guard CLIRunner.binary != nil else {
            Issue.record("slipway binary not built")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-shutdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("slipway.yaml")
        // A 3 s batching delay keeps the request queued while the signal arrives.
        try "models:\n  iris:\n    batching: {max_batch_size: 64, max_queue_delay_us: 3000000}\n".write(to: config, atomically: true, encoding: .utf8)
        let server = try await LiveServer.start([
            "serve", "--demo", "--data-dir", dir.appendingPathComponent("data").path, "--port", "0", "--config", config.path,
        ])
        defer { server.stop() }
        let url = server.url("/v2/models/iris/infer")
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"id":"held","inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[5.1,2.5,3.0,1.1]}]}"#.utf8)
        let pending = Task { try await URLSession.shared.data(for: request) }
        // Let the request reach the queue (it waits there for up to 3 s), then ask the server to stop.
        try await Task.sleep(for: .milliseconds(700))
        server.stop()
        let (body, response) = try await pending.value
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect(json?["id"] as? String == "held")
        #expect(try await server.waitForExit() == 0)
        #expect(server.exitedNormally)
    }
}

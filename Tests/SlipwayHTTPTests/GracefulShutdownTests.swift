import Foundation
import SlipwayTestSupport
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The live binary: a request held in the batching queue when SIGTERM arrives is still answered, then the
/// process exits 0.
@Suite struct GracefulShutdownTests {
    @Test func sigtermFinishesQueuedWorkThenExitsZero() async throws {
        guard let binary = CLIRunner.binary else {
            Issue.record("slipway binary not built")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-shutdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("slipway.yaml")
        // A 3 s batching delay keeps the request queued while the signal arrives.
        try "models:\n  iris:\n    batching: {max_batch_size: 64, max_queue_delay_us: 3000000}\n".write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--demo", "--data-dir", dir.appendingPathComponent("data").path, "--port", "0", "--config", config.path]
        process.currentDirectoryURL = SharedFixtures.packageRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        let stdout = Mutex("")
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            stdout.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            out.fileHandleForReading.readabilityHandler = nil
        }
        var base: String? = nil
        for _ in 0..<600 where base == nil {
            base = stdout.withLock { text in
                text.split(separator: "\n").first { $0.hasPrefix("slipway serving on ") }.map { String($0.dropFirst("slipway serving on ".count)) }
            }
            if base == nil {
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let url = try #require(base.flatMap { URL(string: "\($0)/v2/models/iris/infer") })
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"id":"held","inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[5.1,2.5,3.0,1.1]}]}"#.utf8)
        let pending = Task { try await URLSession.shared.data(for: request) }
        // Let the request reach the queue (it waits there for up to 3 s), then ask the server to stop.
        try await Task.sleep(for: .milliseconds(700))
        kill(process.processIdentifier, SIGTERM)
        let (body, response) = try await pending.value
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect(json?["id"] as? String == "held")
        for _ in 0..<300 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }
}

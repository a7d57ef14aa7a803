import Foundation
import SlipwayTestSupport
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `slipway serve --demo` as a user runs it: a real process on a free port, a prediction over HTTP, then
/// SIGTERM and a clean exit.
@Suite struct ServeCommandTests {
    @Test func demoServesAPredictionAndStopsOnSIGTERM() async throws {
        guard let binary = CLIRunner.binary else {
            Issue.record("slipway binary not built")
            return
        }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-serve-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--demo", "--data-dir", dataDir.path, "--port", "0"]
        process.currentDirectoryURL = SharedFixtures.packageRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
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

        // Wait for "slipway serving on http://127.0.0.1:PORT".
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
        guard let base, let url = URL(string: "\(base)/v2/models/iris/infer") else {
            let errors = String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
            Issue.record("the server did not start: \(errors)")
            return
        }

        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = try Data(contentsOf: SharedFixtures.packageRoot.appendingPathComponent("examples/iris/request.json"))
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect(json?["model_name"] as? String == "iris")
        #expect(json?["id"] as? String == "demo-1")
        let outputs = json?["outputs"] as? [[String: Any]] ?? []
        #expect(outputs.compactMap { $0["name"] as? String } == ["label", "probabilities"])

        // A second server on the same port fails cleanly (exit 5, one line on stderr).
        let port = try #require(URL(string: base)?.port)
        let second = try CLIRunner.run(["serve", "--data-dir", dataDir.path, "--port", String(port)])
        #expect(second.status == 5)
        #expect(second.stderr.hasPrefix("error: cannot serve on 127.0.0.1:\(port)"))

        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<300 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test func invalidOptionsAreUsageErrors() throws {
        for arguments in [["--port", "70000"], ["--port", "-1"], ["--threads", "0"], ["--max-body-size", "0"]] {
            let result = try CLIRunner.run(["serve"] + arguments)
            #expect(result.status == 64, "\(arguments)")
        }
    }
}

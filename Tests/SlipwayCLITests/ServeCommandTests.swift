import Foundation
import SlipwayTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `slipway serve --demo` as a user runs it: a real process on a free port, a prediction over HTTP, then
/// SIGTERM and a clean exit.
@Suite struct ServeCommandTests {
    @Test func demoServesAPredictionAndStopsOnSIGTERM() async throws {
        guard CLIRunner.binary != nil else {
            Issue.record("slipway binary not built")
            return
        }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-serve-\(UUID().uuidString)")
        let server = try await LiveServer.start(["serve", "--demo", "--data-dir", dataDir.path, "--port", "0"])
        defer { server.stop() }
        let base = server.base
        let url = server.url("/v2/models/iris/infer")

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

        server.stop()
        #expect(try await server.waitForExit() == 0)
        #expect(server.exitedNormally)
    }

    @Test func invalidOptionsAreUsageErrors() throws {
        for arguments in [["--port", "70000"], ["--port", "-1"], ["--threads", "0"], ["--max-body-size", "0"]] {
            let result = try CLIRunner.run(["serve"] + arguments)
            #expect(result.status == 64, "\(arguments)")
        }
    }
}

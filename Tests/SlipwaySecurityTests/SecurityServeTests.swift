import Foundation
import SlipwayTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `slipway serve` with security, as a user runs it: the loopback rule, and keys over real HTTP.
@Suite(.enabled(if: CLIRunner.binary != nil, "the slipway binary is not built"))
struct SecurityServeTests {
    @Test func refusesANonLoopbackAddressWithoutAuthentication() throws {
        let dir = try SecurityTestSupport.temporaryDirectory().path
        let result = try CLIRunner.run(["serve", "--data-dir", dir, "--host", "0.0.0.0", "--port", "0"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("refusing to serve on 0.0.0.0 without authentication"))
        #expect(result.stderr.contains("--insecure-no-auth"))
        let tls = try CLIRunner.run(["serve", "--data-dir", dir, "--tls-cert", "/nonexistent.pem"])
        #expect(tls.status == 64)
    }

    @Test func aServerWithAKeyRefusesRequestsWithoutIt() async throws {
        let dir = try SecurityTestSupport.temporaryDirectory()
        let created = try CLIRunner.run(["keys", "create", "--data-dir", dir.path, "--name", "t", "--role", "predictor", "--json"])
        let key = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["key"] as? String)
        let server = try await LiveServer.start(["serve", "--demo", "--data-dir", dir.path, "--port", "0"])
        defer { server.stop() }
        let url = server.url("/v2/models/iris/infer")
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = try Data(contentsOf: SharedFixtures.packageRoot.appendingPathComponent("examples/iris/request.json"))
        let (_, refused) = try await URLSession.shared.data(for: request)
        #expect((refused as? HTTPURLResponse)?.statusCode == 401)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (_, accepted) = try await URLSession.shared.data(for: request)
        #expect((accepted as? HTTPURLResponse)?.statusCode == 200)
        // Health stays open on loopback.
        let (_, health) = try await URLSession.shared.data(from: try #require(URL(string: "\(server.base)/v2/health/ready")))
        #expect((health as? HTTPURLResponse)?.statusCode == 200)
        server.stop()
        _ = try await server.waitForExit()
        let verify = try CLIRunner.run(["audit", "verify", "--data-dir", dir.path])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("intact: 3 entries"))
    }
}

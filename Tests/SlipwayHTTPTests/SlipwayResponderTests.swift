import Foundation
import Hummingbird
import HummingbirdTesting
import SlipwayRuntime
import Testing

@testable import SlipwayHTTP

/// The server responder: which paths it sends past the router, and that a request answers the same whichever
/// way it goes.
@Suite struct SlipwayResponderTests {
    @Test(
        arguments: [
            ("/v2/models/iris/infer", "iris", nil), ("/v2/models/iris/versions/2/infer", "iris", "2"),
            ("/v2/models/echo/versions/production/infer", "echo", "production"), ("/v2/models/a%20b/infer", "a%20b", nil),
        ] as [(String, String, String?)])
    func takesTheCanonicalInferencePaths(path: String, name: String, version: String?) {
        let target = SlipwayResponder.inferenceTarget(path)
        #expect(target?.name == name && target?.version == version, "\(path)")
    }

    @Test(arguments: [
        "/v2/models/iris/infer/", "/v2/models//infer", "/v2/models/iris//infer", "/v2/models/iris", "/v2/models/iris/ready",
        "/v2/models/iris/versions/infer", "/v2/models/iris/versions//infer", "/v2/models/iris/versions/1/ready", "/v2/models/stats/infer",
        "/v2/models/stats/versions/1/infer", "/v2/models/", "/v2/models", "/v2/models/iris/infer/x", "/v1/models/iris/infer",
        "/v2/models/iris/version/1/infer", "/v2/models/iris/versions/\u{301}/infer", "/v2/models/x\u{600}/infer",
    ])
    func leavesEveryOtherPathToTheRouter(path: String) {
        #expect(SlipwayResponder.inferenceTarget(path) == nil, "\(path)")
    }

    /// Against a plain definition by `split`, on random paths made of the words that matter.
    @Test func agreesWithASplitOfThePath() {
        func reference(_ path: String) -> (name: String, version: String?)? {
            guard path.hasPrefix("/v2/models/") else { return nil }
            let s = path.dropFirst("/v2/models/".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard let name = s.first, !name.isEmpty, name != "stats" else { return nil }
            if s.count == 2, s[1] == "infer" { return (name, nil) }
            if s.count == 4, s[1] == "versions", !s[2].isEmpty, s[3] == "infer" { return (name, s[2]) }
            return nil
        }
        var g = SystemRandomNumberGenerator()
        let words = ["v2", "models", "iris", "infer", "versions", "1", "stats", "", "é", "a%2F", "inference", "version", "\u{301}", "x\u{301}"]
        for _ in 0..<2_000 {
            let tail = (0..<Int.random(in: 0...5, using: &g)).map { _ in words.randomElement(using: &g) ?? "" }.joined(separator: "/")
            let path = (Bool.random(using: &g) ? "/v2/models/" : "/" + (words.randomElement(using: &g) ?? "")) + tail
            // A path with non-ASCII bytes is the router's (it splits by characters, where "/\u{301}" is no separator).
            let ascii = path.utf8.allSatisfy { $0 < 0x80 }
            let (a, b) = (SlipwayResponder.inferenceTarget(path), ascii ? reference(path) : nil)
            #expect(a?.name == b?.name && a?.version == b?.version, "\(path)")
        }
    }

    /// The same request past the router and through it (a spelling the responder leaves to the router).
    @Test func answersAsTheRouterDoes() async throws {
        try await V2Fixtures.app().test(.router) { client in
            for (direct, routed) in [
                ("/v2/models/iris/infer", "/v2/models/iris/infer/"), ("/v2/models/echo/versions/2/infer", "/v2/models/echo/versions/2/infer/"),
                ("/v2/models/nope/infer", "/v2/models/nope/infer/"), ("/v2/models/echo/versions/9/infer", "/v2/models/echo/versions/9/infer/"),
            ] {
                // With the request's own id, so the made-up one does not differ.
                let body = direct.contains("iris") ? V2Fixtures.irisRequest : #"{"id":"e-1","# + V2Fixtures.echoRequest.dropFirst()
                let a = try await client.execute(uri: direct, method: .post, body: ByteBuffer(string: body))
                let b = try await client.execute(uri: routed, method: .post, body: ByteBuffer(string: body))
                #expect(a.status == b.status, "\(direct)")
                #expect(a.status == (direct.contains("nope") || direct.contains("/9/") ? .notFound : .ok), "\(direct)")
                #expect(try V2Fixtures.json(a) == V2Fixtures.json(b), "\(direct)")
            }
        }
    }
}

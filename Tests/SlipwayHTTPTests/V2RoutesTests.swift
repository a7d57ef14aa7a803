import Foundation
import Hummingbird
import HummingbirdTesting
import SlipwayHTTP
import SlipwayRuntime
import Testing

/// The KServe V2 contract, in process (`.router`): every route and every error status.
@Suite struct V2RoutesTests {
    @Test func healthRoutesAnswer200WithABody() async throws {
        try await V2Fixtures.app().test(.router) { client in
            let live = try await client.execute(uri: "/v2/health/live", method: .get)
            #expect(live.status == .ok)
            #expect(try V2Fixtures.json(live)["live"] == .bool(true))
            let ready = try await client.execute(uri: "/v2/health/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(try V2Fixtures.json(ready)["ready"] == .bool(true))
        }
    }

    @Test(arguments: ["/v2", "/v2/"]) func serverMetadata(path: String) async throws {
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let body = try V2Fixtures.json(response)
            #expect(body["name"]?.stringValue == "slipway")
            #expect(body["version"]?.stringValue == SlipwayRuntime.version)
            #expect(body["extensions"] == .array(V2Controller.extensions.map { .string($0) }))
        }
    }

    @Test func modelMetadataHasSignatureWithDynamicDimensions() async throws {
        try await V2Fixtures.app().test(.router) { client in
            for path in ["/v2/models/iris", "/v2/models/iris/versions/1"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
                let body = try V2Fixtures.json(response)
                #expect(body["name"]?.stringValue == "iris")
                #expect(body["platform"]?.stringValue == "onnxruntime_onnx")
                #expect(body["versions"] == .array([.string("1")]))
                let input = body["inputs"]?.arrayValue?.first
                #expect(input?["name"]?.stringValue == "X")
                #expect(input?["datatype"]?.stringValue == "FP32")
                #expect(input?["shape"]?.arrayValue?.compactMap(\.int64Value) == [-1, 4])
                let outputs = body["outputs"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
                #expect(outputs == ["label", "probabilities"])
            }
        }
    }

    @Test func modelReady() async throws {
        try await V2Fixtures.app().test(.router) { client in
            for path in ["/v2/models/iris/ready", "/v2/models/echo/versions/2/ready", "/v2/models/echo/versions/production/ready"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(try V2Fixtures.json(response)["ready"] == .bool(true))
            }
            let unknown = try await client.execute(uri: "/v2/models/nope/ready", method: .get)
            #expect(unknown.status == .notFound)
            #expect(V2Fixtures.errorMessage(unknown) != nil)
        }
    }

    @Test func inferEchoesIdAndReturnsEveryOutput() async throws {
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: V2Fixtures.irisRequest))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let body = try V2Fixtures.json(response)
            #expect(body["model_name"]?.stringValue == "iris")
            #expect(body["model_version"]?.stringValue == "1")
            #expect(body["id"]?.stringValue == "req-7")
            let outputs = body["outputs"]?.arrayValue ?? []
            #expect(outputs.compactMap { $0["name"]?.stringValue } == ["label", "probabilities"])
            #expect(outputs.first?["data"]?.arrayValue?.compactMap(\.int64Value) == [1, 1])
            let probabilities = outputs.last?["data"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(probabilities.count == 6)
            #expect(abs((probabilities.first ?? 0) - 0.1552) < 1e-3)
        }
    }

    @Test func inferReturnsOnlyTheRequestedOutputs() async throws {
        try await V2Fixtures.app().test(.router) { client in
            let request = #"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[5.1,2.5,3.0,1.1]}],"outputs":[{"name":"probabilities"}]}"#
            let response = try await client.execute(uri: "/v2/models/iris/versions/1/infer", method: .post, body: ByteBuffer(string: request))
            #expect(response.status == .ok)
            let body = try V2Fixtures.json(response)
            #expect(body["id"]?.stringValue?.count == 36)  // none given: a generated one
            #expect(body["outputs"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["probabilities"])
            #expect(body["outputs"]?.arrayValue?.first?["shape"]?.arrayValue?.compactMap(\.int64Value) == [1, 3])
        }
    }

    /// Without a version: the `production` alias when set, else the newest ready version; with one: a number or an alias.
    @Test(arguments: [
        ("/v2/models/echo/infer", "1"), ("/v2/models/echo/versions/2/infer", "2"), ("/v2/models/echo/versions/production/infer", "1"),
        ("/v2/models/echo2/infer", "2"), ("/v2/models/echo2/versions/1/infer", "1"),
    ])
    func versionResolution(path: String, expected: String) async throws {
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(uri: path, method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(response.status == .ok)
            let body = try V2Fixtures.json(response)
            #expect(body["model_version"]?.stringValue == expected)
            let y = body["outputs"]?.arrayValue?.first { $0["name"]?.stringValue == "y" }
            #expect(y?["data"]?.arrayValue?.compactMap(\.doubleValue) == [1, 2, 3, 4])
        }
    }

    /// Moving the alias in the registry (as `slipway models alias set` does) is served once the watcher has
    /// loaded and warmed the new version (waits are bounded synchronisation points, not timing assertions).
    @Test func aliasMovesArePickedUp() async throws {
        let service = try V2Fixtures.registry()
        let app = try V2Fixtures.app(service: service, refreshInterval: .milliseconds(50))
        try await app.test(.router) { client in
            func servedVersion() async throws -> String? {
                let response = try await client.execute(
                    uri: "/v2/models/echo/infer", method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
                return try V2Fixtures.json(response)["model_version"]?.stringValue
            }
            func eventually(_ expected: String) async throws -> String? {
                var served = try await servedVersion()
                for _ in 0..<500 where served != expected {
                    try await Task.sleep(for: .milliseconds(10))
                    served = try await servedVersion()
                }
                return served
            }
            #expect(try await servedVersion() == "1")
            _ = try service.setAlias("production", model: "echo", version: 2, actor: "test")
            #expect(try await eventually("2") == "2")
            _ = try service.deleteAlias("production", model: "echo", actor: "test")
            _ = try service.archive(model: "echo", version: 2, actor: "test")
            #expect(try await eventually("1") == "1")
            let archived = try await client.execute(uri: "/v2/models/echo/versions/2/ready", method: .get)
            #expect(archived.status == .notFound)
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var label: String
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var status: HTTPResponse.Status
        var message: String
        var testDescription: String { label }
    }

    static let errorCases: [ErrorCase] = [
        .init(label: "unknown model", method: .post, path: "/v2/models/nope/infer", body: V2Fixtures.echoRequest, status: .notFound, message: "nope"),
        .init(label: "invalid model name", method: .get, path: "/v2/models/No%20Such", body: nil, status: .notFound, message: "unknown model"),
        .init(
            label: "unknown version", method: .post, path: "/v2/models/echo/versions/9/infer", body: V2Fixtures.echoRequest, status: .notFound,
            message: "9"),
        .init(label: "unknown alias", method: .get, path: "/v2/models/echo/versions/staging", body: nil, status: .notFound, message: "staging"),
        .init(
            label: "bad JSON", method: .post, path: "/v2/models/iris/infer", body: #"{"inputs": [}"#, status: .badRequest, message: "not valid JSON"),
        .init(label: "empty body", method: .post, path: "/v2/models/iris/infer", body: nil, status: .badRequest, message: "JSON"),
        .init(
            label: "wrong datatype", method: .post, path: "/v2/models/iris/infer",
            body: #"{"inputs":[{"name":"X","shape":[1,4],"datatype":"INT64","data":[5,2,3,1]}]}"#, status: .badRequest,
            message: "input 'X' has datatype INT64, the model expects FP32"),
        .init(
            label: "shape mismatch", method: .post, path: "/v2/models/iris/infer",
            body: #"{"inputs":[{"name":"X","shape":[1,3],"datatype":"FP32","data":[5,2,3]}]}"#, status: .badRequest, message: "input 'X' has shape"),
        .init(
            label: "data does not fill the shape", method: .post, path: "/v2/models/iris/infer",
            body: #"{"inputs":[{"name":"X","shape":[2,4],"datatype":"FP32","data":[5,2,3,1]}]}"#, status: .badRequest, message: "input 'X'"),
        .init(
            label: "unknown input", method: .post, path: "/v2/models/iris/infer",
            body: #"{"inputs":[{"name":"Y","shape":[1,4],"datatype":"FP32","data":[5,2,3,1]}]}"#, status: .badRequest, message: "unknown input 'Y'"),
        .init(
            label: "unknown output", method: .post, path: "/v2/models/iris/infer",
            body: #"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[5,2,3,1]}],"outputs":[{"name":"nope"}]}"#, status: .badRequest,
            message: "unknown output 'nope'"),
        .init(label: "unknown route", method: .get, path: "/v3/models", body: nil, status: .notFound, message: "no route for GET /v3/models"),
        .init(label: "wrong method", method: .get, path: "/v2/models/iris/infer", body: nil, status: .methodNotAllowed, message: "GET"),
    ]

    @Test(arguments: errorCases) func errorsHaveTheV2BodyAndTritonStatus(_ c: ErrorCase) async throws {
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(uri: c.path, method: c.method, body: c.body.map { ByteBuffer(string: $0) })
            #expect(response.status == c.status)
            #expect(response.headers[.contentType] == "application/json")
            let message = V2Fixtures.errorMessage(response)
            #expect(message?.contains(c.message) == true, "\(message ?? "no V2 error body")")
        }
    }

    @Test func oversizeBodyIs413() async throws {
        let app = try V2Fixtures.app(.init(port: 0, maxBodySize: 64, inferenceThreads: 1))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: V2Fixtures.irisRequest))
            #expect(response.status == .contentTooLarge)
            #expect(V2Fixtures.errorMessage(response)?.contains("limit of 64 bytes") == true)
        }
    }

    @Test func fullQueueIs503WithRetryAfter() async throws {
        let app = try V2Fixtures.app(.init(port: 0, maxQueuedRequestsPerModel: 0, inferenceThreads: 1, retryAfterSeconds: 2))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: V2Fixtures.irisRequest))
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "2")
            #expect(V2Fixtures.errorMessage(response)?.contains("overloaded") == true)
        }
    }
}

/// One smoke test through a real socket (`.live`).
@Suite struct V2LiveTests {
    @Test func inferOverARealConnection() async throws {
        try await V2Fixtures.app().test(.live) { client in
            let live = try await client.execute(uri: "/v2/health/live", method: .get)
            #expect(live.status == .ok)
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: V2Fixtures.irisRequest))
            #expect(response.status == .ok)
            #expect(try V2Fixtures.json(response)["id"]?.stringValue == "req-7")
            let missing = try await client.execute(uri: "/nowhere", method: .get)
            #expect(missing.status == .notFound)
            #expect(V2Fixtures.errorMessage(missing) == "no route for GET /nowhere")
        }
    }
}

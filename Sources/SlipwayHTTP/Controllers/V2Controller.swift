public import HTTPTypes
public import Hummingbird
import SlipwayRegistry
public import SlipwayRuntime

/// The KServe V2 / Open Inference Protocol routes: health, server and model metadata, model readiness and
/// inference, each model route with and without `/versions/V`. Inference goes through ``ServedModels``:
/// decoding, scheduling (queue bound, priority, timeout, dynamic batching), the response cache, inference
/// and encoding all run on the ``InferencePool``, never on an event loop.
public struct V2Controller: Sendable {
    /// The extensions advertised by `GET /v2`: only what works.
    public static var extensions: [String] { ["binary_tensor_data", "classification", "model_repository", "schedule_policy", "statistics"] }

    let models: ServedModels
    let configuration: ServerConfiguration

    /// - Parameters:
    ///   - models: the served models.
    ///   - configuration: body limit and server settings.
    public init(models: ServedModels, configuration: ServerConfiguration) {
        self.models = models
        self.configuration = configuration
    }

    /// Adds the V2 routes to `router`.
    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.get("/v2/health/live") { _, _ in Self.json(#"{"live":true}"#) }
        router.get("/v2/health/ready") { _, _ in Self.json(#"{"ready":true}"#) }
        router.get("/v2") { _, _ in
            Self.json(V2Metadata.server(name: "slipway", version: SlipwayRuntime.version, extensions: Self.extensions))
        }
        for prefix in ["/v2/models/:model", "/v2/models/:model/versions/:version"] {
            router.get(RouterPath(prefix)) { _, context in try metadata(context) }
            router.get(RouterPath(prefix + "/ready")) { _, context in try await ready(context) }
            router.post(RouterPath(prefix + "/infer")) { request, context in try await infer(request, context) }
            // The right path with the wrong method: 405 rather than Hummingbird's 404.
            for (path, allowed) in [(prefix, HTTPRequest.Method.get), (prefix + "/ready", .get), (prefix + "/infer", .post)] {
                for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where method != allowed {
                    router.on(RouterPath(path), method: method) { _, _ -> Response in throw HTTPError(.methodNotAllowed) }
                }
            }
        }
    }

    func metadata(_ context: SlipwayRequestContext) throws -> Response {
        let (name, version) = try Self.target(context)
        let (entry, number, _) = try models.entry(named: name, version: version)
        guard let served = entry.version(number) else { throw InferenceError(.notFound, "unknown version '\(number)' of model '\(name)'") }
        let metadata = ModelMetadata(
            name: name, versions: entry.versions.filter(\.ready).map { String($0.number) }, version: String(number),
            inputs: served.signature.inputs, outputs: served.signature.outputs)
        return Self.json(V2Metadata.model(metadata))
    }

    func ready(_ context: SlipwayRequestContext) async throws -> Response {
        let (name, version) = try Self.target(context)
        let models = self.models
        _ = try await models.pool.run { () throws(InferenceError) in try models.resolve(name, version: version).served.version }
        return Self.json(V2Metadata.modelReady(name: name))
    }

    func infer(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let (name, version) = try Self.target(context)
        return try await infer(request, context, name: name, version: version)
    }

    /// Inference on model `name`, version or alias `version` (nil: the default version); the route's
    /// parameters, read by the router or by ``SlipwayResponder``.
    func infer(_ request: Request, _ context: SlipwayRequestContext, name: String, version: String?) async throws -> Response {
        let jsonLength = try Self.jsonLength(request)
        let buffer = try await request.body.collect(upTo: configuration.maxBodySize)
        let body = [UInt8](buffer: buffer)
        let models = self.models
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<EncodedResponse, InferenceError>, Never>) in
            models.infer(body: body, jsonLength: jsonLength, model: name, version: version, requestID: context.requestID) {
                continuation.resume(returning: $0)
            }
        }
        let encoded = try result.get()
        guard let outputJSONLength = encoded.jsonLength else { return Self.json(encoded.body) }
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", HTTPField.Name.inferenceHeaderContentLength: String(outputJSONLength)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded.body)))
    }

    /// The `Inference-Header-Content-Length` of a binary request; nil for plain JSON. A raw binary body
    /// (length 0, Triton's single-input shortcut) is not supported.
    static func jsonLength(_ request: Request) throws(InferenceError) -> Int? {
        guard let text = request.headers[.inferenceHeaderContentLength] else { return nil }
        guard let n = Int(text), n >= 0 else {
            throw .badRequest("Inference-Header-Content-Length must be a non-negative integer, got '\(text)'")
        }
        guard n > 0 else {
            throw .badRequest("Inference-Header-Content-Length: 0 (a raw binary body without a JSON header) is not supported")
        }
        return n
    }

    static func target(_ context: SlipwayRequestContext) throws -> (name: String, version: String?) {
        (try context.parameters.require("model"), context.parameters.get("version"))
    }

    static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ text: String) -> Response { json(Array(text.utf8)) }
}

extension HTTPField.Name {
    /// Triton's header giving the length of the JSON part of a body that carries binary tensors.
    // A valid header name literal: the unwrap cannot fail (it would be a programmer error).
    public static let inferenceHeaderContentLength = HTTPField.Name("Inference-Header-Content-Length")!
}

public import HTTPTypes
public import Hummingbird
public import SlipwayRuntime

/// The KServe V2 / Open Inference Protocol routes: health, server and model metadata, model readiness and
/// inference, each model route with and without `/versions/V`. Everything that may block (registry reads,
/// model loading, JSON decoding, inference, encoding) runs on the ``InferencePool``, admitted per model by
/// ``AdmissionControl``.
public struct V2Controller<Models: ModelProvider>: Sendable {
    /// The extensions advertised by `GET /v2`: only what works.
    public static var extensions: [String] { ["binary_tensor_data"] }

    let models: Models
    let pool: InferencePool
    let admission: AdmissionControl
    let configuration: ServerConfiguration
    /// Sees every finished inference (monitoring); nil when nothing observes.
    var observer: (any InferenceObserver)?

    /// - Parameters:
    ///   - models: where models come from.
    ///   - pool: the threads inference runs on.
    ///   - admission: the per-model bound on queued requests.
    ///   - configuration: body limit and server settings.
    public init(models: Models, pool: InferencePool, admission: AdmissionControl, configuration: ServerConfiguration) {
        self.models = models
        self.pool = pool
        self.admission = admission
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
            router.get(RouterPath(prefix)) { _, context in try await metadata(context) }
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

    func metadata(_ context: SlipwayRequestContext) async throws -> Response {
        let (name, version) = try Self.target(context)
        let models = self.models
        let body = try await pool.run { () throws(InferenceError) in V2Metadata.model(try models.metadata(named: name, version: version)) }
        return Self.json(body)
    }

    func ready(_ context: SlipwayRequestContext) async throws -> Response {
        let (name, version) = try Self.target(context)
        let models = self.models
        _ = try await pool.run { () throws(InferenceError) in try models.model(named: name, version: version).name }
        return Self.json(V2Metadata.modelReady(name: name))
    }

    func infer(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let (name, version) = try Self.target(context)
        let jsonLength = try Self.jsonLength(request)
        let buffer = try await request.body.collect(upTo: configuration.maxBodySize)
        let body = [UInt8](buffer: buffer)
        let models = self.models
        let pool = self.pool
        let observation = InferenceObservation(observer: observer, model: name, version: version)
        let run = { () async throws(InferenceError) -> ([UInt8], Int?) in
            try await pool.run { () throws(InferenceError) -> ([UInt8], Int?) in
                let (decoded, response) = try observation.run { () throws(InferenceError) -> InferenceRequest in
                    if let jsonLength { return try InferenceRequest.decode(body: body, jsonLength: jsonLength) }
                    return try InferenceRequest.decode(json: body)
                } infer: { (request: InferenceRequest) throws(InferenceError) -> InferenceResponse in
                    try models.model(named: name, version: version).infer(request)
                }
                let encoded = response.encode(binary: decoded.wantsBinary(output:))
                return (encoded.body, encoded.jsonLength)
            }
        }
        let output: [UInt8]
        let outputJSONLength: Int?
        do throws(InferenceError) {
            (output, outputJSONLength) = try await admission.admit(name, run)
        } catch {
            observation.refused(error)
            throw error
        }
        guard let outputJSONLength else { return Self.json(output) }
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", HTTPField.Name.inferenceHeaderContentLength: String(outputJSONLength)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: output)))
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

public import Hummingbird
public import SlipwayRuntime

/// The KServe V2 / Open Inference Protocol routes: health, server and model metadata, model readiness and
/// inference, each model route with and without `/versions/V`. Everything that may block (registry reads,
/// model loading, JSON decoding, inference, encoding) runs on the ``InferencePool``, admitted per model by
/// ``AdmissionControl``.
public struct V2Controller<Models: ModelProvider>: Sendable {
    /// The extensions advertised by `GET /v2`: only what works.
    public static var extensions: [String] { [] }

    let models: Models
    let pool: InferencePool
    let admission: AdmissionControl
    let configuration: ServerConfiguration

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
        let buffer = try await request.body.collect(upTo: configuration.maxBodySize)
        let body = [UInt8](buffer: buffer)
        let models = self.models
        let pool = self.pool
        let output = try await admission.admit(name) { () async throws(InferenceError) -> [UInt8] in
            try await pool.run { () throws(InferenceError) -> [UInt8] in
                let decoded = try InferenceRequest.decode(json: body)
                let model = try models.model(named: name, version: version)
                return try model.infer(decoded).encodeJSON()
            }
        }
        return Self.json(output)
    }

    static func target(_ context: SlipwayRequestContext) throws -> (name: String, version: String?) {
        (try context.parameters.require("model"), context.parameters.get("version"))
    }

    static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ text: String) -> Response { json(Array(text.utf8)) }
}

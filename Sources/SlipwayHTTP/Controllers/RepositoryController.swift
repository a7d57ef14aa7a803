public import Hummingbird
public import SlipwayRuntime

/// Triton's model repository extension: `POST /v2/repository/index` (an empty body is accepted, as
/// tritonclient sends; `{"ready": true}` lists only ready models), `POST /v2/repository/models/NAME/load`
/// (reads the registry again, loads and warms the default version, serves it) and `.../unload` (the model
/// answers 503 until loaded again; queued and running requests finish). Versions are added through the
/// registry (CLI or management API), so `load` refuses Triton's `config` and `file:` parameters.
public struct RepositoryController: Sendable {
    let models: ServedModels
    let maxBodySize: Int

    public init(models: ServedModels, maxBodySize: Int) {
        self.models = models
        self.maxBodySize = maxBodySize
    }

    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.post("/v2/repository/index") { request, _ in try await index(request) }
        router.post("/v2/repository/models/:model/load") { request, context in
            let name = try context.parameters.require("model")
            let body = try await Self.object(request, maxBodySize: maxBodySize)
            if case .object(let fields)? = body?["parameters"] {
                for (key, _) in fields where key == "config" || key.hasPrefix("file:") {
                    throw InferenceError.badRequest(
                        "load parameter '\(key)' is not supported: register versions with 'slipway models register' or the management API")
                }
            }
            try await models.load(model: name)
            return V2Controller.json("{}")
        }
        router.post("/v2/repository/models/:model/unload") { request, context in
            let name = try context.parameters.require("model")
            _ = try await Self.object(request, maxBodySize: maxBodySize)
            try models.unload(model: name)
            return V2Controller.json("{}")
        }
    }

    func index(_ request: Request) async throws -> Response {
        var readyOnly = false
        if let body = try await Self.object(request, maxBodySize: maxBodySize), let ready = body["ready"] {
            guard case .bool(let flag) = ready else { throw InferenceError.badRequest("field 'ready' must be true or false") }
            readyOnly = flag
        }
        var w = JSONWriter()
        w.raw("[")
        for (i, item) in models.repositoryIndex(readyOnly: readyOnly).enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"name\":")
            w.string(item.name)
            if let version = item.version {
                w.raw(",\"version\":")
                w.string(version)
            }
            w.raw(",\"state\":")
            w.string(item.state)
            w.raw(",\"reason\":")
            w.string(item.reason)
            w.raw("}")
        }
        w.raw("]")
        return V2Controller.json(w.bytes)
    }

    /// The request body as a JSON object; nil when empty.
    static func object(_ request: Request, maxBodySize: Int) async throws -> JSONValue? {
        let buffer = try await request.body.collect(upTo: maxBodySize)
        let bytes = [UInt8](buffer: buffer)
        guard bytes.contains(where: { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }) else { return nil }
        let value: JSONValue
        do {
            value = try JSONScanner.parse(bytes)
        } catch {
            throw InferenceError.badRequest("request body is not valid JSON: \(error)")
        }
        guard case .object = value else { throw InferenceError.badRequest("request body must be a JSON object") }
        return value
    }
}

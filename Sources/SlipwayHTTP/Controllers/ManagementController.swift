import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import SlipwayRegistry
public import SlipwayRuntime

/// The management API under `/api/v1`: the operations of `slipway models` over HTTP, through the same
/// ``ModelRegistryService``. Upload a version (a raw ONNX body, or `multipart/form-data` with `model`,
/// `metadata`, `card` and `reference` parts), list and show models and versions, set and delete aliases,
/// tag, archive, read the history. JSON in and out; errors are `{"error": "..."}` (400 naming the field,
/// 404 unknown, 409 conflict with the registry, 413 too large). Every registry call runs on the
/// ``InferencePool``, never on an event loop.
public struct ManagementController: Sendable {
    /// The path prefix of every management route.
    public static let prefix = "/api/v1"

    let service: ModelRegistryService
    let pool: InferencePool
    let maxBodySize: Int
    /// Called after every successful change (upload, alias, archive) before the response: the server loads
    /// and warms what the change makes it serve, so the next request sees it.
    public var onChange: @Sendable () async -> Void = {}

    /// - Parameters:
    ///   - service: the registry the routes read and change.
    ///   - pool: the threads blocking registry calls run on.
    ///   - maxBodySize: the largest upload accepted, in bytes (larger ones get 413).
    public init(service: ModelRegistryService, pool: InferencePool, maxBodySize: Int) {
        self.service = service
        self.pool = pool
        self.maxBodySize = maxBodySize
    }

    /// The controller of a server: its registry, its pool, its body limit.
    public init(registry: ModelRegistryService, pool: InferencePool, configuration: ServerConfiguration) {
        self.init(service: registry, pool: pool, maxBodySize: configuration.maxBodySize)
    }

    /// Adds the management routes to `router`.
    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        let models = "\(Self.prefix)/models"
        let model = "\(models)/:model"
        let version = "\(model)/versions/:version"
        router.get(RouterPath(models)) { _, _ in try await list() }
        router.get(RouterPath(model)) { request, context in try await show(request, context) }
        router.get(RouterPath("\(model)/versions")) { request, context in try await versions(request, context) }
        router.post(RouterPath("\(model)/versions")) { request, context in try await changed(try await upload(request, context)) }
        router.get(RouterPath(version)) { _, context in try await showVersion(context) }
        router.post(RouterPath("\(version)/archive")) { _, context in try await changed(try await archive(context)) }
        router.patch(RouterPath("\(model)/tags")) { request, context in try await tag(request, context, version: false) }
        router.patch(RouterPath("\(version)/tags")) { request, context in try await tag(request, context, version: true) }
        router.put(RouterPath("\(model)/aliases/:alias")) { request, context in try await changed(try await setAlias(request, context)) }
        router.delete(RouterPath("\(model)/aliases/:alias")) { _, context in try await changed(try await deleteAlias(context)) }
        router.get(RouterPath("\(model)/history")) { _, context in try await history(context) }
    }

    /// Runs ``onChange`` after a successful change, then answers.
    func changed(_ response: Response) async -> Response {
        await onChange()
        return response
    }

    // MARK: - Reading

    func list() async throws -> Response {
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in try ManagementJSON.encode(ManagementJSON.Models(models: try service.models())) })
    }

    func show(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let limit = try Self.limit(request)
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                let model = try service.model(named: name)
                return try ManagementJSON.encode(ManagementJSON.ModelDetail(model: model, versions: try service.versions(of: name, limit: limit)))
            })
    }

    func versions(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let limit = try Self.limit(request)
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                _ = try service.model(named: name)
                return try ManagementJSON.encode(ManagementJSON.Versions(versions: try service.versions(of: name, limit: limit)))
            })
    }

    func showVersion(_ context: SlipwayRequestContext) async throws -> Response {
        let selector = try Self.selector(context)
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                try ManagementJSON.encode(try service.resolve(selector))
            })
    }

    func history(_ context: SlipwayRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                _ = try service.model(named: name)
                return try ManagementJSON.encode(ManagementJSON.History(events: try service.history(of: name)))
            })
    }

    // MARK: - Changing

    /// `POST /api/v1/models/{model}/versions`: registers the body as the next version; 201 with the version.
    func upload(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let actor = context.registryActor
        let boundary = try FormData.boundary(contentType: request.headers[.contentType] ?? "application/octet-stream")
        let query = request.uri.queryParameters.map { (key: String($0.key), value: String($0.value)) }
        let body = [UInt8](buffer: try await request.body.collect(upTo: maxBodySize))
        let service = self.service
        let version = try await pool.run { () throws(InferenceError) -> ModelVersion in
            let upload: ModelRegistryService.Upload
            if let boundary {
                upload = try Self.upload(name: name, parts: try FormData.parts(body, boundary: boundary), actor: actor)
            } else {
                upload = try Self.upload(name: name, raw: body, query: query, actor: actor)
            }
            do throws(InferenceError) {
                return try service.register(upload)
            } catch {
                // The caller's file is at fault here, not a stored model: a bad request.
                guard error.code == .invalidModel else { throw error }
                throw .badRequest("field 'model': \(error.message)")
            }
        }
        var response = Self.json(try ManagementJSON.encode(version), status: .created)
        response.headers[HTTPField.Name.location] = "\(Self.prefix)/models/\(version.model)/versions/\(version.version)"
        return response
    }

    /// `PUT /api/v1/models/{model}/aliases/{alias}` with `{"version": N}`.
    func setAlias(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let alias = try context.parameters.require("alias")
        let actor = context.registryActor
        let body = try ManagementBody([UInt8](buffer: try await request.body.collect(upTo: maxBodySize)), allowed: ["version"])
        guard let number = try body.positiveInteger("version") else { throw InferenceError.badRequest("request body: field 'version' is required") }
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                let previous = try service.setAlias(alias, model: name, version: number, actor: actor)
                return try ManagementJSON.encode(ManagementJSON.AliasSet(model: name, alias: alias, version: number, previous: previous))
            })
    }

    /// `DELETE /api/v1/models/{model}/aliases/{alias}`.
    func deleteAlias(_ context: SlipwayRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let alias = try context.parameters.require("alias")
        let actor = context.registryActor
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                let previous = try service.deleteAlias(alias, model: name, actor: actor)
                return try ManagementJSON.encode(ManagementJSON.AliasDeleted(model: name, alias: alias, deleted: true, previous: previous))
            })
    }

    /// `PATCH .../tags` with `{"tags": {"k": "v", "gone": ""}}`: an empty value removes the tag. Answers with
    /// the version (version route) or the model.
    func tag(_ request: Request, _ context: SlipwayRequestContext, version: Bool) async throws -> Response {
        let selector = version ? try Self.selector(context) : ModelSelector(model: try context.parameters.require("model"))
        let actor = context.registryActor
        let body = try ManagementBody([UInt8](buffer: try await request.body.collect(upTo: maxBodySize)), allowed: ["tags"])
        guard let tags = try body.stringMap("tags") else { throw InferenceError.badRequest("request body: field 'tags' is required") }
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                if let tagged = try service.tag(selector, tags: tags, actor: actor) { return try ManagementJSON.encode(tagged) }
                return try ManagementJSON.encode(try service.model(named: selector.model))
            })
    }

    /// `POST .../versions/{version}/archive`: the version number only (an alias would be ambiguous over time).
    func archive(_ context: SlipwayRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let text = try context.parameters.require("version")
        guard case .version(let number) = try Self.target(text) else {
            throw InferenceError.badRequest("path parameter 'version': archive needs a version number, got '\(text)'")
        }
        let actor = context.registryActor
        let service = self.service
        return Self.json(
            try await pool.run { () throws(InferenceError) in
                try ManagementJSON.encode(try service.archive(model: name, version: number, actor: actor))
            })
    }

    // MARK: - Request parsing

    /// A raw ONNX body; the rest from the query: `description`, `source`, `data_digest`, `alias` (repeatable,
    /// or comma-separated), `tag`, `param` and `metric` as `key=value` (repeatable).
    static func upload(name: String, raw: [UInt8], query: [(key: String, value: String)], actor: String) throws(InferenceError)
        -> ModelRegistryService.Upload
    {
        let known = ["alias", "data_digest", "description", "metric", "param", "source", "tag"]
        for (key, _) in query where !known.contains(key) {
            throw .badRequest("query parameter '\(key)' is not known; expected one of \(known.joined(separator: ", "))")
        }
        guard !raw.isEmpty else {
            throw .badRequest("field 'model': the request body is empty; send the ONNX file as the body, or multipart/form-data with a 'model' part")
        }
        func all(_ key: String) -> [String] { query.filter { $0.key == key }.map(\.value) }
        func last(_ key: String) -> String? { query.last { $0.key == key }?.value }
        var upload = ModelRegistryService.Upload(name: name, model: Data(raw), actor: actor)
        upload.description = last("description") ?? ""
        upload.source = last("source")
        upload.dataDigest = last("data_digest")
        upload.aliases = all("alias").flatMap { $0.split(separator: ",").map(String.init) }
        do {
            upload.parameters = try RegistryNames.parseAssignments(all("param"), kind: "parameter")
            upload.metrics = try RegistryNames.parseMetrics(all("metric"))
            upload.tags = try RegistryNames.parseAssignments(all("tag"), kind: "tag")
        } catch {
            throw InferenceError(error)
        }
        return upload
    }

    /// Parts `model` (required), `metadata` (JSON), `card` (Markdown), `reference` (CSV, or JSON Lines when
    /// its file name ends in `.jsonl`); any other part is refused.
    static func upload(name: String, parts: [FormPart], actor: String) throws(InferenceError) -> ModelRegistryService.Upload {
        let known = ["model", "metadata", "card", "reference"]
        var byName: [String: FormPart] = [:]
        for part in parts {
            guard known.contains(part.name) else {
                throw .badRequest("multipart part '\(part.name)' is not known; expected \(known.joined(separator: ", "))")
            }
            guard byName[part.name] == nil else { throw .badRequest("multipart part '\(part.name)' is given twice") }
            byName[part.name] = part
        }
        guard let model = byName["model"], !model.body.isEmpty else {
            throw .badRequest("multipart part 'model' is required: the ONNX file")
        }
        let metadata = try byName["metadata"].map { part throws(InferenceError) in try UploadMetadata(json: part.body) } ?? UploadMetadata()
        let card = try byName["card"].map { part throws(InferenceError) -> String in
            guard let text = String(validating: part.body, as: UTF8.self) else { throw .badRequest("multipart part 'card' is not UTF-8 text") }
            return text
        }
        let reference = byName["reference"].map { part in
            let jsonl = part.filename.map { ReferenceDataset.format(forPath: $0) == .jsonl } ?? false
            return ModelRegistryService.Upload.Reference(data: Data(part.body), format: jsonl ? .jsonl : .csv)
        }
        return ModelRegistryService.Upload(
            name: name, model: Data(model.body), reference: reference, card: card, description: metadata.description,
            parameters: metadata.parameters, metrics: metadata.metrics, source: metadata.source, dataDigest: metadata.dataDigest,
            aliases: metadata.aliases, tags: metadata.tags, actor: actor)
    }

    /// `NAME` + the `version` path parameter (a number or an alias name).
    static func selector(_ context: SlipwayRequestContext) throws -> ModelSelector {
        ModelSelector(model: try context.parameters.require("model"), target: try target(try context.parameters.require("version")))
    }

    static func target(_ text: String) throws(InferenceError) -> ModelSelector.Target {
        if let first = text.utf8.first, first >= 48, first <= 57 {
            guard let number = Int(text), number >= 1 else {
                throw .badRequest("path parameter 'version': '\(text)' is neither a positive version number nor an alias")
            }
            return .version(number)
        }
        do {
            try RegistryNames.validateAlias(text)
        } catch {
            throw .badRequest("path parameter 'version': \(error.message)")
        }
        return .alias(text)
    }

    static func limit(_ request: Request) throws(InferenceError) -> Int? {
        guard let text = request.uri.queryParameters["limit"] else { return nil }
        guard let n = Int(text), n >= 1 else { throw .badRequest("query parameter 'limit': expected a positive integer, got '\(text)'") }
        return n
    }

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension SlipwayRequestContext {
    /// Who the registry's history records for a change made over HTTP: `api` until authentication names the caller.
    public var registryActor: String { "api" }
}

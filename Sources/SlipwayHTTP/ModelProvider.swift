public import SlipwayRegistry
public import SlipwayRuntime
import Synchronization

/// What the V2 routes need to know about a model: its versions and signature (`GET /v2/models/NAME`).
public struct ModelMetadata: Sendable, Hashable {
    public var name: String
    /// The versions served, oldest first.
    public var versions: [String]
    /// The version this metadata describes.
    public var version: String
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]

    public init(name: String, versions: [String], version: String, inputs: [TensorSpec], outputs: [TensorSpec]) {
        self.name = name
        self.versions = versions
        self.version = version
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// Where the server finds models. Every method may block (database, disk, model loading): the routes call
/// them on the inference pool, never on an event loop. `version` is nil for the model's default version,
/// else a version number or an alias name.
public protocol ModelProvider: Sendable {
    /// The models served, by name.
    func modelNames() throws(InferenceError) -> [String]
    /// The model ready to run; `notFound` for an unknown model, version or alias.
    func model(named name: String, version: String?) throws(InferenceError) -> LoadedModel
    /// The model's metadata; `notFound` for an unknown model, version or alias.
    func metadata(named name: String, version: String?) throws(InferenceError) -> ModelMetadata
}

/// Serves every model of a registry: without a version, the version the default alias (`production`)
/// points at when it is set, else the newest ready version; with one, a version number or an alias.
/// Archived versions are not served.
///
/// What a route resolves to is remembered for `refreshInterval`, so a request costs no registry read;
/// a change in the registry (an alias moved, a new version) is served at most that long afterwards.
public final class RegistryModelProvider: ModelProvider {
    public let service: ModelRegistryService
    public let defaultAlias: String
    public let refreshInterval: Duration

    private struct Route: Hashable {
        var name: String
        var version: String?
    }

    private struct Resolved {
        var model: LoadedModel
        var until: ContinuousClock.Instant
    }

    /// Successful resolutions only, so every key names a real model; cleared if it ever grows past 4096.
    private let resolved = Mutex<[Route: Resolved]>([:])

    /// - Parameters:
    ///   - service: the registry to serve.
    ///   - defaultAlias: the alias that routes without a version follow when it is set.
    ///   - refreshInterval: how long a route's resolution is reused before the registry is read again.
    public init(service: ModelRegistryService, defaultAlias: String = "production", refreshInterval: Duration = .seconds(1)) {
        self.service = service
        self.defaultAlias = defaultAlias
        self.refreshInterval = refreshInterval
    }

    public func modelNames() throws(InferenceError) -> [String] {
        try service.models().filter { $0.latestVersion != nil }.map(\.name)
    }

    public func model(named name: String, version: String?) throws(InferenceError) -> LoadedModel {
        let route = Route(name: name, version: version)
        let now = ContinuousClock.now
        if let hit = resolved.withLock({ $0[route] }), hit.until > now { return hit.model }
        let model = try service.load(version: try resolve(name, version))
        resolved.withLock { routes in
            if routes.count >= 4096 { routes.removeAll() }
            routes[route] = Resolved(model: model, until: now + refreshInterval)
        }
        return model
    }

    public func metadata(named name: String, version: String?) throws(InferenceError) -> ModelMetadata {
        let resolved = try resolve(name, version)
        let versions = try service.versions(of: name).filter { $0.status == .ready }.map { String($0.version) }
        return ModelMetadata(
            name: name, versions: versions, version: String(resolved.version), inputs: resolved.signature.inputs,
            outputs: resolved.signature.outputs)
    }

    /// The registry version a route means. Names that cannot exist are unknown models (404), not bad requests.
    func resolve(_ name: String, _ version: String?) throws(InferenceError) -> ModelVersion {
        do {
            try RegistryNames.validateModelName(name)
        } catch {
            throw InferenceError(.notFound, "unknown model '\(name)'")
        }
        let selector: ModelSelector
        if let version {
            if let number = Int(version), number >= 1, version.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                selector = ModelSelector(model: name, target: .version(number))
            } else {
                do {
                    try RegistryNames.validateAlias(version)
                } catch {
                    throw InferenceError(.notFound, "unknown version '\(version)' of model '\(name)'")
                }
                selector = ModelSelector(model: name, target: .alias(version))
            }
        } else {
            let model = try service.model(named: name)
            selector = ModelSelector(model: name, target: model.aliases[defaultAlias] != nil ? .alias(defaultAlias) : .latest)
        }
        let resolved: ModelVersion
        do {
            resolved = try service.store.resolve(selector)
        } catch {
            throw InferenceError.wrap(error)
        }
        guard resolved.status == .ready else {
            throw InferenceError(.notFound, "version \(resolved.version) of model '\(name)' is archived and not served")
        }
        return resolved
    }
}

import Foundation
public import SlipwayRegistry
public import SlipwayRuntime

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

/// Where the server finds models: a ``ModelSource`` that ``buildApplication(configuration:models:logger:observer:onServerRunning:)``
/// serves, watches and hot-swaps.
public protocol ModelProvider: ModelSource {}

/// Serves every model of a registry: without a version, the version the default alias (`production`)
/// points at when it is set, else the newest ready version; with one, a version number or an alias.
/// Archived versions are not served.
///
/// The registry is read every `refreshInterval` by the server's ``ModelWatcher`` (a request costs no
/// registry read); a moved alias or a new version is loaded and warmed in the background, then switched in.
public final class RegistryModelProvider: ModelProvider {
    public let service: ModelRegistryService
    public let refreshInterval: Duration

    /// - Parameters:
    ///   - service: the registry to serve.
    ///   - refreshInterval: how often the registry is polled for alias moves and new versions.
    public init(service: ModelRegistryService, refreshInterval: Duration = .seconds(1)) {
        self.service = service
        self.refreshInterval = refreshInterval
    }

    public var pollInterval: Duration { refreshInterval }

    public func entries() throws(InferenceError) -> [ModelEntry] {
        var entries: [ModelEntry] = []
        for model in try service.models() {
            let versions = try service.versions(of: model.name).sorted { $0.version < $1.version }
            entries.append(
                ModelEntry(
                    name: model.name,
                    versions: versions.map {
                        ModelEntry.Version(
                            number: $0.version, ready: $0.status == .ready, signature: $0.signature, size: Int(clamping: $0.artifact.size))
                    },
                    aliases: model.aliases))
        }
        return entries
    }

    public func load(model: String, version: Int) throws(InferenceError) -> LoadedModel {
        try service.load(version: try resolve(model, version))
    }

    public func example(model: String, version: Int) throws(InferenceError) -> InferenceRequest? {
        guard let example = try resolve(model, version).example else { return nil }
        let data: Data
        do {
            data = try service.registry.artifacts.data(example.artifact, label: "the input example of \(model):\(version)")
        } catch {
            throw InferenceError(error)
        }
        return try InferenceRequest.decode(json: [UInt8](data))
    }

    func resolve(_ model: String, _ version: Int) throws(InferenceError) -> ModelVersion {
        do {
            return try service.store.resolve(ModelSelector(model: model, target: .version(version)))
        } catch {
            throw InferenceError.wrap(error)
        }
    }
}

public import Foundation
import SlipwayEngine
import SlipwayONNX
public import SlipwayRegistry
import SlipwayTensor
import Synchronization

/// The one implementation of registry operations behind the CLI and (later) HTTP: registration with
/// validation by the engine, resolution of selectors, loading through a byte-bounded LRU cache, bundles.
/// Every error it throws is an ``InferenceError`` (registry errors are translated in `InferenceError.init`).
public final class ModelRegistryService: Sendable {
    public let registry: Registry
    public let cache: ModelCache
    /// Called after each version with a reference dataset is stored (see ``onRegistered(_:)``).
    private let registeredHooks = Mutex<[@Sendable (ModelVersion) -> Void]>([])

    /// - Parameters:
    ///   - registry: the store and the artifact files.
    ///   - cacheCapacityBytes: how many bytes of loaded models to keep (artifact sizes); 1 GiB by default.
    public init(registry: Registry, cacheCapacityBytes: Int = 1 << 30) {
        self.registry = registry
        self.cache = ModelCache(capacityBytes: cacheCapacityBytes)
    }

    /// Opens the registry in a data directory (created when missing).
    public static func open(dataDirectory: URL, cacheCapacityBytes: Int = 1 << 30) throws(InferenceError) -> ModelRegistryService {
        do {
            return ModelRegistryService(registry: try Registry.open(dataDirectory: dataDirectory), cacheCapacityBytes: cacheCapacityBytes)
        } catch {
            throw InferenceError(error)
        }
    }

    public var store: any ModelStore { registry.store }

    /// Calls `body` after each version that has a reference dataset is registered or imported (drift
    /// monitoring builds its reference profile then). `body` runs on the registering thread: it should only
    /// hand the work over.
    public func onRegistered(_ body: @escaping @Sendable (ModelVersion) -> Void) {
        registeredHooks.withLock { $0.append(body) }
    }

    // MARK: - Registration

    /// What `slipway models register` takes.
    public struct Registration: Sendable {
        public var name: String
        public var model: URL
        public var reference: URL?
        public var card: URL?
        /// A V2 inference request run once at registration; the request and the output shapes are recorded.
        public var example: URL?
        public var description: String
        public var parameters: [String: String]
        public var metrics: [String: Double]
        public var source: String?
        /// SHA-256 of the training data, given by the caller…
        public var dataDigest: String?
        /// …or computed from this file.
        public var dataFile: URL?
        public var aliases: [String]
        public var tags: [String: String]
        public var actor: String

        public init(
            name: String, model: URL, reference: URL? = nil, card: URL? = nil, example: URL? = nil, description: String = "",
            parameters: [String: String] = [:], metrics: [String: Double] = [:], source: String? = nil, dataDigest: String? = nil,
            dataFile: URL? = nil, aliases: [String] = [], tags: [String: String] = [:], actor: String
        ) {
            self.name = name
            self.model = model
            self.reference = reference
            self.card = card
            self.example = example
            self.description = description
            self.parameters = parameters
            self.metrics = metrics
            self.source = source
            self.dataDigest = dataDigest
            self.dataFile = dataFile
            self.aliases = aliases
            self.tags = tags
            self.actor = actor
        }
    }

    /// Validates everything (names, files, the model through the engine, the reference dataset against the
    /// signature, the example run), then stores the artifacts, then commits the version: a failure anywhere
    /// leaves no row behind. Reads the files, then registers them as an ``Upload``.
    public func register(_ r: Registration) throws(InferenceError) -> ModelVersion {
        let upload = try translating { () throws -> Upload in
            try RegistryNames.validateModelName(r.name)
            for alias in r.aliases { try RegistryNames.validateAlias(alias) }
            guard r.dataDigest == nil || r.dataFile == nil else {
                throw RegistryError.invalidArgument("give the training data as a file or as a digest, not both")
            }
            let modelData = try Self.readFile(r.model, what: "model file")
            var reference: Upload.Reference?
            if let url = r.reference {
                guard let format = ReferenceDataset.format(forPath: url.path) else {
                    throw RegistryError.invalidArgument(
                        "reference dataset '\(url.path)': unknown format; name it .csv (with a header row) or .jsonl (JSON Lines)")
                }
                reference = Upload.Reference(data: try Self.readFile(url, what: "reference dataset"), format: format)
            }
            let card = try r.card.map { url in
                guard let text = String(data: try Self.readFile(url, what: "model card"), encoding: .utf8) else {
                    throw RegistryError.invalidArgument("model card '\(url.path)' is not UTF-8 text")
                }
                return text
            }
            let example = try r.example.map { try Self.readFile($0, what: "input example") }
            var digest = try r.dataDigest.map { d throws(RegistryError) in try RegistryNames.normalizeDigest(d, field: "--data-digest") }
            if let dataFile = r.dataFile { digest = try ArtifactStore.digest(ofFile: dataFile) }
            return Upload(
                name: r.name, model: modelData, reference: reference, card: card, example: example, description: r.description,
                parameters: r.parameters, metrics: r.metrics, source: r.source, dataDigest: digest, aliases: r.aliases, tags: r.tags,
                actor: r.actor)
        }
        return try register(upload)
    }

    /// A registration whose files are already in memory (an HTTP upload): the same checks, the same storage.
    public struct Upload: Sendable {
        /// A reference dataset's bytes and format.
        public struct Reference: Sendable {
            public var data: Data
            public var format: ReferenceFormat

            public init(data: Data, format: ReferenceFormat) {
                self.data = data
                self.format = format
            }
        }

        public var name: String
        /// The ONNX model's bytes.
        public var model: Data
        public var reference: Reference?
        /// The model card (Markdown).
        public var card: String?
        /// A V2 inference request (JSON) run once at registration.
        public var example: Data?
        public var description: String
        public var parameters: [String: String]
        public var metrics: [String: Double]
        public var source: String?
        /// SHA-256 of the training data (64 hex digits).
        public var dataDigest: String?
        public var aliases: [String]
        public var tags: [String: String]
        public var actor: String

        public init(
            name: String, model: Data, reference: Reference? = nil, card: String? = nil, example: Data? = nil, description: String = "",
            parameters: [String: String] = [:], metrics: [String: Double] = [:], source: String? = nil, dataDigest: String? = nil,
            aliases: [String] = [], tags: [String: String] = [:], actor: String
        ) {
            self.name = name
            self.model = model
            self.reference = reference
            self.card = card
            self.example = example
            self.description = description
            self.parameters = parameters
            self.metrics = metrics
            self.source = source
            self.dataDigest = dataDigest
            self.aliases = aliases
            self.tags = tags
            self.actor = actor
        }
    }

    /// Registers an upload: validates the names, the digest, the model (through the engine), the reference
    /// dataset and the example, then stores the artifacts and commits the version; nothing is kept on failure.
    public func register(_ u: Upload) throws(InferenceError) -> ModelVersion {
        try translating {
            try RegistryNames.validateModelName(u.name)
            for alias in u.aliases { try RegistryNames.validateAlias(alias) }
            let digest = try u.dataDigest.map { d throws(RegistryError) in try RegistryNames.normalizeDigest(d, field: "data digest") }
            let lineage = Lineage(
                dataDigest: digest, source: u.source, parameters: u.parameters, metrics: u.metrics, createdBy: u.actor,
                createdAt: Date.registryNow())
            return try store(
                name: u.name, description: u.description, modelData: u.model, reference: u.reference.map { ($0.data, $0.format) },
                card: u.card, example: u.example, lineage: lineage, actor: u.actor, tags: u.tags, aliases: u.aliases, eventDetail: [:])
        }
    }

    /// Loads the model with the engine (unsupported operators are named), reads its signature, checks the
    /// reference dataset and runs the example; then writes the artifacts and commits the row.
    func store(
        name: String, description: String, modelData: Data, reference: (Data, ReferenceFormat)?, card: String?, example: Data?,
        lineage: Lineage, actor: String, tags: [String: String], aliases: [String], eventDetail: [String: String]
    ) throws -> ModelVersion {
        let loaded = try Self.load(modelData, name: name, version: nil)
        let report = ModelReport(loaded)
        let signature = ModelSignature(inputs: report.inputs.map(Self.spec), outputs: report.outputs.map(Self.spec))
        var opsets: [String: Int] = [:]
        for o in report.opsets { opsets[o.domain] = o.version }
        var draft = NewVersion(
            model: name, description: description, artifact: ArtifactRef(sha256: ArtifactStore.digest(of: modelData), size: Int64(modelData.count)),
            signature: signature, opsets: opsets, lineage: lineage, card: card, tags: tags, aliases: aliases, actor: actor,
            eventDetail: eventDetail)
        try draft.validate()
        var dataset: (ReferenceDataset, [String], Data)?
        if let (data, format) = reference {
            let parsed = try ReferenceDataset.parse(data, format: format)
            dataset = (parsed, try parsed.fit(signature.inputs), data)
        }
        var exampleOutputs: [TensorSpec]?
        if let example {
            let request = try InferenceRequest.decode(json: [UInt8](example))
            do {
                let response = try loaded.infer(request)
                exampleOutputs = response.outputs.map { output in
                    if case .tensor(let t) = output.value { return TensorSpec(name: output.name, datatype: t.dataType.v2Name, shape: t.shape) }
                    return TensorSpec(name: output.name, datatype: output.value.type.description, shape: nil)
                }
            } catch {
                throw InferenceError(error.code, "the input example failed: \(error.message)")
            }
        }
        // Everything is valid: store the files (fsynced, renamed into place), then commit the row that names them.
        let artifacts = registry.artifacts
        draft.artifact = try artifacts.put(modelData)
        if let (parsed, columns, data) = dataset {
            draft.reference = ReferenceData(artifact: try artifacts.putSealed(data), format: parsed.format, columns: columns, rows: parsed.rows.count)
        }
        if let example, let exampleOutputs {
            draft.example = ExampleRun(artifact: try artifacts.put(example), outputs: exampleOutputs)
        }
        let created = try registry.store.createVersion(draft)
        if created.reference != nil { for hook in registeredHooks.withLock({ $0 }) { hook(created) } }
        return created
    }

    // MARK: - Resolution and loading

    /// Resolves `name`, `name:3` or `name@alias`.
    public func resolve(_ selector: String) throws(InferenceError) -> ModelVersion {
        try translating { try registry.store.resolve(try ModelSelector(parsing: selector)) }
    }

    /// Resolves a parsed selector.
    public func resolve(_ selector: ModelSelector) throws(InferenceError) -> ModelVersion {
        try translating {
            try RegistryNames.validateModelName(selector.model)
            return try registry.store.resolve(selector)
        }
    }

    /// Resolves a selector and returns the model ready to run, from the cache or loaded from its artifact
    /// (whose size and hash are checked first: a tampered artifact is refused, naming the version).
    public func load(_ selector: String) throws(InferenceError) -> LoadedModel {
        try load(version: try resolve(selector))
    }

    public func load(version: ModelVersion) throws(InferenceError) -> LoadedModel {
        var model = try cache.model(for: version.artifact.sha256, cost: Int(clamping: version.artifact.size)) { () throws(InferenceError) in
            let data = try translating { try registry.artifacts.data(version.artifact, label: "model \(version.selector)") }
            return try Self.load(data, name: version.model, version: String(version.version))
        }
        model.name = version.model
        model.version = String(version.version)
        return model
    }

    // MARK: - Pass-throughs with translated errors

    public func models() throws(InferenceError) -> [RegisteredModel] { try translating { try registry.store.models() } }

    public func model(named name: String) throws(InferenceError) -> RegisteredModel {
        try translating {
            try RegistryNames.validateModelName(name)
            return try registry.store.model(named: name)
        }
    }

    public func versions(of name: String, limit: Int? = nil) throws(InferenceError) -> [ModelVersion] {
        try translating {
            try RegistryNames.validateModelName(name)
            return try registry.store.versions(of: name, limit: limit)
        }
    }

    public func history(of name: String) throws(InferenceError) -> [RegistryEvent] {
        try translating {
            try RegistryNames.validateModelName(name)
            return try registry.store.history(of: name)
        }
    }

    @discardableResult
    public func setAlias(_ alias: String, model: String, version: Int, actor: String) throws(InferenceError) -> Int? {
        try translating {
            try RegistryNames.validateModelName(model)
            return try registry.store.setAlias(alias, model: model, version: version, actor: actor)
        }
    }

    @discardableResult
    public func deleteAlias(_ alias: String, model: String, actor: String) throws(InferenceError) -> Int {
        try translating {
            try RegistryNames.validateModelName(model)
            return try registry.store.deleteAlias(alias, model: model, actor: actor)
        }
    }

    public func setTags(_ tags: [String: String], model: String, version: Int?, actor: String) throws(InferenceError) {
        try translating {
            try RegistryNames.validateModelName(model)
            try registry.store.setTags(tags, model: model, version: version, actor: actor)
        }
    }

    @discardableResult
    public func archive(model: String, version: Int, actor: String) throws(InferenceError) -> ModelVersion {
        try translating {
            try RegistryNames.validateModelName(model)
            return try registry.store.archive(model: model, version: version, actor: actor)
        }
    }

    /// Sets tags on a model (`NAME`) or on a version (`NAME:VERSION`, `NAME@ALIAS`); an empty value removes
    /// the tag. Returns the version tagged, nil for the model.
    @discardableResult
    public func tag(_ selector: ModelSelector, tags: [String: String], actor: String) throws(InferenceError) -> ModelVersion? {
        guard !tags.isEmpty else { throw .badRequest("no tags given: expected one or more key=value") }
        var version: Int?
        switch selector.target {
        case .latest: version = nil
        case .version(let n): version = n
        case .alias: version = try translating { try registry.store.resolve(selector) }.version
        }
        try setTags(tags, model: selector.model, version: version, actor: actor)
        guard let version else { return nil }
        return try translating { try registry.store.resolve(ModelSelector(model: selector.model, target: .version(version))) }
    }

    /// Checks every version's artifacts (hash and size) and, with `load`, loads every ready version with the engine.
    public func verify(load: Bool) throws(InferenceError) -> ConsistencyReport {
        var report = try translating { try registry.check() }
        if load {
            for model in try models() {
                for version in try versions(of: model.name) where version.status == .ready {
                    do {
                        let data = try translating { try registry.artifacts.data(version.artifact, label: "model \(version.selector)") }
                        _ = try Self.load(data, name: version.model, version: String(version.version))
                    } catch {
                        if !report.problems.contains(error.message) { report.problems.append("\(version.selector): \(error.message)") }
                    }
                }
            }
        }
        return report
    }

    // MARK: - Implementation details

    func translating<T>(_ body: () throws -> T) throws(InferenceError) -> T {
        do {
            return try body()
        } catch {
            throw InferenceError.wrap(error)
        }
    }

    static func readFile(_ url: URL, what: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw RegistryError.notFound("\(what) '\(url.path)' does not exist")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RegistryError.notFound("\(what) '\(url.path)' is not readable")
        }
        return data
    }

    static func load(_ data: Data, name: String, version: String?) throws(InferenceError) -> LoadedModel {
        let model: ONNXModel
        do {
            model = try ModelImporter().load(data: data)
        } catch {
            throw InferenceError.wrap(error)
        }
        var loaded = try LoadedModel(name: name, version: version, model: model)
        loaded.version = version
        return loaded
    }

    static func spec(_ t: ModelReport.Tensor) -> TensorSpec {
        TensorSpec(name: t.name, datatype: t.datatype, shape: t.dims?.map { $0.value ?? -1 })
    }
}

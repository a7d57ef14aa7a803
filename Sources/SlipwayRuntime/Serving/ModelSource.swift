public import SlipwayRegistry

/// What the server knows about one registered model at the last look: its versions and aliases.
public struct ModelEntry: Sendable, Hashable {
    public struct Version: Sendable, Hashable {
        public var number: Int
        /// False for archived versions (not served).
        public var ready: Bool
        public var signature: ModelSignature
        /// Bytes of the model file.
        public var size: Int

        public init(number: Int, ready: Bool, signature: ModelSignature, size: Int) {
            self.number = number
            self.ready = ready
            self.signature = signature
            self.size = size
        }
    }

    public var name: String
    /// Oldest first.
    public var versions: [Version]
    /// Alias → version number.
    public var aliases: [String: Int]

    public init(name: String, versions: [Version], aliases: [String: Int]) {
        self.name = name
        self.versions = versions
        self.aliases = aliases
    }

    public func version(_ number: Int) -> Version? { versions.first { $0.number == number } }

    /// The version routes without a version serve: the one `defaultAlias` points at when it is set and
    /// ready, else the newest ready version.
    public func defaultVersion(alias defaultAlias: String) -> Int? {
        if let aliased = aliases[defaultAlias], version(aliased)?.ready == true { return aliased }
        return versions.last { $0.ready }?.number
    }
}

/// Where served models come from (the registry in `slipway serve`). Every method may block (database,
/// disk, model loading): ``ServedModels`` calls them on the inference pool, never on an event loop.
public protocol ModelSource: Sendable {
    /// Every registered model with its versions and aliases; called every ``pollInterval``, so it must be cheap.
    func entries() throws(InferenceError) -> [ModelEntry]
    /// Loads one version.
    func load(model: String, version: Int) throws(InferenceError) -> LoadedModel
    /// The input example registered with a version (its warm-up request), if any.
    func example(model: String, version: Int) throws(InferenceError) -> InferenceRequest?
    /// How often the source is polled for alias moves and new versions.
    var pollInterval: Duration { get }
}

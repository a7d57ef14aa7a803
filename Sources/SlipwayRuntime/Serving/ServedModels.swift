public import Logging
import SlipwayRegistry
import Synchronization

/// Every model the server serves, and how routes resolve to loaded versions. Transport-free: the HTTP
/// controllers call it; a ``ModelWatcher`` keeps it in step with the ``ModelSource``.
///
/// Hot swap: when the default version of a model changes in the source (its `production` alias moved, or a
/// newer version appeared), ``refresh()`` loads and warms the new version in the background and only then
/// switches routes to it, in one step under the lock. Requests already routed to the old version (queued
/// or running) finish on it; it is dropped when the last of them lets go of it.
public final class ServedModels: Sendable {
    struct VersionKey: Hashable, Sendable {
        var name: String
        var version: Int
    }

    struct State {
        /// The source's view at the last look.
        var entries: [String: ModelEntry] = [:]
        /// The version routes without a version serve, switched only once it is loaded and warm.
        var defaults: [String: Int] = [:]
        var loaded: [VersionKey: ServedModel] = [:]
        /// Models unloaded through the repository extension (answer 503 until loaded again).
        var unloaded: Set<String> = []
        /// Versions whose loading or warm-up failed, with why (not retried until loaded explicitly).
        var failed: [VersionKey: String] = [:]
    }

    public let source: any ModelSource
    public let pool: InferencePool
    public let configuration: SlipwayConfiguration
    public let defaultAlias: String
    /// The queue bound of versions whose settings set none.
    public let maxQueue: Int
    public let observer: any InferenceObserver
    let logger: Logger
    let state = Mutex(State())
    /// Ids for requests that bring none (time-ordered, see ``RequestIDSource``).
    let requestIDs = RequestIDSource()

    /// - Parameters:
    ///   - source: where models come from.
    ///   - pool: where loading, warm-up, decoding and inference run.
    ///   - configuration: per-model serving settings.
    ///   - defaultAlias: the alias routes without a version follow when it is set.
    ///   - maxQueue: the per-version queue bound when a model sets none.
    ///   - observer: receives one record per finished inference request.
    ///   - logger: where swaps and failures are logged.
    public init(
        source: any ModelSource, pool: InferencePool, configuration: SlipwayConfiguration = SlipwayConfiguration(),
        defaultAlias: String = "production", maxQueue: Int = 256, observer: any InferenceObserver = InferenceObservers(),
        logger: Logger = Logger(label: "slipway.serving")
    ) {
        self.source = source
        self.pool = pool
        self.configuration = configuration
        self.defaultAlias = defaultAlias
        self.maxQueue = maxQueue
        self.observer = observer
        self.logger = logger
    }

    // MARK: - Routes

    /// The names of the models known at the last look, sorted.
    public var modelNames: [String] { state.withLock { $0.entries.keys.sorted() } }

    /// The entry of a model and the version a route means (`version` nil: the default one).
    public func entry(named name: String, version: String?) throws(InferenceError) -> (entry: ModelEntry, version: Int, alias: String?) {
        let (entry, unloaded, current) = state.withLock { s in (s.entries[name], s.unloaded.contains(name), s.defaults[name]) }
        guard let entry else { throw InferenceError(.notFound, "unknown model '\(name)'") }
        guard !unloaded else {
            // Triton answers 400 for a model that is not loaded (the V2 ready route: 4xx means not ready).
            throw InferenceError(.badRequest, "model '\(name)' is unloaded; POST /v2/repository/models/\(name)/load serves it again")
        }
        if version == nil || version == defaultAlias {
            if version != nil, entry.aliases[defaultAlias] == nil {
                throw InferenceError(.notFound, "unknown version '\(defaultAlias)' of model '\(name)'")
            }
            guard let number = current ?? entry.defaultVersion(alias: defaultAlias) else {
                throw InferenceError(.notFound, "model '\(name)' has no version that is not archived")
            }
            return (entry, number, entry.aliases[defaultAlias] != nil ? defaultAlias : nil)
        }
        guard let version else { throw InferenceError(.internal, "unreachable") }
        let number: Int
        var alias: String? = nil
        if let n = Int(version), n >= 1, version.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard entry.version(n) != nil else { throw InferenceError(.notFound, "unknown version '\(version)' of model '\(name)'") }
            number = n
        } else {
            guard let n = entry.aliases[version] else { throw InferenceError(.notFound, "unknown version '\(version)' of model '\(name)'") }
            number = n
            alias = version
        }
        guard entry.version(number)?.ready == true else {
            throw InferenceError(.notFound, "version \(number) of model '\(name)' is archived and not served")
        }
        return (entry, number, alias)
    }

    /// The loaded version a route means, loading it if needed (blocking: call on the inference pool).
    public func resolve(_ name: String, version: String?) throws(InferenceError) -> (served: ServedModel, alias: String?) {
        let (entry, number, alias) = try entry(named: name, version: version)
        let key = VersionKey(name: name, version: number)
        if let served = state.withLock({ $0.loaded[key] }) { return (served, alias) }
        let made = try make(entry, number)
        let served = state.withLock { s -> ServedModel in
            if let existing = s.loaded[key] { return existing }
            s.loaded[key] = made
            return made
        }
        return (served, alias)
    }

    func make(_ entry: ModelEntry, _ number: Int) throws(InferenceError) -> ServedModel {
        let model = try source.load(model: entry.name, version: number)
        return ServedModel(
            model: model, version: number, settings: configuration.settings(for: entry.name).serving, maxQueue: maxQueue, pool: pool,
            memoryBytes: entry.version(number)?.size ?? 0)
    }

    /// Loaded versions, by name then version; all of them when `name` is nil.
    public func loadedVersions(of name: String? = nil) -> [ServedModel] {
        state.withLock { s in
            s.loaded.values.filter { name == nil || $0.name == name }.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
        }
    }

    /// The loaded version a statistics route means: `notFound` for an unknown model or a version not loaded.
    public func statistics(model name: String?, version: String?) throws(InferenceError) -> [ServedModel] {
        guard let name else { return loadedVersions() }
        guard state.withLock({ $0.entries[name] != nil }) else { throw InferenceError(.notFound, "unknown model '\(name)'") }
        guard let version else { return loadedVersions(of: name) }
        let (_, number, _) = try entry(named: name, version: version)
        guard let served = state.withLock({ $0.loaded[VersionKey(name: name, version: number)] }) else {
            throw InferenceError(.notFound, "version \(number) of model '\(name)' is not loaded")
        }
        return [served]
    }

    // MARK: - Watching the source (hot swap)

    /// Reads the source and switches every model whose default version changed to its new version, once that
    /// is loaded and warm. Versions archived or gone are dropped. Errors are logged; the old version stays.
    public func refresh() async {
        let source = self.source
        let entries: [ModelEntry]
        do {
            entries = try await pool.run { () throws(InferenceError) in try source.entries() }
        } catch {
            logger.warning("cannot read the model registry", metadata: ["slipway.error": "\(error.message)"])
            return
        }
        let work = state.withLock { s -> [(ModelEntry, Int)] in
            let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let unloaded = s.unloaded
            s.entries = byName
            let live = { (name: String, version: Int) in byName[name]?.version(version)?.ready == true && !unloaded.contains(name) }
            s.loaded = s.loaded.filter { live($0.key.name, $0.key.version) }
            s.defaults = s.defaults.filter { live($0.key, $0.value) }
            var work: [(ModelEntry, Int)] = []
            for entry in entries where !s.unloaded.contains(entry.name) {
                guard let target = entry.defaultVersion(alias: defaultAlias) else { continue }
                let key = VersionKey(name: entry.name, version: target)
                guard s.defaults[entry.name] != target, s.failed[key] == nil else { continue }
                work.append((entry, target))
            }
            return work
        }
        for (entry, target) in work {
            do {
                let served = try await pool.run { () throws(InferenceError) in try self.loadAndWarm(entry, target) }
                let switched = state.withLock { s -> Int?? in
                    guard s.entries[entry.name]?.defaultVersion(alias: defaultAlias) == target, !s.unloaded.contains(entry.name) else {
                        return .none
                    }
                    let key = VersionKey(name: entry.name, version: target)
                    s.loaded[key] = s.loaded[key] ?? served
                    defer { s.defaults[entry.name] = target }
                    return .some(s.defaults[entry.name])
                }
                if case .some(let previous) = switched {
                    // A swap is news; the first load of each model at start-up is not.
                    logger.log(
                        level: previous == nil ? .debug : .info, "serving model version",
                        metadata: [
                            "slipway.model": "\(entry.name)", "slipway.version": "\(target)",
                            "slipway.previous": "\(previous.map(String.init) ?? "none")",
                        ])
                }
            } catch {
                state.withLock { s in s.failed[VersionKey(name: entry.name, version: target)] = error.message }
                logger.warning(
                    "model version failed to load; the previous version stays",
                    metadata: ["slipway.model": "\(entry.name)", "slipway.version": "\(target)", "slipway.error": "\(error.message)"])
            }
        }
    }

    /// The version loaded (or the one already loaded) and run once: on its registered input example when it
    /// has one (a failure stops the switch), else on zeros built from its signature (a failure is only logged,
    /// since zeros may not be valid input for every model).
    func loadAndWarm(_ entry: ModelEntry, _ number: Int) throws(InferenceError) -> ServedModel {
        let key = VersionKey(name: entry.name, version: number)
        let served: ServedModel
        if let existing = state.withLock({ $0.loaded[key] }) {
            served = existing
        } else {
            served = try make(entry, number)
        }
        if let example = try source.example(model: entry.name, version: number) {
            do {
                try served.warm(example)
            } catch {
                throw InferenceError(error.code, "warm-up on the registered input example failed: \(error.message)")
            }
        } else if let signature = entry.version(number)?.signature,
            let zeros = ServedModel.zeroRequest(inputs: signature.inputs.map { ($0.name, $0.datatype, $0.shape) })
        {
            do {
                try served.warm(zeros)
            } catch {
                logger.notice(
                    "warm-up on zeros failed (serving anyway)",
                    metadata: ["slipway.model": "\(entry.name)", "slipway.version": "\(number)", "slipway.error": "\(error.message)"])
            }
        }
        return served
    }

    // MARK: - Repository extension

    /// One row of `POST /v2/repository/index`.
    public struct IndexItem: Sendable, Hashable {
        public var name: String
        public var version: String?
        /// `READY` or `UNAVAILABLE`.
        public var state: String
        public var reason: String
    }

    /// Every model: its loaded versions as `READY`, or one `UNAVAILABLE` row saying why.
    public func repositoryIndex(readyOnly: Bool) -> [IndexItem] {
        state.withLock { s in
            var items: [IndexItem] = []
            for name in s.entries.keys.sorted() {
                let versions = s.loaded.keys.filter { $0.name == name }.map(\.version).sorted()
                if !versions.isEmpty {
                    items += versions.map { IndexItem(name: name, version: String($0), state: "READY", reason: "") }
                } else if !readyOnly {
                    let reason: String
                    if s.unloaded.contains(name) {
                        reason = "unloaded"
                    } else if let failure = s.failed.first(where: { $0.key.name == name }) {
                        reason = failure.value
                    } else {
                        reason = "no version is loaded"
                    }
                    items.append(IndexItem(name: name, version: nil, state: "UNAVAILABLE", reason: reason))
                }
            }
            return items
        }
    }

    /// Loads (or reloads) a model: reads the source again, loads and warms its default version and serves it.
    public func load(model name: String) async throws(InferenceError) {
        let source = self.source
        let entries = try await pool.run { () throws(InferenceError) in try source.entries() }
        guard let entry = entries.first(where: { $0.name == name }) else { throw InferenceError(.notFound, "unknown model '\(name)'") }
        guard let target = entry.defaultVersion(alias: defaultAlias) else {
            throw InferenceError(.notFound, "model '\(name)' has no version that is not archived")
        }
        state.withLock { s in
            s.entries[name] = entry
            s.failed = s.failed.filter { $0.key.name != name }
        }
        let served = try await pool.run { () throws(InferenceError) in try self.loadAndWarm(entry, target) }
        state.withLock { s in
            let key = VersionKey(name: name, version: target)
            s.loaded[key] = s.loaded[key] ?? served
            s.defaults[name] = target
            s.unloaded.remove(name)
        }
        logger.info("model loaded", metadata: ["slipway.model": "\(name)", "slipway.version": "\(target)"])
    }

    /// Stops serving a model until it is loaded again: its routes answer 503 (`unavailable`); requests
    /// already queued or running finish.
    public func unload(model name: String) throws(InferenceError) {
        try state.withLock { s throws(InferenceError) in
            guard s.entries[name] != nil else { throw InferenceError(.notFound, "unknown model '\(name)'") }
            s.unloaded.insert(name)
            s.loaded = s.loaded.filter { $0.key.name != name }
            s.defaults[name] = nil
        }
        logger.info("model unloaded", metadata: ["slipway.model": "\(name)"])
    }
}

extension ServedModels {
    /// Requests of `model` (every loaded version) queued or running now: the monitoring gauges read this.
    public func pendingRequests(model: String) -> Int {
        loadedVersions(of: model).reduce(0) { $0 + $1.scheduler.pendingCount }
    }
}

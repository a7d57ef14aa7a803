/// Where the registry's metadata lives. Every method throws ``RegistryError`` (other errors are bugs);
/// every mutation is one transaction and appends to the model's history. Implementations: the SQLite store
/// (one `DatabasePool` per process) and ``InMemoryModelStore`` for tests; both pass the same contract suite,
/// and a PostgreSQL store added later must too.
///
/// Artifacts are not stored here: callers write them to an ``ArtifactStore`` first, so a row never names a
/// file that is not complete on disk.
public protocol ModelStore: Sendable {
    /// Creates version `max + 1` of `new.model` (creating the model when it is new), with its tags and aliases,
    /// in one transaction. A model may hold an artifact only once: registering the same bytes again is a conflict.
    func createVersion(_ new: NewVersion) throws -> ModelVersion

    /// Every model, by name.
    func models() throws -> [RegisteredModel]

    func model(named name: String) throws -> RegisteredModel

    /// Versions of a model, oldest first; `limit` keeps the newest ones.
    func versions(of model: String, limit: Int?) throws -> [ModelVersion]

    func version(_ model: String, _ number: Int) throws -> ModelVersion

    /// `name` → newest version that is not archived; `name:N` → version N; `name@alias` → its target.
    func resolve(_ selector: ModelSelector) throws -> ModelVersion

    /// Points `alias` at `version` (creating or moving it) and returns the version it pointed at before, if any.
    @discardableResult
    func setAlias(_ alias: String, model: String, version: Int, actor: String) throws -> Int?

    /// Removes an alias; returns the version it pointed at.
    @discardableResult
    func deleteAlias(_ alias: String, model: String, actor: String) throws -> Int

    /// Sets tags on a model (`version == nil`) or on one version; an empty value removes the tag.
    func setTags(_ tags: [String: String], model: String, version: Int?, actor: String) throws

    /// Marks a version archived; an archived version keeps its artifact and number but is skipped by `name`
    /// selectors and cannot be the target of an alias.
    @discardableResult
    func archive(model: String, version: Int, actor: String) throws -> ModelVersion

    /// The model's history, oldest first.
    func history(of model: String) throws -> [RegistryEvent]

    /// Every artifact hash any row names (models, references, examples): for integrity checks and garbage collection.
    func referencedArtifacts() throws -> Set<String>
}

extension ModelStore {
    public func versions(of model: String) throws -> [ModelVersion] { try versions(of: model, limit: nil) }

    /// Parses and resolves `name`, `name:N` or `name@alias`.
    public func resolve(_ selector: String) throws -> ModelVersion { try resolve(try ModelSelector(parsing: selector)) }
}

/// Checks shared by every store, so all of them reject the same inputs with the same messages.
enum StoreChecks {
    static func tags(_ tags: [String: String]) throws(RegistryError) {
        guard !tags.isEmpty else { throw .invalidArgument("no tags given: expected one or more key=value") }
        for (key, value) in tags {
            try RegistryNames.validateKey(key, kind: "tag")
            try RegistryNames.validateValue(value, key: key, kind: "tag")
        }
    }

    static func actor(_ actor: String) throws(RegistryError) {
        guard !actor.isEmpty else { throw .invalidArgument("the actor must not be empty") }
        try RegistryNames.validateValue(actor, key: "actor", kind: "history")
    }

    static func noModel(_ name: String) -> RegistryError { .notFound("no model named '\(name)'") }

    static func noVersion(_ model: String, _ number: Int, count: Int) -> RegistryError {
        .notFound("model '\(model)' has no version \(number) (it has \(count == 0 ? "none" : count == 1 ? "version 1" : "versions 1–\(count)"))")
    }

    static func noAlias(_ model: String, _ alias: String, known: [String]) -> RegistryError {
        .notFound(
            "model '\(model)' has no alias '\(alias)'"
                + (known.isEmpty ? " (it has no aliases)" : " (its aliases: \(known.sorted().joined(separator: ", ")))"))
    }

    static func noReadyVersion(_ model: String) -> RegistryError {
        .notFound("model '\(model)' has no version that is not archived")
    }

    static func duplicateArtifact(_ model: String, existing: Int, sha256: String) -> RegistryError {
        .conflict("model '\(model)' already holds this artifact as version \(existing) (sha256 \(sha256)); versions are immutable")
    }

    static func aliasToArchived(_ model: String, _ alias: String, _ version: Int) -> RegistryError {
        .conflict("cannot point alias '\(alias)' at \(model):\(version): the version is archived")
    }

    static func archiveAliased(_ model: String, _ version: Int, aliases: [String]) -> RegistryError {
        .conflict(
            "cannot archive \(model):\(version): alias\(aliases.count == 1 ? "" : "es") \(aliases.sorted().map { "'\($0)'" }.joined(separator: ", ")) point\(aliases.count == 1 ? "s" : "") at it; move or delete \(aliases.count == 1 ? "it" : "them") first"
        )
    }

    static func alreadyArchived(_ model: String, _ version: Int) -> RegistryError {
        .conflict("\(model):\(version) is already archived")
    }
}

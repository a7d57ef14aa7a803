import Synchronization

/// What drift checks compare production with, built once per model version from its reference dataset and
/// kept: the reference columns typed and parsed (numbers as numbers), ready for every check.
public struct ReferenceProfile: Sendable {
    public var model: String
    public var version: String
    /// Feature columns (and output columns when the dataset has columns named after the model's outputs).
    public var table: DataTable
    /// When it was built (seconds since 1970).
    public var builtAt: Double

    /// Builds the profile from a reference dataset's header and cells (nil = missing), as the registry
    /// stores it; each column's dtype is inferred as pandas would.
    public init(model: String, version: String, columns: [String], rows: [[String?]], builtAt: Double) throws(DriftError) {
        var cols: [DataColumn] = []
        for (index, name) in columns.enumerated() {
            var raw: [String?] = []
            raw.reserveCapacity(rows.count)
            for (line, row) in rows.enumerated() {
                guard index < row.count else {
                    throw .invalid("reference dataset row \(line + 1) has \(row.count) cells, but there are \(columns.count) columns")
                }
                raw.append(row[index])
            }
            cols.append(DataTable.inferColumn(name: name, raw: raw))
        }
        self.model = model
        self.version = version
        self.table = DataTable(columns: cols)
        self.builtAt = builtAt
    }

    public init(model: String, version: String, table: DataTable, builtAt: Double) {
        self.model = model
        self.version = version
        self.table = table
        self.builtAt = builtAt
    }

    /// Rows in the reference.
    public var rowCount: Int { table.columns.first?.count ?? 0 }
}

/// Gives the reference dataset of a model version (the registry in the server).
public protocol ReferenceDatasetSource: Sendable {
    /// The header and cells of `model` version `version`'s reference dataset; nil when it has none.
    func referenceDataset(model: String, version: String) async throws -> (columns: [String], rows: [[String?]])?

    /// The digest of the version's reference dataset (the registry artifact's SHA-256), found without reading
    /// the dataset; nil when it has none or the source cannot tell (the profile is then built and not kept on
    /// disk).
    func referenceDigest(model: String, version: String) async throws -> String?
}

extension ReferenceDatasetSource {
    public func referenceDigest(model: String, version: String) async throws -> String? { nil }
}

/// Reference profiles built once per model version's reference dataset and kept: on disk in the drift
/// history (keyed by model, version and the dataset's digest, so a restart reads them back instead of
/// parsing the dataset again, and a changed dataset is built again), and in memory up to a budget (the least
/// recently used are dropped first; they are read back from disk when needed).
public final class ReferenceProfileCache: Sendable {
    private struct Key: Hashable {
        var model: String
        var version: String
    }

    private struct Entry {
        var profile: ReferenceProfile
        var digest: String?
        var bytes: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var tick: UInt64 = 0
        var builds = 0
        var loads = 0
    }

    /// The default memory budget: 512 MiB of profiles.
    public static let defaultMemoryBudget = 512 << 20

    private let source: any ReferenceDatasetSource
    private let store: DriftHistoryStore?
    private let memoryBudget: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - source: the reference datasets (the registry).
    ///   - store: where profiles are kept on disk (`drift.sqlite`); nil keeps them in memory only.
    ///   - memoryBudget: bytes of profiles kept in memory at most (the one in use is kept whatever its size).
    public init(source: any ReferenceDatasetSource, store: DriftHistoryStore? = nil, memoryBudget: Int = defaultMemoryBudget) {
        self.source = source
        self.store = store
        self.memoryBudget = max(memoryBudget, 0)
    }

    /// The kept profile: from memory, else from disk, else built from the source's dataset (and kept on disk);
    /// nil when the version has no reference.
    public func profile(model: String, version: String, now: Double) async throws -> ReferenceProfile? {
        let key = Key(model: model, version: version)
        let digest = try await source.referenceDigest(model: model, version: version)
        let kept = state.withLock { state -> ReferenceProfile? in
            guard var entry = state.entries[key], entry.digest == digest else { return nil }
            state.tick += 1
            entry.lastUse = state.tick
            state.entries[key] = entry
            return entry.profile
        }
        if let kept { return kept }
        if let digest, let store, let stored = try await store.profile(model: model, version: version, digest: digest) {
            keep(stored, digest: digest, counting: \.loads)
            return stored
        }
        guard let dataset = try await source.referenceDataset(model: model, version: version) else { return nil }
        let built = try ReferenceProfile(model: model, version: version, columns: dataset.columns, rows: dataset.rows, builtAt: now)
        if let digest, let store {
            try await store.save(built, digest: digest)
        }
        keep(built, digest: digest, counting: \.builds)
        return built
    }

    /// Keeps a profile built elsewhere, in memory only.
    public func keep(_ profile: ReferenceProfile) {
        keep(profile, digest: nil, counting: nil)
    }

    private func keep(_ profile: ReferenceProfile, digest: String?, counting counter: WritableKeyPath<State, Int>?) {
        let key = Key(model: profile.model, version: profile.version)
        let bytes = profile.estimatedBytes
        state.withLock { state in
            if let counter { state[keyPath: counter] += 1 }
            state.tick += 1
            state.entries[key] = Entry(profile: profile, digest: digest, bytes: bytes, lastUse: state.tick)
            var total = state.entries.values.reduce(0) { $0 + $1.bytes }
            while total > memoryBudget, state.entries.count > 1,
                let oldest = state.entries.filter({ $0.key != key }).min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                total -= oldest.value.bytes
                state.entries[oldest.key] = nil
            }
        }
    }

    /// How many profiles are kept in memory.
    public var count: Int { state.withLock { $0.entries.count } }

    /// How many profiles were built from a reference dataset, and how many read back from disk.
    public var statistics: (builds: Int, loads: Int) { state.withLock { ($0.builds, $0.loads) } }
}

extension ReferenceProfile {
    /// Roughly the bytes the profile's values take in memory.
    public var estimatedBytes: Int {
        table.columns.reduce(0) { total, column in
            switch column.values {
            case .numeric(let v): total + 8 * v.count
            case .text(let v): total + 16 * v.count + v.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            case .categories(let codes, let levels): total + 4 * codes.count + levels.reduce(0) { $0 + 16 + $1.utf8.count }
            }
        }
    }
}

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
}

/// Reference profiles built once per model version and kept for every later check.
public final class ReferenceProfileCache: Sendable {
    private struct Key: Hashable {
        var model: String
        var version: String
    }

    private let source: any ReferenceDatasetSource
    private let profiles = Mutex<[Key: ReferenceProfile]>([:])

    public init(source: any ReferenceDatasetSource) { self.source = source }

    /// The kept profile, building it from the source the first time; nil when the version has no reference.
    public func profile(model: String, version: String, now: Double) async throws -> ReferenceProfile? {
        let key = Key(model: model, version: version)
        if let kept = profiles.withLock({ $0[key] }) { return kept }
        guard let dataset = try await source.referenceDataset(model: model, version: version) else { return nil }
        let built = try ReferenceProfile(model: model, version: version, columns: dataset.columns, rows: dataset.rows, builtAt: now)
        return profiles.withLock { all in
            if let raced = all[key] { return raced }
            all[key] = built
            return built
        }
    }

    /// Keeps a profile built elsewhere (at registration).
    public func keep(_ profile: ReferenceProfile) {
        profiles.withLock { $0[Key(model: profile.model, version: profile.version)] = profile }
    }

    /// How many profiles are kept.
    public var count: Int { profiles.withLock { $0.count } }
}

import Foundation
import SlipwayMonitoring
import Testing

/// A reference source whose dataset and digest the test changes (the dataset can disappear, as if the CSV
/// were deleted), counting dataset reads.
final class MovableReferences: ReferenceDatasetSource, @unchecked Sendable {
    private let lock = NSLock()
    private var datasetStorage: (columns: [String], rows: [[String?]])?
    private var digestStorage: String?
    private var readsStorage = 0

    init(_ dataset: (columns: [String], rows: [[String?]])?, digest: String?) {
        datasetStorage = dataset
        digestStorage = digest
    }

    var reads: Int { lock.withLock { readsStorage } }

    func set(_ dataset: (columns: [String], rows: [[String?]])?, digest: String?) {
        lock.withLock {
            datasetStorage = dataset
            digestStorage = digest
        }
    }

    func referenceDataset(model: String, version: String) async throws -> (columns: [String], rows: [[String?]])? {
        lock.withLock {
            readsStorage += 1
            return datasetStorage
        }
    }

    func referenceDigest(model: String, version: String) async throws -> String? { lock.withLock { digestStorage } }
}

/// Reference profiles are built once per reference dataset and kept in `drift.sqlite`: a restart reads them
/// back without reading the dataset, a changed digest builds again, every column kind survives the round
/// trip, and memory holds at most the budget.
@Suite struct ReferenceProfileStoreTests {
    /// Numbers, integers, strings with a missing value, booleans.
    static func dataset(rows: Int) -> (columns: [String], rows: [[String?]]) {
        let data = (0..<rows).map { i -> [String?] in
            ["\(Double(i) * 0.25 - 3)", "\(i % 7)", i % 11 == 0 ? nil : "level_\(i % 5)", i % 2 == 0 ? "True" : "False"]
        }
        return (["x", "n", "s", "b"], data)
    }

    /// The columns' names, dtypes and values, comparable.
    static func fingerprint(_ table: DataTable) -> [String] {
        table.columns.map { column in
            var out = "\(column.name) \(column.dtype.rawValue) "
            switch column.values {
            case .numeric(let v): out += "numeric " + v.map { String($0.bitPattern) }.joined(separator: ",")
            case .text(let v): out += "text " + v.map { $0 ?? "<nil>" }.joined(separator: ",")
            case .categories(let codes, let levels): out += "categories " + codes.map { $0 >= 0 ? levels[Int($0)] : "<nil>" }.joined(separator: ",")
            }
            return out
        }
    }

    @Test func aRestartReadsTheProfileBackAndAChangedDigestRebuildsIt() async throws {
        let path = try DriftMonitoringTests.temporaryPath()
        let references = MovableReferences(Self.dataset(rows: 300), digest: "sha-1")
        let cache = ReferenceProfileCache(source: references, store: try DriftHistoryStore(path: path))
        let built = try #require(try await cache.profile(model: "m", version: "1", now: 100))
        #expect(references.reads == 1)
        _ = try await cache.profile(model: "m", version: "1", now: 101)
        #expect(references.reads == 1)
        #expect(cache.statistics.builds == 1)

        // A restart, and the reference dataset is gone: the profile comes from drift.sqlite.
        references.set(nil, digest: "sha-1")
        let reopened = ReferenceProfileCache(source: references, store: try DriftHistoryStore(path: path))
        let loaded = try #require(try await reopened.profile(model: "m", version: "1", now: 200))
        #expect(references.reads == 1)
        #expect(reopened.statistics.builds == 0)
        #expect(reopened.statistics.loads == 1)
        #expect(loaded.builtAt == 100)
        #expect(loaded.rowCount == 300)
        #expect(Self.fingerprint(loaded.table) == Self.fingerprint(built.table))
        #expect(loaded.table.columns.map(\.dtype) == [.float64, .int64, .object, .bool])

        // Another dataset under the same version: built again, and it replaces the stored one.
        references.set(Self.dataset(rows: 50), digest: "sha-2")
        let rebuilt = try #require(try await reopened.profile(model: "m", version: "1", now: 300))
        #expect(references.reads == 2)
        #expect(rebuilt.rowCount == 50)
        let third = ReferenceProfileCache(source: references, store: try DriftHistoryStore(path: path))
        references.set(nil, digest: "sha-2")
        #expect(try await third.profile(model: "m", version: "1", now: 400)?.rowCount == 50)
        #expect(references.reads == 2)
        // The old digest is no longer stored.
        references.set(nil, digest: "sha-1")
        #expect(try await third.profile(model: "m", version: "1", now: 500) == nil)
    }

    @Test func categoriesFromTheQuickCSVPathSurviveTheRoundTrip() async throws {
        let csv = "a,c\n1.5,x\n,y\n2.5,\n-0.0,x\n"
        let table = try DataTable.parseCSV(Array(csv.utf8), source: "t.csv")
        guard case .categories = table.columns[1].values else {
            Issue.record("expected the quick CSV path's categories")
            return
        }
        let store = try DriftHistoryStore(path: try DriftMonitoringTests.temporaryPath())
        try await store.save(ReferenceProfile(model: "m", version: "2", table: table, builtAt: 7), digest: "d")
        let loaded = try #require(try await store.profile(model: "m", version: "2", digest: "d"))
        #expect(Self.fingerprint(loaded.table) == Self.fingerprint(table))
        #expect(try await store.profile(model: "m", version: "2", digest: "other") == nil)
    }

    @Test func memoryHoldsAtMostTheBudget() async throws {
        let references = MovableReferences(Self.dataset(rows: 1000), digest: "d")
        let cache = ReferenceProfileCache(
            source: references, store: try DriftHistoryStore(path: try DriftMonitoringTests.temporaryPath()), memoryBudget: 1)
        for version in 1...3 { _ = try await cache.profile(model: "m", version: String(version), now: 0) }
        #expect(cache.count == 1)
        // Dropped from memory, read back from disk: no dataset read.
        _ = try await cache.profile(model: "m", version: "1", now: 0)
        #expect(references.reads == 3)
        #expect(cache.statistics.loads == 1)
    }
}

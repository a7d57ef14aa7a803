public import Foundation

/// A data directory: metadata in `registry.sqlite` (SQLite, WAL) and artifacts under `artifacts/`.
/// Open one per process and share it; ``store`` and ``artifacts`` are thread-safe.
public struct Registry: Sendable {
    public let store: any ModelStore
    public let artifacts: ArtifactStore

    public init(store: any ModelStore, artifacts: ArtifactStore) {
        self.store = store
        self.artifacts = artifacts
    }

    /// Opens (creating when needed) the registry in `directory`; with a `sealer`, reference datasets are
    /// stored encrypted and sealed ones are read back transparently.
    public static func open(dataDirectory directory: URL, sealer: (any ArtifactSealer)? = nil) throws(RegistryError) -> Registry {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .invalidArgument("cannot create the data directory '\(directory.path)': \(error.localizedDescription)")
        }
        let artifacts = try ArtifactStore(root: directory.appendingPathComponent("artifacts"), sealer: sealer)
        let store: SQLiteModelStore
        do {
            store = try SQLiteModelStore.open(path: directory.appendingPathComponent("registry.sqlite").path)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .storage("cannot open the registry in '\(directory.path)': \(error)")
        }
        return Registry(store: store, artifacts: artifacts)
    }

    /// Checks every row against the files and every file against its name: what `slipway models verify` prints.
    public func check() throws -> ConsistencyReport {
        var report = ConsistencyReport()
        var referenced = Set<String>()
        for model in try store.models() {
            for version in try store.versions(of: model.name) {
                report.versions += 1
                var refs = [(version.artifact, "model \(version.selector)")]
                if let r = version.reference { refs.append((r.artifact, "the reference dataset of \(version.selector)")) }
                if let e = version.example { refs.append((e.artifact, "the input example of \(version.selector)")) }
                for (ref, label) in refs {
                    referenced.insert(ref.sha256)
                    report.artifactsChecked += 1
                    do {
                        try artifacts.verify(ref, label: label)
                    } catch {
                        report.problems.append(error.message)
                    }
                }
            }
        }
        for hash in try artifacts.storedHashes() {
            if let problem = artifacts.checkStoredFile(hash) { report.problems.append(problem) }
            if !referenced.contains(hash) { report.unreferenced.append(hash) }
        }
        report.temporaryFiles = artifacts.temporaryFiles()
        return report
    }
}

/// What ``Registry/check()`` found.
public struct ConsistencyReport: Codable, Sendable, Hashable {
    public var versions = 0
    public var artifactsChecked = 0
    /// Rows whose artifact is missing or corrupt, files that do not hash to their name.
    public var problems: [String] = []
    /// Complete artifacts no row names (a registration interrupted after its files were stored): harmless.
    public var unreferenced: [String] = []
    /// Files in `artifacts/tmp/` left by interrupted writes: never visible as artifacts, safe to delete.
    public var temporaryFiles: [String] = []

    public var isConsistent: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey {
        case versions
        case artifactsChecked = "artifacts_checked"
        case problems, unreferenced
        case temporaryFiles = "temporary_files"
    }

    public init() {}
}

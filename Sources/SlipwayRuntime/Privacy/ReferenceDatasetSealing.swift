import Dispatch
public import SlipwayRegistry
public import SlipwaySecurity

/// The registry's reference datasets as a ``ResealableStore``: each version's reference file that is plain
/// (registered before a data key was configured) or sealed by an older key is sealed again under the
/// current key, in place (the file keeps its name, the plaintext's hash). Model files and input examples
/// are not subject data and are left as they are.
public struct ReferenceDatasetSealing: ResealableStore {
    public let registry: Registry

    public init(registry: Registry) { self.registry = registry }

    public var name: String { "reference datasets" }

    public func resealBatch(with cipher: DataCipher, limit: Int) async throws -> Int {
        let registry = self.registry
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.reseal(registry, sealer: DataSealer(cipher: cipher), limit: limit) })
            }
        }
    }

    /// Re-encrypts up to `limit` reference files not sealed by the current key; returns how many changed.
    static func reseal(_ registry: Registry, sealer: DataSealer, limit: Int) throws -> Int {
        var changed = 0
        var seen = Set<String>()
        for model in try registry.store.models() {
            for version in try registry.store.versions(of: model.name) {
                guard changed < limit, let reference = version.reference, seen.insert(reference.artifact.sha256).inserted else { continue }
                if registry.artifacts.isSealed(reference.artifact, by: sealer.currentKeyID) { continue }
                if try registry.artifacts.reseal(reference.artifact, label: "the reference dataset of \(version.selector)", with: sealer) {
                    changed += 1
                }
            }
        }
        return changed
    }
}

public import SlipwaySecurity

/// Re-encryption of every store under a key ring's current key, a batch at a time: the pass behind the
/// server's background rotation and `slipway keys reencrypt`.
public enum DataKeyRotation {
    /// What a pass did for one store.
    public struct Outcome: Sendable, Equatable {
        public var store: String
        /// Records re-encrypted.
        public var records: Int
        /// Why the pass stopped early for this store (a record sealed by a key missing from the ring), nil when it finished.
        public var failure: String?

        public init(store: String, records: Int, failure: String?) {
            self.store = store
            self.records = records
            self.failure = failure
        }
    }

    /// Re-encrypts each store until it has nothing left under another key (or is plain), `batchSize`
    /// records per transaction, yielding between batches; stops early when the task is cancelled. A store
    /// that fails is reported and the others still run.
    public static func reseal(_ stores: [any ResealableStore], with cipher: DataCipher, batchSize: Int = 500) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for store in stores {
            var outcome = Outcome(store: store.name, records: 0, failure: nil)
            while !Task.isCancelled {
                do {
                    let changed = try await store.resealBatch(with: cipher, limit: max(1, batchSize))
                    if changed == 0 { break }
                    outcome.records += changed
                } catch {
                    outcome.failure = "\(error)"
                    break
                }
                await Task.yield()
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}

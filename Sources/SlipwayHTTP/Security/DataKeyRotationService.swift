public import Logging
public import ServiceLifecycle
public import SlipwaySecurity

/// Re-encrypts every ``ResealableStore`` under the current data key, a batch at a time, in the background:
/// after `slipway keys rotate-data-key` appends a key and the server restarts with the new ring, records
/// sealed by older keys move to the new one while the server serves. Old keys stay in the ring until this
/// has finished (the log says when).
public struct DataKeyRotationService: Service {
    let cipher: DataCipher
    let stores: [any ResealableStore]
    let batchSize: Int
    let logger: Logger

    /// - Parameters:
    ///   - cipher: the key ring; its last key is the one records move to.
    ///   - stores: the stores holding encrypted records.
    ///   - batchSize: records per batch.
    ///   - logger: where progress goes.
    public init(cipher: DataCipher, stores: [any ResealableStore], batchSize: Int = 500, logger: Logger) {
        self.cipher = cipher
        self.stores = stores
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        for store in stores {
            var total = 0
            while !Task.isCancelled {
                let changed: Int
                do {
                    changed = try await store.resealBatch(with: cipher, limit: batchSize)
                } catch {
                    logger.error("re-encryption failed", metadata: ["slipway.store": "\(store.name)", "slipway.error": "\(error)"])
                    break
                }
                if changed == 0 { break }
                total += changed
                await Task.yield()
            }
            if total > 0 {
                logger.info(
                    "re-encrypted under the current data key",
                    metadata: ["slipway.store": "\(store.name)", "slipway.records": "\(total)", "slipway.data_key": "\(cipher.currentKeyID)"])
            }
        }
        // Stay up with the server: a service returning early would stop the group.
        try? await gracefulShutdown()
    }
}

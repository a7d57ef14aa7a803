public import Foundation
public import Logging
public import ServiceLifecycle
public import SlipwayRuntime
public import SlipwaySecurity

/// Re-encrypts every ``ResealableStore`` under the current data key, a batch at a time, in the background,
/// while the server serves: once when the server starts, and again whenever the key-ring file changes
/// (`slipway keys rotate-data-key` appends a key; the running server picks it up within `checkInterval`,
/// seals new records with it and moves the stored ones to it). The log says when a pass has finished:
/// from then on the older keys may be removed from the ring.
public struct DataKeyRotationService: Service {
    let sealer: DataSealer
    let stores: [any ResealableStore]
    let keyRingFile: URL?
    let checkInterval: Duration
    let batchSize: Int
    let logger: Logger

    /// - Parameters:
    ///   - sealer: the key ring the stores seal with; replaced when the file changes.
    ///   - stores: the stores holding encrypted records.
    ///   - keyRingFile: the ring's file, re-read every `checkInterval` (nil: the ring came from the environment).
    ///   - checkInterval: how often the file is checked.
    ///   - batchSize: records per batch.
    ///   - logger: where progress goes.
    public init(
        sealer: DataSealer, stores: [any ResealableStore], keyRingFile: URL? = nil, checkInterval: Duration = .seconds(5), batchSize: Int = 500,
        logger: Logger
    ) {
        self.sealer = sealer
        self.stores = stores
        self.keyRingFile = keyRingFile
        self.checkInterval = checkInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await pass()
            guard let keyRingFile else {
                // Stay up with the server: a service returning early would stop the group.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                return
            }
            // Compared by key ids (the first check parses the file): a change made before this loop starts counts too.
            var last: Data?
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: checkInterval)
                } catch {
                    return
                }
                let now = FileManager.default.contents(atPath: keyRingFile.path)
                guard let now, now != last else { continue }
                last = now
                do {
                    let cipher = try DataCipher(keyRing: String(decoding: now, as: UTF8.self), source: keyRingFile.path)
                    guard cipher.keyIDs != sealer.cipher.keyIDs else { continue }
                    sealer.replace(with: cipher)
                    logger.notice(
                        "data key ring re-read", metadata: ["slipway.data_key": "\(cipher.currentKeyID)", "slipway.key_file": "\(keyRingFile.path)"])
                } catch {
                    logger.error("the data key ring cannot be read; keeping the previous one", metadata: ["slipway.error": "\(error)"])
                    continue
                }
                await pass()
            }
        }
    }

    /// One re-encryption pass over every store, logged.
    func pass() async {
        let cipher = sealer.cipher
        for outcome in await DataKeyRotation.reseal(stores, with: cipher, batchSize: batchSize) {
            if let failure = outcome.failure {
                logger.error(
                    "re-encryption stopped",
                    metadata: ["slipway.store": "\(outcome.store)", "slipway.records": "\(outcome.records)", "slipway.error": "\(failure)"])
            } else if outcome.records > 0 {
                logger.info(
                    "re-encrypted under the current data key; older keys are no longer needed for this store",
                    metadata: [
                        "slipway.store": "\(outcome.store)", "slipway.records": "\(outcome.records)", "slipway.data_key": "\(cipher.currentKeyID)",
                    ])
            }
        }
    }
}

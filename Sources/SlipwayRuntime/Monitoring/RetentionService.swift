import Foundation
public import Logging
public import ServiceLifecycle
public import SlipwayMonitoring

/// Deletes prediction rows (and their labels) older than each model's `retention_days`, at start-up and
/// then every `interval`.
public struct RetentionService: Service {
    let store: PredictionLogStore
    let settings: SlipwayConfiguration
    let interval: Duration
    let logger: Logger

    public init(store: PredictionLogStore, settings: SlipwayConfiguration, interval: Duration, logger: Logger) {
        self.store = store
        self.settings = settings
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await enforceOnce(now: Date().timeIntervalSince1970)
            // Graceful shutdown ends the wait (a plain sleep would hold shutdown for a whole interval).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass over every model in the log.
    public func enforceOnce(now: Double) async {
        let settings = self.settings
        do {
            let deleted = try await store.perform { store throws(PredictionLogError) in
                try store.enforce(retention: { RetentionPolicy(days: settings.settings(for: $0).monitoring.retentionDays) }, now: now)
            }
            for (model, count) in deleted.sorted(by: { $0.key < $1.key }) {
                logger.info("retention deleted old predictions", metadata: ["model": "\(model)", "rows": "\(count)"])
            }
        } catch {
            logger.error("retention pass failed", metadata: ["error": "\(error)"])
        }
    }
}

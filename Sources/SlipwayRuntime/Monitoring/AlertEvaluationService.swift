import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import SlipwayMonitoring
import Synchronization

/// The alert rules and their live state, shared by the evaluation service and `GET /api/v1/alerts`.
public final class AlertCenter: Sendable {
    public let rules: [AlertRule]
    private let machine = Mutex(AlertStateMachine())

    public init(rules: [AlertRule]) { self.rules = rules }

    /// Advances one alert; returns the event to notify and record.
    public func evaluate(rule: AlertRule, model: String, value: Double?, now: Double) -> AlertEvent? {
        machine.withLock { $0.evaluate(rule: rule, model: model, value: value, now: now) }
    }

    /// Alerts firing now.
    public var firing: [(rule: String, model: String, since: Double, value: Double?)] { machine.withLock { $0.firing } }

    /// Alerts whose condition holds, not yet for `for`.
    public var pending: [(rule: String, model: String, since: Double)] { machine.withLock { $0.pending } }
}

/// Evaluates the alert rules every `interval`, records state changes in the history and notifies their
/// channels; also refreshes the gauges that are sampled rather than counted (in-flight requests, queue
/// depth, live quality, firing alerts).
public struct AlertEvaluationService: Service {
    let system: MonitoringSystem
    let interval: Duration
    let notifier: AlertNotifier
    let logger: Logger

    public init(system: MonitoringSystem, interval: Duration, notifier: AlertNotifier, logger: Logger) {
        self.system = system
        self.interval = interval
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        var lastQuality = 0.0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date().timeIntervalSince1970
            await evaluateOnce(now: now)
            if now - lastQuality >= system.configuration.monitoring.qualityInterval {
                lastQuality = now
                await system.refreshQualityGauges()
            }
            // Graceful shutdown ends the wait (a plain sleep would hold shutdown for a whole interval).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One evaluation of every rule; returns the events it produced.
    @discardableResult
    public func evaluateOnce(now: Double) async -> [AlertEvent] {
        var events: [(AlertEvent, [AlertChannel])] = []
        let known = await system.knownModels()
        system.refreshServingGauges(models: known)
        for rule in system.alerts.rules {
            for model in rule.model.map({ [$0] }) ?? known {
                let value = await system.value(of: rule.metric, model: model, window: rule.window, now: now)
                if let event = system.alerts.evaluate(rule: rule, model: model, value: value, now: now) {
                    events.append((event, rule.channels))
                }
            }
        }
        Gauge(label: MonitoringMetrics.alertsFiring).record(system.alerts.firing.count)
        for (event, _) in events {
            do {
                try await system.store.perform { store throws(PredictionLogError) in try store.append(event) }
            } catch {
                logger.error("cannot record alert event", metadata: ["error": "\(error)"])
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for (event, channels) in events where event.notified {
                group.addTask { await notifier.notify(event, channels: channels) }
            }
        }
        return events.map(\.0)
    }
}

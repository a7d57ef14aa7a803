public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import SlipwayMonitoring
public import SlipwaySecurity
import Synchronization

extension InferenceError {
    /// Translates a prediction log error: client mistakes are bad requests, unknown models or windows
    /// without labels are not found, storage problems are internal.
    public init(_ error: PredictionLogError) {
        switch error.code {
        case .badRequest: self.init(.badRequest, error.message)
        case .notFound: self.init(.notFound, error.message)
        case .corrupt: self.init(.integrity, error.message)
        case .storage: self.init(.internal, error.message)
        }
    }
}

/// Everything monitoring needs at run time, made once by `slipway serve` (and the tests): the prediction
/// log (store, queue, writer), the observer fed by every inference, the alert rules and their state, and the
/// background services (writer, retention, alert evaluation) for the application's `ServiceGroup`.
public final class MonitoringSystem: Sendable {
    public let store: PredictionLogStore
    public let queue: PredictionLogQueue
    public let configuration: SlipwayConfiguration
    public let window: ServingWindow
    public let alerts: AlertCenter
    public let observer: MonitoringObserver
    let logger: Logger

    struct ServingLoad {
        var inFlight: @Sendable (String) -> Int
        var threads: Int
    }

    private let load = Mutex<ServingLoad?>(nil)
    private let qualityListeners = Mutex<[@Sendable (QualityReport) async -> Void]>([])

    /// - Parameters:
    ///   - store: the prediction log's database.
    ///   - configuration: per-model logging, retention and quality roles; alert rules.
    ///   - redactor: per model, the PII fields dropped or replaced by a keyed hash before anything is logged.
    public init(
        store: PredictionLogStore, configuration: SlipwayConfiguration, logger: Logger,
        redactor: (@Sendable (String) -> PIIRedactor?)? = nil
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        queue = PredictionLogQueue(capacity: configuration.monitoring.queueCapacity)
        let longest = configuration.monitoring.alertRules.map(\.window).max() ?? 0
        window = ServingWindow(horizon: max(3600, longest))
        alerts = AlertCenter(rules: configuration.monitoring.alertRules)
        observer = MonitoringObserver(queue: queue, settings: configuration, window: window, logger: logger, redactor: redactor)
    }

    /// Opens `predictions.sqlite` in `dataDirectory`; with a `sealer` (a data key is configured), payloads and
    /// feedback are encrypted at rest.
    public static func open(
        dataDirectory: URL, configuration: SlipwayConfiguration, logger: Logger, redactor: (@Sendable (String) -> PIIRedactor?)? = nil,
        sealer: (any RecordSealer)? = nil
    ) throws(InferenceError) -> MonitoringSystem {
        do {
            return MonitoringSystem(
                store: try PredictionLogStore.open(dataDirectory: dataDirectory, sealer: sealer), configuration: configuration, logger: logger,
                redactor: redactor)
        } catch {
            throw InferenceError(error)
        }
    }

    /// The writer, the retention pass and the alert evaluation, for the application's `ServiceGroup` (after
    /// the inference pool, so they stop after the server has drained and the writer flushes last).
    public func services(notifier: AlertNotifier? = nil) -> [any Service] {
        let settings = configuration.monitoring
        func duration(_ seconds: Double) -> Duration { .milliseconds(Int64(max(1, seconds * 1000))) }
        return [
            PredictionLogWriter(
                queue: queue, store: store, batchSize: settings.batchSize, idleSleep: duration(settings.commitInterval),
                logger: logger),
            RetentionService(store: store, settings: configuration, interval: duration(settings.retentionInterval), logger: logger),
            AlertEvaluationService(
                system: self, interval: duration(settings.alertInterval), notifier: notifier ?? AlertNotifier(logger: logger), logger: logger),
        ]
    }

    /// Tells monitoring how to read the serving load: requests admitted per model, and inference threads.
    public func attach(inFlight: @escaping @Sendable (String) -> Int, threads: Int) {
        load.withLock { $0 = ServingLoad(inFlight: inFlight, threads: threads) }
    }

    /// Requests of `model` waiting for a thread (admitted minus the threads that could run them).
    public func queueDepth(model: String) -> Int {
        guard let load = load.withLock({ $0 }) else { return 0 }
        return max(0, load.inFlight(model) - load.threads)
    }

    /// Sets `slipway_inflight_requests{model}` and `slipway_queue_depth{model}`, plus the log queue's depth.
    public func refreshServingGauges(models: [String]) {
        if let load = load.withLock({ $0 }) {
            for model in models {
                let inFlight = load.inFlight(model)
                Gauge(label: MonitoringMetrics.inflight, dimensions: [("model", model)]).record(inFlight)
                Gauge(label: MonitoringMetrics.queueDepth, dimensions: [("model", model)]).record(max(0, inFlight - load.threads))
            }
        }
        Gauge(label: "slipway_prediction_log_queue_depth").record(queue.depth)
    }

    /// Models that served requests recently or have logged predictions.
    public func knownModels() async -> [String] {
        let logged = (try? await store.perform { store throws(PredictionLogError) in try store.models() }) ?? []
        return Array(Set(window.models).union(logged)).sorted()
    }

    /// A rule's metric for `model` over the last `window` seconds; nil when there is no data.
    public func value(of metric: AlertMetric, model: String, window seconds: Double, now: Double) async -> Double? {
        switch metric {
        case .latencyP99: return window.latencyP99(model: model, since: now - seconds)
        case .errorRate: return window.errorRate(model: model, since: now - seconds)
        case .queueDepth: return Double(queueDepth(model: model))
        case .quality(let name):
            return (try? await quality(model: model, version: nil, window: .since(now - seconds), publish: false))?.metrics[name]
        }
    }

    /// Live quality of a model version (the newest logged when nil) over `window`; publishes the gauges
    /// `slipway_model_quality{model,version,metric}` unless `publish` is false.
    public func quality(model: String, version: Int?, window: QualityWindow, publish: Bool = true) async throws(InferenceError) -> QualityReport {
        let roles = configuration.settings(for: model).monitoring.outputRoles
        do {
            let report = try await store.perform { store throws(PredictionLogError) -> QualityReport in
                var resolved = version
                if resolved == nil { resolved = try store.latestVersion(of: model) }
                guard let version = resolved else {
                    throw PredictionLogError(.notFound, "no predictions of model '\(model)' are logged")
                }
                let predictions = try store.labeledPredictions(model: model, version: version, window: window)
                var limit: Int?
                if case .last(let n) = window { limit = n }
                return try QualityEvaluator.evaluate(model: model, version: version, predictions: predictions, roles: roles, limit: limit)
            }
            if publish { MonitoringMetrics.publish(report) }
            return report
        } catch {
            throw InferenceError(error)
        }
    }

    /// Recomputes the quality gauges of every logged model's newest version over its `quality.window`, and
    /// hands each report with labelled predictions to the listeners (the retraining trigger on quality).
    public func refreshQualityGauges() async {
        let listeners = qualityListeners.withLock { $0 }
        for model in (try? await store.perform({ store throws(PredictionLogError) in try store.models() })) ?? [] {
            let last = configuration.settings(for: model).monitoring.qualityWindow
            guard let report = try? await quality(model: model, version: nil, window: .last(last)), report.labeled > 0 else { continue }
            for listener in listeners { await listener(report) }
        }
    }

    /// Calls `listener` with every quality report the periodic refresh computes (``refreshQualityGauges()``).
    public func onQualityRefreshed(_ listener: @escaping @Sendable (QualityReport) async -> Void) {
        qualityListeners.withLock { $0.append(listener) }
    }

    /// Joins posted labels to `model`'s predictions; counts unknown ids.
    public func feedback(model: String, items: [FeedbackItem]) async throws(InferenceError) -> FeedbackResult {
        let now = Date().timeIntervalSince1970
        let result: FeedbackResult
        do {
            result = try await store.perform { store throws(PredictionLogError) in try store.recordFeedback(model: model, items, receivedAt: now) }
        } catch {
            throw InferenceError(error)
        }
        Counter(label: MonitoringMetrics.feedbackAccepted, dimensions: [("model", model)]).increment(by: result.accepted)
        Counter(label: MonitoringMetrics.feedbackUnknown, dimensions: [("model", model)]).increment(by: result.unknownIDs.count)
        if !result.unknownIDs.isEmpty {
            logger.info("feedback for unknown request ids", metadata: ["model": "\(model)", "unknown": "\(result.unknownIDs.count)"])
        }
        return result
    }

    /// The alert history, newest first.
    public func alertHistory(limit: Int) async throws(InferenceError) -> [AlertEvent] {
        do {
            return try await store.perform { store throws(PredictionLogError) in try store.alertEvents(limit: limit) }
        } catch {
            throw InferenceError(error)
        }
    }
}

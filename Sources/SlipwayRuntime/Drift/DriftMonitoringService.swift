import Foundation
public import Logging
public import ServiceLifecycle
public import SlipwayMonitoring

/// Drift monitoring in the server: checks on demand (`check`) and on each model's schedule (`run`, as a
/// `Service` in the application's `ServiceGroup`), concept drift from outcomes as labels arrive
/// (`feedbackJoined`), retraining triggers, and the history and reference profiles (`drift.sqlite`).
public final class DriftMonitoringService: Service, Sendable {
    public let monitor: DriftMonitor
    public let concept: ConceptDriftMonitor
    public let triggers: RetrainingTriggers
    public let history: DriftHistoryStore?
    private let settings: @Sendable (String) -> ModelDriftSettings
    private let models: @Sendable () throws -> [String]
    private let resolveVersion: @Sendable (_ model: String, _ selector: String?) throws -> String
    private let logger: Logger
    private let tick: Duration
    private let feed: ConceptDriftFeed?

    /// - Parameters:
    ///   - references: reference datasets (the registry); profiles are built once per version and kept.
    ///   - windows: production rows (the prediction log).
    ///   - historyPath: the drift history file (`drift.sqlite`); nil keeps no history.
    ///   - settings: each model's drift settings (the configuration file).
    ///   - models: the served model names (for scheduled checks).
    ///   - resolveVersion: the version number a model serves for a selector (a number, an alias, or nil for
    ///     the version served by default).
    ///   - labelled: where posted labels are read back to feed the concept-drift detectors (the prediction
    ///     log); nil feeds none (``recordOutcome(model:version:error:)`` still does).
    ///   - profileMemory: bytes of reference profiles kept in memory at most (the least recently used are
    ///     dropped and read back from `drift.sqlite` when needed again).
    ///   - clock: seconds since 1970.
    ///   - tick: how often the schedule looks for due checks.
    public init(
        references: any ReferenceDatasetSource, windows: any ProductionWindowSource, historyPath: String?,
        settings: @escaping @Sendable (String) -> ModelDriftSettings, models: @escaping @Sendable () throws -> [String],
        resolveVersion: @escaping @Sendable (_ model: String, _ selector: String?) throws -> String, logger: Logger,
        labelled: LabelledPredictionSource? = nil, profileMemory: Int = ReferenceProfileCache.defaultMemoryBudget,
        clock: (@Sendable () -> Double)? = nil, tick: Duration = .seconds(1)
    ) throws(DriftError) {
        let clock = clock ?? { Date().timeIntervalSince1970 }
        let history = try historyPath.map { path throws(DriftError) in try DriftHistoryStore(path: path) }
        let triggers = RetrainingTriggers(settings: settings, history: history, clock: clock)
        self.history = history
        self.triggers = triggers
        self.settings = settings
        self.models = models
        self.resolveVersion = resolveVersion
        self.logger = logger
        self.tick = tick
        self.monitor = DriftMonitor(
            profiles: ReferenceProfileCache(source: references, store: history, memoryBudget: profileMemory), windows: windows, history: history,
            clock: clock,
            onCheck: { check in await triggers.checked(check) })
        let concept = ConceptDriftMonitor(
            configuration: { model in
                let s = settings(model)
                return s.conceptDetector.map { ($0, s.conceptParameters) }
            }, clock: clock,
            onDrift: { model, version, count in await triggers.conceptDrift(model: model, version: version, outcomes: count) })
        self.concept = concept
        self.feed = labelled.map { ConceptDriftFeed(source: $0, concept: concept, logger: logger) }
    }

    /// Checks `model` (the version it serves by default, or `version`: a number or an alias) over `window`
    /// (the model's configured window when nil).
    public func check(model: String, version: String? = nil, window: String? = nil) async throws -> DriftCheck {
        let s = settings(model)
        let resolved = try resolveVersion(model, version)
        let w = try ProductionWindow.parse(window ?? s.window, now: monitor.now)
        var check = try await monitor.check(model: model, version: resolved, window: w, options: s.options)
        check.concept = concept.states(model: model).first { $0.version == resolved }
        return check
    }

    /// The HTML report of a fresh check.
    public func report(model: String, version: String? = nil, window: String? = nil) async throws -> String {
        try await monitor.report(check(model: model, version: version, window: window))
    }

    /// Feeds one labelled outcome to the model's concept-drift detector (the feedback path calls this):
    /// `error` 1 = wrong, 0 = right (or a real-valued error for ADWIN, Page-Hinkley, KSWIN).
    @discardableResult
    public func recordOutcome(model: String, version: String, error: Double) async throws -> ConceptDriftUpdate? {
        try await concept.recordOutcome(model: model, version: version, error: error)
    }

    /// Builds and keeps the reference profile of a newly registered version (wired to the registry's
    /// `onRegistered` by `slipway serve`), so that its first check does not parse the dataset; a failure is
    /// logged and the profile is built at the first check instead.
    public func prepareProfile(model: String, version: String) async {
        do {
            _ = try await monitor.profiles.profile(model: model, version: version, now: monitor.now)
        } catch {
            logger.warning(
                "reference profile not built at registration", metadata: ["model": "\(model)", "version": "\(version)", "slipway.error": "\(error)"])
        }
    }

    /// Labels were joined to `model`'s predictions (the feedback route calls this after the join): the
    /// predictions of the accepted request ids are read back and fed to the model's concept-drift detector
    /// by a task of this service, off the request path. Returns at once; does nothing when the model has no
    /// detector.
    public func feedbackJoined(model: String, items: [FeedbackItem], result: FeedbackResult) {
        guard let feed, result.accepted > 0 else { return }
        // Ids of refused items stay: the same id may have been accepted in another item, and a prediction
        // without labels is not fed (nor remembered as fed).
        var seen = Set(result.unknownIDs)
        let ids = items.map(\.requestID).filter { seen.insert($0).inserted }
        feed.submit(model: model, requestIDs: ids)
    }

    /// Feedback jobs handed over and not yet fed to the detectors.
    public var pendingOutcomeJobs: Int { feed?.pendingJobs ?? 0 }

    /// The concept-drift detectors of `model`'s versions, as JSON (``ConceptDriftState/json(model:detector:_:)``).
    public func conceptDrift(model: String) -> String {
        ConceptDriftState.json(model: model, detector: concept.detector(for: model), concept.states(model: model))
    }

    /// A quality measurement (accuracy, F1, …) of a model version: may fire the retraining trigger.
    @discardableResult
    public func recordQuality(model: String, version: String, metric: String, value: Double) async -> RetrainingEvent? {
        await triggers.quality(model: model, version: version, metric: metric, value: value)
    }

    /// Recorded retraining events, newest first.
    public func events(model: String? = nil, limit: Int = 100) async throws -> [RetrainingEvent] {
        try await history?.events(model: model, limit: limit) ?? []
    }

    /// Runs scheduled checks until shutdown (each model with `drift_schedule` is checked once per period),
    /// and beside them the task that feeds posted labels to the concept-drift detectors.
    public func run() async throws {
        guard let feed else { return await runSchedule() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await feed.run() }
            await runSchedule()
            feed.stop()
        }
    }

    /// The scheduled checks, until shutdown.
    private func runSchedule() async {
        var due: [String: Double] = [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = monitor.now
            let names = (try? models()) ?? []
            for name in names {
                guard let period = settings(name).schedule else { continue }
                let next = due[name] ?? now + period
                if due[name] == nil { due[name] = next }
                guard now >= next else { continue }
                due[name] = now + period
                do {
                    let check = try await check(model: name)
                    logger.info(
                        "drift check",
                        metadata: [
                            "model": "\(name)", "version": "\(check.version)", "share": "\(check.inputs.share)",
                            "dataset_drift": "\(check.inputs.datasetDrift)",
                        ])
                } catch {
                    logger.warning("drift check failed", metadata: ["model": "\(name)", "slipway.error": "\(error)"])
                }
            }
            try? await Task.sleep(for: tick)
        }
    }
}

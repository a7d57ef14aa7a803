/// Runs drift checks for served model versions: the kept reference profile against a production window,
/// inputs and predictions; records each check in the history and the gauges, and tells `onCheck` (the
/// retraining triggers).
public final class DriftMonitor: Sendable {
    public let profiles: ReferenceProfileCache
    public let windows: any ProductionWindowSource
    public let history: DriftHistoryStore?
    public let metrics: DriftMetrics
    private let clock: @Sendable () -> Double
    private let onCheck: @Sendable (DriftCheck) async -> Void

    /// - Parameters:
    ///   - profiles: reference profiles, built once per version.
    ///   - windows: production rows (the prediction log).
    ///   - history: where checks are stored; nil keeps none.
    ///   - metrics: the gauges a check sets.
    ///   - clock: seconds since 1970.
    ///   - onCheck: called after every check (retraining triggers).
    public init(
        profiles: ReferenceProfileCache, windows: any ProductionWindowSource, history: DriftHistoryStore?,
        metrics: DriftMetrics = DriftMetrics(), clock: @escaping @Sendable () -> Double,
        onCheck: @escaping @Sendable (DriftCheck) async -> Void = { _ in }
    ) {
        self.profiles = profiles
        self.windows = windows
        self.history = history
        self.metrics = metrics
        self.clock = clock
        self.onCheck = onCheck
    }

    /// Seconds since 1970 by this monitor's clock.
    public var now: Double { clock() }

    /// Checks `model` version `version` over `window` with `options` (its columns are ignored: the features
    /// are the reference's columns that production also has).
    public func check(model: String, version: String, window: ProductionWindow, options: DriftOptions = DriftOptions())
        async throws -> DriftCheck
    {
        let time = clock()
        guard let profile = try await profiles.profile(model: model, version: version, now: time) else {
            throw DriftError(.notFound, "model '\(model)' version \(version) has no reference dataset, so its drift cannot be checked")
        }
        let rows = try await windows.rows(
            model: model, version: version, window: window, featureNames: profile.table.columns.map(\.name))
        guard rows.count > 0 else {
            throw DriftError(.notFound, "model '\(model)' version \(version) has no logged predictions in the window \(window)")
        }
        var inputOptions = options
        inputOptions.histograms = true
        let referenceNames = profile.table.columns.map(\.name)
        let outputNames = Set(rows.outputs.columns.map(\.name))
        inputOptions.columns = referenceNames.filter { rows.inputs.column(named: $0) != nil && !outputNames.contains($0) }
        guard !(inputOptions.columns ?? []).isEmpty else {
            throw DriftError(
                .invalidInput,
                "the production inputs of '\(model)' version \(version) share no column with its reference dataset (\(referenceNames.joined(separator: ", ")))"
            )
        }
        let inputs = try DatasetDrift.run(reference: profile.table, current: rows.inputs, options: inputOptions)
        var predictions: DatasetDriftReport?
        let predictionColumns = referenceNames.filter { outputNames.contains($0) }
        if !predictionColumns.isEmpty {
            var predictionOptions = options
            predictionOptions.columns = predictionColumns
            predictionOptions.test = nil
            predictions = try DatasetDrift.run(reference: profile.table, current: rows.outputs, options: predictionOptions)
        }
        let check = DriftCheck(
            model: model, version: version, time: time, window: window.description, rows: rows.count,
            referenceRows: profile.rowCount, inputs: inputs, predictions: predictions)
        try await history?.record(check)
        metrics.record(check)
        await onCheck(check)
        return check
    }

    /// The HTML report of a check, with the timeline of past checks of the same version.
    public func report(_ check: DriftCheck) async throws -> String {
        let timelines = try await history?.timelines(model: check.model, version: check.version, limit: 200) ?? [:]
        var details = [
            "model \(check.model) version \(check.version) · window \(check.window) · \(check.rows) production rows against \(check.referenceRows) reference rows",
            "checked \(UTCTime.format(check.time)) UTC",
        ]
        if let p = check.predictions {
            details.append(
                "prediction drift: \(p.datasetDrift ? "yes" : "no") (\(p.nDrifted) of \(p.nColumns) output columns drifted)")
        }
        return DriftReportHTML.render(
            check.inputs, context: DriftReportContext(title: "Drift: \(check.model) v\(check.version)", details: details, timelines: timelines))
    }
}

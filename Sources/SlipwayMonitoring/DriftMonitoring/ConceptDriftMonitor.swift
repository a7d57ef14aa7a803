import Synchronization

/// What one outcome did to a version's concept-drift detector.
public struct ConceptDriftUpdate: Sendable, Equatable {
    public var driftDetected: Bool
    public var warningDetected: Bool
    /// Outcomes seen by this version's detector.
    public var count: Int
}

/// Concept drift per model version: a River detector (config: kind and constructor parameters) fed the
/// error stream as labels arrive, through `recordOutcome` (the feedback path calls it). On drift it calls
/// `onDrift` (the retraining triggers).
public final class ConceptDriftMonitor: Sendable {
    private struct Key: Hashable {
        var model: String
        var version: String
    }

    private struct State {
        var detector: any DriftDetector
        var count: Int
    }

    private let states = Mutex<[Key: State]>([:])
    private let configuration: @Sendable (String) -> (kind: DetectorKind, parameters: [String: String])?
    private let onDrift: @Sendable (_ model: String, _ version: String, _ count: Int) async -> Void

    /// - Parameters:
    ///   - configuration: the detector of a model (nil = no concept-drift monitoring for it).
    ///   - onDrift: called when a version's detector reports drift.
    public init(
        configuration: @escaping @Sendable (String) -> (kind: DetectorKind, parameters: [String: String])?,
        onDrift: @escaping @Sendable (_ model: String, _ version: String, _ count: Int) async -> Void = { _, _, _ in }
    ) {
        self.configuration = configuration
        self.onDrift = onDrift
    }

    /// Feeds one outcome: `error` is 1 for a wrong prediction and 0 for a right one (binary detectors), or any
    /// real error for ADWIN, Page-Hinkley and KSWIN. Returns nil when the model has no detector configured.
    @discardableResult
    public func recordOutcome(model: String, version: String, error: Double) async throws(DriftError) -> ConceptDriftUpdate? {
        guard error.isFinite else { throw .invalid("the error of an outcome must be a finite number, got \(error)") }
        guard let config = configuration(model) else { return nil }
        let key = Key(model: model, version: version)
        let known = states.withLock { $0[key] != nil }
        var fresh: (any DriftDetector)?
        if !known { fresh = try config.kind.make(parameters: config.parameters) }
        let update = states.withLock { all -> ConceptDriftUpdate in
            guard var state = all[key] ?? fresh.map({ State(detector: $0, count: 0) }) else {
                return ConceptDriftUpdate(driftDetected: false, warningDetected: false, count: 0)
            }
            state.detector.update(error)
            state.count += 1
            all[key] = state
            return ConceptDriftUpdate(
                driftDetected: state.detector.driftDetected, warningDetected: state.detector.warningDetected, count: state.count)
        }
        if update.driftDetected { await onDrift(model, version, update.count) }
        return update
    }
}

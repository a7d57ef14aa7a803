import Synchronization

/// What one outcome did to a version's concept-drift detector.
public struct ConceptDriftUpdate: Sendable, Equatable {
    public var driftDetected: Bool
    public var warningDetected: Bool
    /// Outcomes seen by this version's detector.
    public var count: Int
}

/// The state of one model version's concept-drift detector (`GET /api/v1/models/NAME/drift/concept`).
public struct ConceptDriftState: Sendable, Equatable {
    public var model: String
    public var version: String
    public var detector: DetectorKind
    public var parameters: [String: String]
    /// Outcomes fed so far (the next outcome's 0-based index).
    public var outcomes: Int
    /// The detector's flags after the last outcome.
    public var driftDetected: Bool
    public var warningDetected: Bool
    /// 0-based indices (in this version's outcome stream) where drift was detected, oldest first; the last
    /// `ConceptDriftState.keptIndices` only.
    public var driftIndices: [Int]
    /// How many drifts were detected in all.
    public var drifts: Int
    /// When the last drift was detected (seconds since 1970).
    public var lastDriftTime: Double?
    /// The mean error of the outcomes fed so far.
    public var meanError: Double

    /// Drift indices kept per version.
    public static let keptIndices = 100

    /// `{"model","version","detector","parameters":{},"outcomes","mean_error","drift_detected","warning_detected",
    /// "drifts","drift_indices":[...],"last_drift_time"}`.
    public func json() -> String {
        var out = "{\"model\":\(JSONText.string(model)),\"version\":\(JSONText.string(version))"
        out += ",\"detector\":\"\(detector.rawValue)\",\"parameters\":{"
        out += parameters.keys.sorted().map { "\(JSONText.string($0)):\(JSONText.string(parameters[$0] ?? ""))" }.joined(separator: ",")
        out += "},\"outcomes\":\(outcomes),\"mean_error\":\(JSONText.number(meanError))"
        out += ",\"drift_detected\":\(driftDetected),\"warning_detected\":\(warningDetected),\"drifts\":\(drifts)"
        out += ",\"drift_indices\":[" + driftIndices.map(String.init).joined(separator: ",") + "]"
        out += ",\"last_drift_time\":" + (lastDriftTime.map(JSONText.number) ?? "null") + "}"
        return out
    }

    /// `{"model": NAME, "detector": KIND|null, "versions": [state, ...]}`.
    public static func json(model: String, detector: DetectorKind?, _ states: [ConceptDriftState]) -> String {
        "{\"model\":\(JSONText.string(model)),\"detector\":" + (detector.map { "\"\($0.rawValue)\"" } ?? "null")
            + ",\"versions\":[" + states.map { $0.json() }.joined(separator: ",") + "]}"
    }
}

/// Concept drift per model version: a River detector (config: kind and constructor parameters) fed the
/// error stream as labels arrive, through `recordOutcome` (the feedback path calls it). On drift it calls
/// `onDrift` (the retraining triggers). Detectors live in memory: a restart starts them afresh.
public final class ConceptDriftMonitor: Sendable {
    private struct Key: Hashable {
        var model: String
        var version: String
    }

    private struct State {
        var detector: any DriftDetector
        var summary: ConceptDriftState
        var errorSum = 0.0
    }

    private let states = Mutex<[Key: State]>([:])
    private let configuration: @Sendable (String) -> (kind: DetectorKind, parameters: [String: String])?
    private let onDrift: @Sendable (_ model: String, _ version: String, _ count: Int) async -> Void
    private let clock: @Sendable () -> Double

    /// - Parameters:
    ///   - configuration: the detector of a model (nil = no concept-drift monitoring for it).
    ///   - clock: seconds since 1970 (when a drift was detected).
    ///   - onDrift: called when a version's detector reports drift, with the outcomes seen so far (the drift's
    ///     0-based index is `count - 1`).
    public init(
        configuration: @escaping @Sendable (String) -> (kind: DetectorKind, parameters: [String: String])?,
        clock: @escaping @Sendable () -> Double = { 0 },
        onDrift: @escaping @Sendable (_ model: String, _ version: String, _ count: Int) async -> Void = { _, _, _ in }
    ) {
        self.configuration = configuration
        self.clock = clock
        self.onDrift = onDrift
    }

    /// The detector configured for `model`, if any.
    public func detector(for model: String) -> DetectorKind? { configuration(model)?.kind }

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
        let now = clock()
        let update = states.withLock { all -> ConceptDriftUpdate in
            let initial = fresh.map { detector in
                State(
                    detector: detector,
                    summary: ConceptDriftState(
                        model: model, version: version, detector: config.kind, parameters: config.parameters, outcomes: 0,
                        driftDetected: false, warningDetected: false, driftIndices: [], drifts: 0, lastDriftTime: nil, meanError: 0))
            }
            guard var state = all[key] ?? initial else {
                return ConceptDriftUpdate(driftDetected: false, warningDetected: false, count: 0)
            }
            state.detector.update(error)
            state.errorSum += error
            state.summary.outcomes += 1
            state.summary.meanError = state.errorSum / Double(state.summary.outcomes)
            state.summary.driftDetected = state.detector.driftDetected
            state.summary.warningDetected = state.detector.warningDetected
            if state.detector.driftDetected {
                state.summary.drifts += 1
                state.summary.driftIndices.append(state.summary.outcomes - 1)
                if state.summary.driftIndices.count > ConceptDriftState.keptIndices { state.summary.driftIndices.removeFirst() }
                state.summary.lastDriftTime = now
            }
            all[key] = state
            return ConceptDriftUpdate(
                driftDetected: state.detector.driftDetected, warningDetected: state.detector.warningDetected, count: state.summary.outcomes)
        }
        if update.driftDetected { await onDrift(model, version, update.count) }
        return update
    }

    /// The detectors of `model`'s versions that have seen outcomes, by version.
    public func states(model: String) -> [ConceptDriftState] {
        states.withLock { all in
            all.values.map(\.summary).filter { $0.model == model }.sorted {
                (Int($0.version) ?? Int.max, $0.version) < (Int($1.version) ?? Int.max, $1.version)
            }
        }
    }
}

extension DetectorKind {
    /// Whether the detector reads real-valued errors (ADWIN, Page-Hinkley, KSWIN); the others (DDM, EDDM,
    /// HDDM_A, HDDM_W, FHDDM) take 0 (right) or 1 (wrong).
    public var takesRealErrors: Bool {
        switch self {
        case .adwin, .pageHinkley, .kswin: true
        case .ddm, .eddm, .hddmA, .hddmW, .fhddm: false
        }
    }
}

import Synchronization

/// Why a retraining trigger fired.
public enum RetrainingReason: String, Sendable, Codable {
    case datasetDrift = "dataset_drift"
    case conceptDrift = "concept_drift"
    case quality
}

/// What became of a trigger.
public enum RetrainingOutcome: String, Sendable, Codable {
    /// The webhook answered 2xx or the command exited 0.
    case sent
    /// The webhook or command failed (the detail says how).
    case failed
    /// The policy matched, but the model's last trigger was within the cooldown.
    case suppressedByCooldown = "suppressed_by_cooldown"
    /// No action is configured; the event is only recorded.
    case recorded
}

/// One recorded retraining trigger (`GET /api/v1/events`, `slipway events`).
public struct RetrainingEvent: Sendable, Equatable {
    public var id: Int64?
    public var time: Double
    public var model: String
    public var version: String
    public var reason: RetrainingReason
    /// `webhook`, `command` or `none`.
    public var action: String
    public var outcome: RetrainingOutcome
    public var detail: String
    /// The JSON sent to the webhook or command.
    public var payload: String

    public init(
        id: Int64? = nil, time: Double, model: String, version: String, reason: RetrainingReason, action: String,
        outcome: RetrainingOutcome, detail: String, payload: String
    ) {
        self.id = id
        self.time = time
        self.model = model
        self.version = version
        self.reason = reason
        self.action = action
        self.outcome = outcome
        self.detail = detail
        self.payload = payload
    }

    /// `{"id","time","time_utc","model","version","reason","action","outcome","detail","payload":{...}}`.
    public func json() -> String {
        var out = "{"
        if let id { out += "\"id\":\(id)," }
        out += "\"time\":\(JSONText.number(time)),\"time_utc\":\(JSONText.string(UTCTime.format(time)))"
        out += ",\"model\":\(JSONText.string(model)),\"version\":\(JSONText.string(version))"
        out += ",\"reason\":\"\(reason.rawValue)\",\"action\":\(JSONText.string(action)),\"outcome\":\"\(outcome.rawValue)\""
        out += ",\"detail\":\(JSONText.string(detail)),\"payload\":\(payload.isEmpty ? "null" : payload)}"
        return out
    }

    /// A JSON array of events.
    public static func json(_ events: [RetrainingEvent]) -> String {
        "{\"events\":[" + events.map { $0.json() }.joined(separator: ",") + "]}"
    }
}

/// When a model should be retrained: on dataset drift, on concept drift, or on a quality metric below a
/// threshold; at most once per cooldown.
public struct RetrainingPolicy: Sendable, Equatable {
    public var onDatasetDrift: Bool
    public var onConceptDrift: Bool
    public var onQuality: Bool
    /// Fire when this quality metric falls below `qualityThreshold`.
    public var qualityMetric: String?
    public var qualityThreshold: Double?
    /// Seconds after a trigger during which further triggers of the same model are only recorded.
    public var cooldown: Double

    public init(
        onDatasetDrift: Bool = false, onConceptDrift: Bool = false, onQuality: Bool = false, qualityMetric: String? = nil,
        qualityThreshold: Double? = nil,
        cooldown: Double = 3600
    ) {
        self.onDatasetDrift = onDatasetDrift
        self.onConceptDrift = onConceptDrift
        self.onQuality = onQuality
        self.qualityMetric = qualityMetric
        self.qualityThreshold = qualityThreshold
        self.cooldown = cooldown
    }

    /// Whether any trigger is enabled.
    public var isEnabled: Bool { onDatasetDrift || onConceptDrift || onQuality }

    /// The reason a check gives to fire, if the policy wants one.
    public func reason(for check: DriftCheck) -> RetrainingReason? {
        onDatasetDrift && check.inputs.datasetDrift ? .datasetDrift : nil
    }

    /// Whether a quality value should fire.
    public func qualityFires(metric: String, value: Double) -> Bool {
        guard onQuality, let qualityThreshold, qualityMetric == nil || qualityMetric == metric else { return false }
        return value < qualityThreshold
    }
}

/// The cooldown per model: remembers when each model last fired.
public final class RetrainingCooldown: Sendable {
    private let lastFired = Mutex<[String: Double]>([:])

    public init() {}

    /// True (and remembers `now`) when `model` has not fired within `cooldown` seconds of `now`.
    public func admit(model: String, now: Double, cooldown: Double) -> Bool {
        lastFired.withLock { all in
            if let last = all[model], now - last < cooldown { return false }
            all[model] = now
            return true
        }
    }
}

/// The JSON a retraining action receives.
public enum RetrainingPayload {
    /// `{"model","version","reason","time","detail","drift":{summary}|null,"export":{...}}`; `export` says how to
    /// get the recent labelled data (`slipway logs export`).
    public static func json(
        model: String, version: String, reason: RetrainingReason, time: Double, detail: String, driftSummary: String?,
        exportCommand: String
    ) -> String {
        var out = "{\"model\":\(JSONText.string(model)),\"version\":\(JSONText.string(version)),\"reason\":\"\(reason.rawValue)\""
        out += ",\"time\":\(JSONText.number(time)),\"time_utc\":\(JSONText.string(UTCTime.format(time)))"
        out += ",\"detail\":\(JSONText.string(detail)),\"drift\":\(driftSummary ?? "null")"
        out += ",\"export\":{\"command\":\(JSONText.string(exportCommand))"
        out += ",\"description\":\"the recent labelled predictions of this model version, from the prediction log\"}}"
        return out
    }
}

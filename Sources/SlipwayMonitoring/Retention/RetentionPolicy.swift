/// How long a model's predictions are kept: `retention_days` per model; nil keeps everything.
public struct RetentionPolicy: Sendable, Hashable {
    public var days: Double?

    public init(days: Double?) { self.days = days }

    /// The arrival time before which rows are deleted, at `now` (seconds since 1970); nil to keep all.
    public func cutoff(now: Double) -> Double? { days.map { now - $0 * 86_400 } }
}

extension PredictionLogStore {
    /// Applies each model's policy once, then deletes the payload segments no row uses any more; returns the rows
    /// deleted per model.
    public func enforce(retention policy: (String) -> RetentionPolicy, now: Double) throws(PredictionLogError) -> [String: Int] {
        var deleted: [String: Int] = [:]
        for model in try models() {
            guard let cutoff = policy(model).cutoff(now: now) else { continue }
            let count = try deletePredictions(model: model, before: cutoff)
            if count > 0 { deleted[model] = count }
        }
        try reclaimPayloadSegments(now: now)
        return deleted
    }
}

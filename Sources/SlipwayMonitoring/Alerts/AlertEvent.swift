/// A state change of one alert (a rule applied to one model), as notified and kept in the history.
public struct AlertEvent: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case firing, resolved
    }

    public var rule: String
    public var model: String
    public var state: State
    public var severity: String
    public var metric: String
    /// The value that triggered the change; nil when there was no data (no requests in the window).
    public var value: Double?
    public var threshold: Double
    public var comparison: String
    /// Seconds since 1970.
    public var at: Double
    /// False when the cooldown held the notification back.
    public var notified: Bool

    public init(
        rule: String, model: String, state: State, severity: String, metric: String, value: Double?, threshold: Double,
        comparison: String, at: Double, notified: Bool
    ) {
        self.rule = rule
        self.model = model
        self.state = state
        self.severity = severity
        self.metric = metric
        self.value = value
        self.threshold = threshold
        self.comparison = comparison
        self.at = at
        self.notified = notified
    }

    /// One line for people and logs.
    public var message: String {
        let shown = value.map { String($0) } ?? "no data"
        switch state {
        case .firing: return "\(rule) firing for \(model): \(metric) = \(shown) \(comparison) \(threshold)"
        case .resolved: return "\(rule) resolved for \(model): \(metric) = \(shown)"
        }
    }
}

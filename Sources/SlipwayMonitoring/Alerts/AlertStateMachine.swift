/// The states of every alert (rule × model), advanced by evaluations. Pure: the caller supplies the time
/// and the metric values, and performs the notifications it returns.
///
/// inactive → pending when the condition holds; pending → firing once it has held for `for`; firing →
/// resolved (then inactive) when it stops holding or there is no data. A firing notification within
/// `cooldown` of the previous one for the same alert is recorded but not sent.
public struct AlertStateMachine: Sendable {
    public enum Phase: Sendable, Hashable {
        case pending(since: Double)
        case firing(since: Double)
    }

    struct Key: Hashable {
        var rule: String
        var model: String
    }

    struct Alert {
        var phase: Phase
        var value: Double?
    }

    var alerts: [Key: Alert] = [:]
    var lastNotified: [Key: Double] = [:]

    public init() {}

    /// Advances `rule` for `model` with the value measured now (nil: no data); returns the event to notify
    /// and record, if the alert changed between firing and resolved.
    public mutating func evaluate(rule: AlertRule, model: String, value: Double?, now: Double) -> AlertEvent? {
        let key = Key(rule: rule.name, model: model)
        let holds = value.map { rule.comparison.holds($0, rule.threshold) } ?? false
        func event(_ state: AlertEvent.State, notified: Bool) -> AlertEvent {
            AlertEvent(
                rule: rule.name, model: model, state: state, severity: rule.severity, metric: rule.metric.description, value: value,
                threshold: rule.threshold, comparison: rule.comparison.rawValue, at: now, notified: notified)
        }
        switch (alerts[key]?.phase, holds) {
        case (nil, false):
            return nil
        case (nil, true):
            alerts[key] = Alert(phase: .pending(since: now), value: value)
            return fireIfDue(key, rule: rule, now: now, event: event)
        case (.some(.pending), true):
            alerts[key]?.value = value
            return fireIfDue(key, rule: rule, now: now, event: event)
        case (.some(.pending), false):
            alerts[key] = nil
            return nil
        case (.some(.firing), true):
            alerts[key]?.value = value
            return nil
        case (.some(.firing), false):
            alerts[key] = nil
            return event(.resolved, notified: true)
        }
    }

    private mutating func fireIfDue(
        _ key: Key, rule: AlertRule, now: Double, event: (AlertEvent.State, Bool) -> AlertEvent
    ) -> AlertEvent? {
        guard case .pending(let since) = alerts[key]?.phase, now - since >= rule.forSeconds else { return nil }
        alerts[key]?.phase = .firing(since: now)
        let cooling = lastNotified[key].map { now - $0 < rule.cooldownSeconds } ?? false
        if !cooling { lastNotified[key] = now }
        return event(.firing, !cooling)
    }

    /// Alerts currently firing: (rule, model, since, last value).
    public var firing: [(rule: String, model: String, since: Double, value: Double?)] {
        alerts.compactMap { key, alert in
            guard case .firing(let since) = alert.phase else { return nil }
            return (key.rule, key.model, since, alert.value)
        }.sorted { ($0.rule, $0.model) < ($1.rule, $1.model) }
    }

    /// Alerts whose condition holds but not yet for long enough.
    public var pending: [(rule: String, model: String, since: Double)] {
        alerts.compactMap { key, alert in
            guard case .pending(let since) = alert.phase else { return nil }
            return (key.rule, key.model, since)
        }.sorted { ($0.rule, $0.model) < ($1.rule, $1.model) }
    }
}

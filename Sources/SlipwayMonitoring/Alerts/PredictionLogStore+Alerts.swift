import GRDB

extension PredictionLogStore {
    /// Appends an alert event to the history.
    public func append(_ event: AlertEvent) throws(PredictionLogError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO alert_event (rule, model, state, severity, metric, value, threshold, comparison, at, notified, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.rule, event.model, event.state.rawValue, event.severity, event.metric, event.value, event.threshold, event.comparison,
                    event.at,
                    event.notified ? 1 : 0, event.message,
                ])
        }
    }

    /// The alert history, newest first.
    public func alertEvents(limit: Int = 100) throws(PredictionLogError) -> [AlertEvent] {
        try read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT rule, model, state, severity, metric, value, threshold, comparison, at, notified FROM alert_event ORDER BY id DESC LIMIT ?",
                arguments: [max(0, limit)]
            ).map { row in
                AlertEvent(
                    rule: row[0], model: row[1], state: AlertEvent.State(rawValue: row[2]) ?? .resolved, severity: row[3], metric: row[4],
                    value: row[5], threshold: row[6], comparison: row[7], at: row[8], notified: (row[9] as Int) == 1)
            }
        }
    }

    /// Alerts whose latest event is `firing`: what is firing now, as the history tells it (for the CLI, which
    /// does not see the server's memory).
    public func firingAlerts() throws(PredictionLogError) -> [AlertEvent] {
        try alertEvents(limit: 10_000).reduce(into: [String: AlertEvent]()) { latest, event in
            let key = event.rule + "\u{0}" + event.model
            if latest[key] == nil { latest[key] = event }
        }.values.filter { $0.state == .firing }.sorted { ($0.rule, $0.model) < ($1.rule, $1.model) }
    }
}

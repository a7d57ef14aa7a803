public import SlipwayMonitoring

/// Server-wide monitoring: the prediction log's writer and the alert rules.
///
/// ```yaml
/// prediction_log:
///   queue_capacity: 65536      # rows held in memory before new ones are dropped (and counted)
///   batch_size: 512            # rows per transaction
///   commit_interval: 20ms      # how long the writer gathers rows before the next transaction
///   retention_interval: 1h     # how often retention_days is enforced
///   quality_interval: 30s      # how often the slipway_model_quality gauges are refreshed
/// alerts:
///   interval: 15s              # how often rules are evaluated
///   channels:
///     oncall: {webhook: "http://alerts.internal/hook", retries: 3, timeout: 5s}
///   rules:
///     - name: iris-slow
///       model: iris            # leave out for every model
///       metric: latency_p99    # error_rate | queue_depth | accuracy, f1_macro, rmse, … (quality)
///       window: 5m
///       comparison: ">"        # > >= < <=
///       threshold: 0.25
///       for: 1m
///       severity: warning
///       channels: [oncall, log]
///       cooldown: 10m
/// ```
public struct MonitoringSettings: Sendable {
    /// Rows held in memory for the prediction log's writer; past it, rows are dropped and counted.
    public var queueCapacity = 65_536
    /// Rows written per transaction at most.
    public var batchSize = 512
    /// Seconds the writer waits after a transaction that did not fill a batch, gathering rows for the next one
    /// (group commit): longer means fewer, larger transactions and more rows held in memory.
    public var commitInterval: Double = 0.02
    /// Seconds between retention passes.
    public var retentionInterval: Double = 3600
    /// Seconds between refreshes of the quality gauges.
    public var qualityInterval: Double = 30
    /// Seconds between alert evaluations.
    public var alertInterval: Double = 15
    /// The alert rules, in file order.
    public var alertRules: [AlertRule] = []

    public init() {}

    /// The top-level keys this section reads.
    public static let keys: [String] = ["prediction_log", "alerts"]

    static let logKeys = ["queue_capacity", "batch_size", "commit_interval", "retention_interval", "quality_interval"]
    static let alertKeys = ["interval", "channels", "rules"]
    static let ruleKeys = ["name", "model", "metric", "window", "comparison", "threshold", "for", "severity", "channels", "cooldown"]
    static let channelKeys = ["webhook", "log", "retries", "timeout"]

    /// Reads this section's top-level keys.
    public init(_ object: ConfigurationObject) throws(ConfigurationError) {
        self.init()
        if let node = object["prediction_log"] {
            let log = try node.object(Self.logKeys)
            if let value = log["queue_capacity"] { queueCapacity = try value.int(in: 1...100_000_000) }
            if let value = log["batch_size"] { batchSize = try value.int(in: 1...1_000_000) }
            if let value = log["commit_interval"] {
                commitInterval = try Self.positiveSeconds(value)
                guard commitInterval <= 10 else { throw value.error("must be at most 10s (rows wait in memory that long)") }
            }
            if let value = log["retention_interval"] { retentionInterval = try Self.positiveSeconds(value) }
            if let value = log["quality_interval"] { qualityInterval = try Self.positiveSeconds(value) }
        }
        if let node = object["alerts"] {
            let alerts = try node.object(Self.alertKeys)
            if let value = alerts["interval"] { alertInterval = try Self.positiveSeconds(value) }
            var channels: [String: AlertChannel] = ["log": .log]
            if let value = alerts["channels"] {
                for (name, definition) in try value.entries() { channels[name] = try Self.channel(definition) }
            }
            if let value = alerts["rules"] {
                var names = Set<String>()
                for item in try value.list() {
                    let rule = try Self.rule(item, channels: channels)
                    guard names.insert(rule.name).inserted else { throw item.error("a rule named '\(rule.name)' appears twice") }
                    alertRules.append(rule)
                }
            }
        }
    }

    static func positiveSeconds(_ node: ConfigurationNode) throws(ConfigurationError) -> Double {
        let seconds = try seconds(node)
        guard seconds > 0 else { throw node.error("must be longer than 0") }
        return seconds
    }

    static func seconds(_ node: ConfigurationNode) throws(ConfigurationError) -> Double {
        let duration = try node.duration()
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func channel(_ node: ConfigurationNode) throws(ConfigurationError) -> AlertChannel {
        let object = try node.object(channelKeys)
        if let url = object["webhook"] {
            let text = try url.string()
            guard text.hasPrefix("http://") || text.hasPrefix("https://"), text.count > "https://".count - 1 else {
                throw url.error("expected an http:// or https:// URL, got '\(text)'")
            }
            let retries = try object["retries"]?.int(in: 0...20) ?? 3
            let timeout = try object["timeout"].map(positiveSeconds) ?? 5
            return .webhook(url: text, retries: retries, timeout: timeout)
        }
        if object["log"] != nil { return .log }
        throw node.error("a channel needs 'webhook: URL' or 'log: true'")
    }

    static func rule(_ node: ConfigurationNode, channels: [String: AlertChannel]) throws(ConfigurationError) -> AlertRule {
        let object = try node.object(ruleKeys)
        let name = try object.required("name").string()
        guard !name.isEmpty else { throw node.error("a rule's name must not be empty") }
        let metricNode = try object.required("metric")
        let metricText = try metricNode.string()
        guard let metric = AlertMetric(parsing: metricText) else {
            throw metricNode.error(
                "unknown metric '\(metricText)'; expected latency_p99, error_rate, queue_depth or a quality metric (\(QualityMetricName.all.joined(separator: ", ")))"
            )
        }
        var rule = AlertRule(name: name, metric: metric, threshold: try object.required("threshold").double())
        if let value = object["model"] { rule.model = try value.string() }
        if let value = object["window"] { rule.window = try positiveSeconds(value) }
        if let value = object["comparison"] {
            rule.comparison = AlertComparison(rawValue: try value.choice(AlertComparison.allCases.map(\.rawValue))) ?? .greater
        }
        if let value = object["for"] { rule.forSeconds = try seconds(value) }
        if let value = object["severity"] { rule.severity = try value.string() }
        if let value = object["cooldown"] { rule.cooldownSeconds = try seconds(value) }
        if let value = object["channels"] {
            rule.channels = []
            let items: [ConfigurationNode] = (try? value.string()) != nil ? [value] : try value.list()
            for item in items {
                let channelName = try item.string()
                guard let channel = channels[channelName] else {
                    throw item.error(
                        "unknown channel '\(channelName)'; define it under alerts.channels (known: \(channels.keys.sorted().joined(separator: ", ")))"
                    )
                }
                rule.channels.append(channel)
            }
        }
        return rule
    }
}

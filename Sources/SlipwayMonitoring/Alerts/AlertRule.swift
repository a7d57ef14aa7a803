/// What an alert rule watches.
public enum AlertMetric: Sendable, Hashable, CustomStringConvertible {
    /// The 99th percentile of request latency over the window, in seconds.
    case latencyP99
    /// Failed requests / all requests over the window (0…1).
    case errorRate
    /// Requests queued or running for the model now.
    case queueDepth
    /// A live quality metric (`accuracy`, `f1_macro`, `rmse`, …) over the labeled predictions of the window.
    case quality(String)

    /// Parses `latency_p99`, `error_rate`, `queue_depth` or `quality.NAME` / a quality metric name.
    public init?(parsing text: String) {
        switch text {
        case "latency_p99", "p99_latency": self = .latencyP99
        case "error_rate": self = .errorRate
        case "queue_depth": self = .queueDepth
        default:
            let name = text.hasPrefix("quality.") ? String(text.dropFirst("quality.".count)) : text
            guard QualityMetricName.all.contains(name) else { return nil }
            self = .quality(name)
        }
    }

    public var description: String {
        switch self {
        case .latencyP99: "latency_p99"
        case .errorRate: "error_rate"
        case .queueDepth: "queue_depth"
        case .quality(let name): "quality.\(name)"
        }
    }
}

/// How a metric's value is compared with the threshold.
public enum AlertComparison: String, Sendable, Hashable, CaseIterable {
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="

    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .greater: value > threshold
        case .greaterOrEqual: value >= threshold
        case .less: value < threshold
        case .lessOrEqual: value <= threshold
        }
    }
}

/// Where a notification goes.
public enum AlertChannel: Sendable, Hashable {
    /// A JSON POST to `url`, retried up to `retries` times with exponential back-off, each try bounded by `timeout` seconds.
    case webhook(url: String, retries: Int, timeout: Double)
    /// A line in the server's log (warning when firing, info when resolved).
    case log
}

/// One alert rule from the configuration (`alerts.rules`).
public struct AlertRule: Sendable, Hashable {
    public var name: String
    public var metric: AlertMetric
    /// The model watched; nil for every served model, each on its own.
    public var model: String?
    /// How far back the metric looks, in seconds.
    public var window: Double
    public var comparison: AlertComparison
    public var threshold: Double
    /// Seconds the condition must hold before the alert fires (0: at once).
    public var forSeconds: Double
    /// Free text (`warning`, `critical`, `page`), passed to the channels.
    public var severity: String
    public var channels: [AlertChannel]
    /// Seconds after a firing notification during which the same alert does not notify again.
    public var cooldownSeconds: Double

    public init(
        name: String, metric: AlertMetric, model: String? = nil, window: Double = 300, comparison: AlertComparison = .greater,
        threshold: Double, forSeconds: Double = 0, severity: String = "warning", channels: [AlertChannel] = [.log],
        cooldownSeconds: Double = 0
    ) {
        self.name = name
        self.metric = metric
        self.model = model
        self.window = window
        self.comparison = comparison
        self.threshold = threshold
        self.forSeconds = forSeconds
        self.severity = severity
        self.channels = channels
        self.cooldownSeconds = cooldownSeconds
    }
}

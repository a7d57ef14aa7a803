public import Metrics

/// The Prometheus metric names Slipway records through swift-metrics (the backend is chosen by the
/// executable). Labels stay low-cardinality: model, version, status, phase, metric.
public enum MonitoringMetrics {
    public static let requests = "slipway_inference_requests_total"
    public static let duration = "slipway_inference_duration_seconds"
    public static let batchSize = "slipway_batch_size"
    public static let inflight = "slipway_inflight_requests"
    public static let queueDepth = "slipway_queue_depth"
    public static let modelLoad = "slipway_model_load_duration_seconds"
    public static let cacheHits = "slipway_cache_hits_total"
    public static let cacheMisses = "slipway_cache_misses_total"
    public static let logRows = "slipway_prediction_log_rows_total"
    public static let logDropped = "slipway_prediction_log_dropped_total"
    public static let feedbackUnknown = "slipway_feedback_unknown_ids_total"
    public static let feedbackAccepted = "slipway_feedback_labels_total"
    public static let quality = "slipway_model_quality"
    public static let alertsFiring = "slipway_alerts_firing"

    /// `# HELP` text per metric name (swift-metrics has no help text; the renderer adds it).
    public static let help: [String: String] = [
        requests: "Inference requests finished, by model, version and status (ok or the error code).",
        duration: "Inference request duration in seconds, by phase: queue (waiting for a thread), compute, total.",
        batchSize: "Rows per inference run.",
        inflight: "Requests admitted for a model: queued or running.",
        queueDepth: "Requests of a model waiting for an inference thread.",
        modelLoad: "Time to load and plan a model version, in seconds.",
        cacheHits: "Responses served from the response cache.",
        cacheMisses: "Successful responses computed (not from the response cache).",
        logRows: "Rows written to the prediction log.",
        logDropped: "Prediction log rows dropped (queue full or write failed).",
        feedbackUnknown: "Posted labels whose request id matched no logged prediction.",
        feedbackAccepted: "Posted labels joined to a logged prediction.",
        quality: "Live quality of a model version over its labeled predictions (quality.window).",
        alertsFiring: "Alerts firing now.",
        "slipway_prediction_log_queue_depth": "Prediction log rows waiting in memory for the writer.",
    ]

    /// Adds a `# HELP` line before each `# TYPE` line of Prometheus text that lacks one.
    public static func addingHelp(to text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 2048)
        var previousWasHelp = false
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let string = String(decoding: line, as: UTF8.self)
            if string.hasPrefix("# TYPE "), !previousWasHelp {
                let name = string.dropFirst("# TYPE ".count).split(separator: " ").first.map(String.init) ?? ""
                let help = Self.help[name] ?? "Slipway metric \(name)."
                out.append(contentsOf: "# HELP \(name) \(help)\n".utf8)
            }
            previousWasHelp = string.hasPrefix("# HELP ")
            out.append(contentsOf: line)
            out.append(UInt8(ascii: "\n"))
        }
        if text.last != UInt8(ascii: "\n"), !out.isEmpty { out.removeLast() }
        if text.last == UInt8(ascii: "\n"), out.count >= 2 { out.removeLast() }
        return out
    }

    /// The buckets of the batch-size histogram.
    public static let batchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

    /// Sets `slipway_model_quality{model,version,metric}` for every metric of a report.
    public static func publish(_ report: QualityReport) {
        for (metric, value) in report.metrics {
            Gauge(label: quality, dimensions: [("model", report.model), ("version", String(report.version)), ("metric", metric)])
                .record(value)
        }
    }

    /// Counts rows written to the prediction log for `model`.
    public static func rowsWritten(model: String, count: Int) {
        Counter(label: logRows, dimensions: [("model", model)]).increment(by: count)
    }

    /// Counts rows dropped (queue full or write failed) for `model`.
    public static func rowsDropped(model: String, count: Int = 1) {
        Counter(label: logDropped, dimensions: [("model", model)]).increment(by: count)
    }
}

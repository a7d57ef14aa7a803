public import SlipwayMonitoring

/// Per-model drift monitoring and retraining triggers (flat keys in `models.NAME` or `defaults`):
///
/// ```yaml
/// drift_schedule: 15m            # check on this period (absent: only on demand)
/// drift_window: 10000            # rows (10000, last:10000) or a duration back from now (24h, 7d)
/// drift_test: psi                # one test for every column it fits (default: Evidently's choice per column)
/// drift_threshold: 0.2           # one threshold for every column (default: each test's own)
/// drift_share: 0.5               # dataset drift when this share of columns drifted
/// concept_drift_detector: adwin  # a River detector fed the error stream as labels arrive
/// concept_drift_params: {delta: 0.002}
/// retrain_on: [dataset_drift, concept_drift, quality]
/// retrain_quality_metric: accuracy
/// retrain_quality_below: 0.9
/// retrain_cooldown: 6h
/// retrain_webhook: https://ci.example.com/hooks/retrain      # POST, JSON body
/// retrain_command: [/usr/local/bin/retrain, --model, iris]   # argv; the JSON on standard input
/// ```
public struct ModelDriftSettings: Sendable {
    /// Seconds between scheduled checks; nil = on demand only.
    public var schedule: Double?
    /// The default window (`?window=` overrides it).
    public var window: String = "1000"
    public var test: StatTestKind?
    public var threshold: Double?
    public var driftShare: Double = 0.5
    public var conceptDetector: DetectorKind?
    public var conceptParameters: [String: String] = [:]
    public var retraining = RetrainingPolicy()
    public var webhook: String?
    public var command: [String]?

    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = [
        "drift_schedule", "drift_window", "drift_test", "drift_threshold", "drift_share", "concept_drift_detector",
        "concept_drift_params", "retrain_on", "retrain_quality_metric", "retrain_quality_below", "retrain_cooldown",
        "retrain_webhook", "retrain_command",
    ]

    /// The options of a check.
    public var options: DriftOptions { DriftOptions(test: test, threshold: threshold, driftShare: driftShare) }

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ModelDriftSettings) throws(ConfigurationError) {
        self = base
        if let node = object["drift_schedule"] {
            let d = try node.duration()
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            guard seconds >= 1 else { throw node.error("the drift schedule must be at least 1s") }
            schedule = seconds
        }
        if let node = object["drift_window"] {
            let text = try node.string()
            do {
                _ = try ProductionWindow.parse(text, now: 0)
            } catch {
                throw node.error(error.message)
            }
            window = text
        }
        if let node = object["drift_test"] {
            let name = try node.string()
            guard let kind = StatTestKind(name: name) else {
                throw node.error("unknown test '\(name)'; expected one of \(StatTestKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            test = kind
        }
        if let node = object["drift_threshold"] {
            let v = try node.double()
            guard v.isFinite else { throw node.error("expected a finite number") }
            threshold = v
        }
        if let node = object["drift_share"] {
            let v = try node.double()
            guard v > 0, v <= 1 else { throw node.error("expected a share in (0, 1], got \(v)") }
            driftShare = v
        }
        if let node = object["concept_drift_detector"] {
            let name = try node.choice(DetectorKind.allCases.map(\.rawValue))
            conceptDetector = DetectorKind(rawValue: name)
        }
        if let node = object["concept_drift_params"] {
            var params: [String: String] = [:]
            for entry in try node.entries() { params[entry.key] = try entry.value.string() }
            if let kind = conceptDetector ?? base.conceptDetector {
                do {
                    _ = try kind.make(parameters: params)
                } catch {
                    throw node.error(error.message)
                }
            }
            conceptParameters = params
        }
        if let node = object["retrain_on"] {
            var policy = retraining
            policy.onDatasetDrift = false
            policy.onConceptDrift = false
            policy.onQuality = false
            for item in try node.list() {
                switch try item.choice(["dataset_drift", "concept_drift", "quality"]) {
                case "dataset_drift": policy.onDatasetDrift = true
                case "concept_drift": policy.onConceptDrift = true
                default: policy.onQuality = true
                }
            }
            retraining = policy
        }
        if let node = object["retrain_quality_metric"] { retraining.qualityMetric = try node.string() }
        if let node = object["retrain_quality_below"] {
            let v = try node.double()
            guard v.isFinite else { throw node.error("expected a finite number") }
            retraining.qualityThreshold = v
        }
        if let node = object["retrain_cooldown"] {
            let d = try node.duration()
            retraining.cooldown = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        if let node = object["retrain_webhook"] {
            let url = try node.string()
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw node.error("expected an http:// or https:// URL, got '\(url)'")
            }
            webhook = url
        }
        if let node = object["retrain_command"] {
            let argv = try node.strings()
            guard let first = argv.first, !first.isEmpty else { throw node.error("expected a command: a list of arguments") }
            command = argv
        }
        if retraining.onQuality && retraining.qualityThreshold == nil {
            throw (object["retrain_on"] ?? object.node).error("retraining on 'quality' needs retrain_quality_below")
        }
        if webhook != nil && command != nil {
            throw (object["retrain_command"] ?? object.node).error("set retrain_webhook or retrain_command, not both")
        }
    }
}

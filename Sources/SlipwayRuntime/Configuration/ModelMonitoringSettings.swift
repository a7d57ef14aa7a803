public import SlipwayMonitoring

/// Per-model monitoring: prediction log mode, fields never stored, retention, which outputs hold labels and scores.
///
/// ```yaml
/// models:
///   iris:
///     log: sample(0.25)          # all (default) | sample(RATE) | none
///     never_log: [ssn]           # input fields never written to the prediction log
///     retention_days: 30         # prediction rows (and their labels) older than this are deleted
///     quality:                   # read from the model's outputs by default (skl2onnx conventions)
///       task: classification     # or regression
///       label_output: label
///       probabilities_output: probabilities
///       value_output: variable   # regression
///       classes: [setosa, versicolor, virginica]   # probability column order
///       window: 1000             # labeled examples behind the slipway_model_quality gauges
/// ```
public struct ModelMonitoringSettings: Sendable {
    /// Which requests are written to the prediction log.
    public var log: PredictionLogMode = .all
    /// Input names never stored.
    public var neverLog: Set<String> = []
    /// Days prediction rows are kept; nil keeps them forever (`retention_days: forever`).
    public var retentionDays: Double? = 30
    /// Output roles for live quality; unset roles are read from the outputs.
    public var outputRoles = OutputRoles()
    /// The newest labeled examples the quality gauges are computed from.
    public var qualityWindow = 1000

    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = ["log", "never_log", "retention_days", "quality"]

    static let qualityKeys = ["task", "label_output", "probabilities_output", "value_output", "classes", "window"]

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ModelMonitoringSettings) throws(ConfigurationError) {
        self = base
        if let node = object["log"] {
            let text = try node.string()
            guard let mode = PredictionLogMode(parsing: text) else {
                throw node.error("expected all, none or sample(RATE) with 0 < RATE <= 1, got '\(text)'")
            }
            log = mode
        }
        if let node = object["never_log"] { neverLog = Set(try node.strings()) }
        if let node = object["retention_days"] {
            if case .some("forever") = try? node.string() {
                retentionDays = nil
            } else {
                let days = try node.double()
                guard days > 0 else { throw node.error("must be a positive number of days (or forever), got \(days)") }
                retentionDays = days
            }
        }
        if let node = object["quality"] {
            let quality = try node.object(Self.qualityKeys)
            if let task = quality["task"] {
                outputRoles.task = OutputRoles.Task(rawValue: try task.choice(["classification", "regression"]))
            }
            if let name = quality["label_output"] { outputRoles.label = try name.string() }
            if let name = quality["probabilities_output"] { outputRoles.probabilities = try name.string() }
            if let name = quality["value_output"] { outputRoles.value = try name.string() }
            if let classes = quality["classes"] { outputRoles.classes = try classes.strings() }
            if let window = quality["window"] { qualityWindow = try window.int(in: 1...10_000_000) }
        }
    }
}

/// Per-model monitoring: prediction log mode, fields never stored, retention, which outputs hold labels and scores.
public struct ModelMonitoringSettings: Sendable {
    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = []

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ModelMonitoringSettings) throws(ConfigurationError) {
        self = base
    }
}

/// Per-model drift monitoring and retraining triggers.
public struct ModelDriftSettings: Sendable {
    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = []

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ModelDriftSettings) throws(ConfigurationError) {
        self = base
    }
}

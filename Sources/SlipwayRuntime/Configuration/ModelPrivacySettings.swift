/// Per-model privacy: PII input fields dropped or hashed before anything is logged, rate limits.
public struct ModelPrivacySettings: Sendable {
    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = []

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ModelPrivacySettings) throws(ConfigurationError) {
        self = base
    }
}

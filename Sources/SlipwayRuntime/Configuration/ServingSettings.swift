/// Per-model serving: dynamic batching, queue bound, response cache.
public struct ServingSettings: Sendable {
    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = []

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ServingSettings) throws(ConfigurationError) {
        self = base
    }
}

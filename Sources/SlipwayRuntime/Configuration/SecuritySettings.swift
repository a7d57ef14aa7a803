/// Server-wide security: authentication (keys, JWT), TLS, encryption at rest, audit, rate limits, request limits.
public struct SecuritySettings: Sendable {
    public init() {}

    /// The top-level keys this section reads.
    public static let keys: [String] = []

    /// Reads this section's top-level keys.
    public init(_ object: ConfigurationObject) throws(ConfigurationError) {
        self.init()
    }
}

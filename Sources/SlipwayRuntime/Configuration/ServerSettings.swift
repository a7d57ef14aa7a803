/// Server-wide serving settings (the command-line flags override them).
public struct ServerSettings: Sendable {
    public init() {}

    /// The top-level keys this section reads.
    public static let keys: [String] = []

    /// Reads this section's top-level keys.
    public init(_ object: ConfigurationObject) throws(ConfigurationError) {
        self.init()
    }
}

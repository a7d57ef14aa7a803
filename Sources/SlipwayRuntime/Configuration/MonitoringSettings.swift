/// Server-wide monitoring: alert rules, structured logging, the prediction log.
public struct MonitoringSettings: Sendable {
    public init() {}

    /// The top-level keys this section reads.
    public static let keys: [String] = []

    /// Reads this section's top-level keys.
    public init(_ object: ConfigurationObject) throws(ConfigurationError) {
        self.init()
    }
}

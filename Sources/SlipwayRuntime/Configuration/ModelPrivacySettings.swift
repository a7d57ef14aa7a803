public import SlipwaySecurity

/// Per-model privacy: PII input fields dropped or replaced by a keyed hash before anything is logged.
///
/// ```yaml
/// models:
///   credit:
///     pii: {email: drop, customer_id: hash}
/// ```
public struct ModelPrivacySettings: Sendable {
    /// The redaction per input field name (``PIIRedactor`` applies it).
    public var pii: [String: FieldRedaction] = [:]

    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = ["pii"]

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ModelPrivacySettings) throws(ConfigurationError) {
        self = base
        if let node = object["pii"] {
            var fields: [String: FieldRedaction] = [:]
            for (field, value) in try node.entries() {
                fields[field] = FieldRedaction(rawValue: try value.choice(FieldRedaction.allCases.map(\.rawValue)))
            }
            pii = fields
        }
    }
}

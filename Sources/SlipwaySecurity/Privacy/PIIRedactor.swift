import Crypto

/// What happens to a PII input field before anything is logged.
public enum FieldRedaction: String, Sendable, Hashable, CaseIterable, Codable {
    /// The field is not stored at all.
    case drop
    /// The field is replaced by a keyed hash (HMAC-SHA256): equal values stay joinable, the value is not readable.
    case hash
}

/// Drops or hashes PII fields (per model, from `ModelPrivacySettings`). The hash is keyed with a server
/// secret (``SecurityDatabase/privacyHashKey()``), so a guessed value cannot be checked without the secret.
public struct PIIRedactor: Sendable {
    private let key: SymmetricKey
    /// The redaction per input field name.
    public let fields: [String: FieldRedaction]

    /// - Parameters:
    ///   - key: the hash secret (at least 32 bytes).
    ///   - fields: the redaction per input field.
    public init(key: [UInt8], fields: [String: FieldRedaction]) {
        self.key = SymmetricKey(data: key)
        self.fields = fields
    }

    /// The redaction for a field; nil to keep it.
    public func redaction(for field: String) -> FieldRedaction? { fields[field] }

    /// Whether nothing is redacted.
    public var isEmpty: Bool { fields.isEmpty }

    /// The keyed hash of a value's bytes: `hmac-sha256:<hex>`.
    public func hash(_ bytes: [UInt8]) -> String {
        "hmac-sha256:" + Hex.string(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
    }

    /// The keyed hash of a text value (its UTF-8 bytes).
    public func hash(_ text: String) -> String { hash(Array(text.utf8)) }

    /// Applies the rules to named values: dropped fields are left out, hashed ones become their hash.
    public func redact(_ values: [(name: String, value: String)]) -> [(name: String, value: String)] {
        values.compactMap { item in
            switch fields[item.name] {
            case nil: item
            case .drop: nil
            case .hash: (item.name, hash(item.value))
            }
        }
    }
}

/// Who is calling: an API key, a JWT subject, or nobody in particular when authentication is off.
public struct Identity: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case apiKey = "key"
        case jwt
        /// Authentication is off (no key and no JWT configured): the caller may do everything.
        case anonymous
    }

    /// The key id, the JWT subject, or `anonymous`.
    public var id: String
    public var role: Role
    /// The models this caller may use; empty for all.
    public var models: Set<String>
    public var kind: Kind

    public init(id: String, role: Role, models: Set<String> = [], kind: Kind) {
        self.id = id
        self.role = role
        self.models = models
        self.kind = kind
    }

    /// The caller when authentication is off.
    public static let anonymous = Identity(id: "anonymous", role: .admin, kind: .anonymous)

    /// Whether the caller is limited to some models.
    public var isRestricted: Bool { !models.isEmpty }

    /// Whether the caller may use `model`.
    public func mayUse(model: String) -> Bool { models.isEmpty || models.contains(model) }
}

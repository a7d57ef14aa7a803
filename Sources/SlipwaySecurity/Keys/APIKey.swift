public import Foundation

/// A stored API key: everything but the secret, which is kept only as a salted SHA-256.
public struct APIKey: Sendable, Hashable, Codable {
    /// The key's public id (12 hex digits), also the second part of the key text.
    public var id: String
    /// What the key is for (free text).
    public var name: String
    public var role: Role
    /// The models the key may use; empty for all.
    public var models: [String]
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(id: String, name: String, role: Role, models: [String], createdAt: Date, expiresAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.models = models
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// `active`, `revoked` or `expired` at `now`.
    public func status(at now: Date = Date()) -> String {
        if revokedAt != nil { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }
}

/// A newly created key: the only time its secret text exists outside the caller.
public struct IssuedKey: Sendable, Hashable {
    public var key: APIKey
    /// The full key to send as `Authorization: Bearer <text>`: `sw_<id>_<64 hex digits>`.
    public var text: String
}

/// The text form of an API key: `sw_` + 12 hex digits of id + `_` + 64 hex digits of secret. The id makes
/// lookup a primary-key read; the secret is compared by salted hash in constant time.
public enum APIKeyText {
    /// The prefix every Slipway key starts with (tells keys from JWTs).
    public static let prefix = "sw_"

    /// Splits a key into id and secret; nil when it is not shaped like a Slipway key.
    public static func parse(_ text: String) -> (id: String, secret: String)? {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        let parts = rest.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 12, parts[1].utf8.count == 64,
            Hex.bytes(parts[0]) != nil, Hex.bytes(parts[1]) != nil
        else { return nil }
        return (String(parts[0]).lowercased(), String(parts[1]).lowercased())
    }

    static func make(id: String, secret: String) -> String { "\(prefix)\(id)_\(secret)" }

    /// SHA-256 over salt + secret.
    static func hash(salt: [UInt8], secret: String) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(salt)
        hasher.update(Array(secret.utf8))
        return hasher.finalize()
    }
}

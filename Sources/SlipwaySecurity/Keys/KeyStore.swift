public import Foundation
import GRDB

/// API keys in ``SecurityDatabase``: created (the secret shown once), listed, revoked. Every change is
/// written with its audit entry in one transaction, so a change without a record cannot happen.
public struct KeyStore: Sendable {
    let database: SecurityDatabase

    init(database: SecurityDatabase) {
        self.database = database
    }

    /// Creates a key and returns it with its secret text (never stored, never shown again).
    ///
    /// - Parameters:
    ///   - name: what the key is for.
    ///   - role: what it may do.
    ///   - models: the models it may use; empty for all.
    ///   - expiresAt: when it stops working; nil for never.
    ///   - actor: who creates it (recorded in the audit trail).
    public func create(
        name: String, role: Role, models: [String] = [], expiresAt: Date? = nil, actor: String, now: Date = Date()
    ) throws(SecurityError) -> IssuedKey {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw SecurityError(.invalidArgument, "a key needs a non-empty --name") }
        if let bad = models.first(where: { $0.isEmpty }) { throw SecurityError(.invalidArgument, "empty model name '\(bad)'") }
        if let expiresAt, expiresAt <= now {
            throw SecurityError(.invalidArgument, "the expiry \(Timestamp.string(expiresAt)) is not in the future")
        }
        let id = Hex.string(SecureRandom.bytes(6))
        let secret = Hex.string(SecureRandom.bytes(32))
        let salt = SecureRandom.bytes(16)
        let hash = APIKeyText.hash(salt: salt, secret: secret)
        let models = Array(Set(models)).sorted()
        let key = APIKey(id: id, name: name, role: role, models: models, createdAt: now, expiresAt: expiresAt)
        try database.write("create the key") { db in
            try db.execute(
                sql: "INSERT INTO api_key (id, name, role, salt, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, name, role.rawValue, Data(salt), Data(hash), Timestamp.string(now), expiresAt.map(Timestamp.string)])
            for model in models {
                try db.execute(sql: "INSERT INTO api_key_model (key_id, model) VALUES (?, ?)", arguments: [id, model])
            }
            var detail = "name=\(name)"
            if !models.isEmpty { detail += " models=\(models.joined(separator: ","))" }
            if let expiresAt { detail += " expires=\(Timestamp.string(expiresAt))" }
            try AuditLog.append(
                AuditEvent(actor: actor, action: "keys.create", detail: "key=\(id) role=\(role.rawValue) \(detail)", time: now), in: db)
        }
        return IssuedKey(key: key, text: APIKeyText.make(id: id, secret: secret))
    }

    /// Every key, oldest first.
    public func list() throws(SecurityError) -> [APIKey] {
        try database.read("list the keys") { db in try Self.fetchAll(db).map(\.key) }
    }

    /// Revokes a key; it stops working at once (a running server notices within its refresh interval).
    @discardableResult
    public func revoke(id: String, actor: String, now: Date = Date()) throws(SecurityError) -> APIKey {
        let id = id.lowercased()
        return try database.write("revoke the key") { db -> APIKey in
            guard let stored = try Self.fetchAll(db, id: id).first else { throw SecurityError(.notFound, "no key with id '\(id)'") }
            var key = stored.key
            if key.revokedAt == nil {
                try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ?", arguments: [Timestamp.string(now), id])
                key.revokedAt = now
                try AuditLog.append(AuditEvent(actor: actor, action: "keys.revoke", detail: "key=\(id)", time: now), in: db)
            }
            return key
        }
    }

    /// Everything a server needs to check keys without touching the database on a request.
    public func snapshot() async throws(SecurityError) -> KeySnapshot {
        try await database.read("read the keys") { db in KeySnapshot(keys: try Self.fetchAll(db)) }
    }

    /// The same, synchronously (start-up and the CLI).
    public func snapshotNow() throws(SecurityError) -> KeySnapshot {
        try database.read("read the keys") { db in KeySnapshot(keys: try Self.fetchAll(db)) }
    }

    static func fetchAll(_ db: Database, id: String? = nil) throws -> [StoredKey] {
        var models: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key_id, model FROM api_key_model ORDER BY model") {
            models[row["key_id"], default: []].append(row["model"])
        }
        let sql = "SELECT * FROM api_key" + (id == nil ? "" : " WHERE id = ?") + " ORDER BY created_at, id"
        var arguments = StatementArguments()
        if let id { arguments = [id] }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let id: String = row["id"]
            let roleText: String = row["role"]
            guard let role = Role(rawValue: roleText) else { throw SecurityError(.integrity, "key \(id) has an unknown role '\(roleText)'") }
            let created: String = row["created_at"]
            let key = APIKey(
                id: id, name: row["name"], role: role, models: models[id] ?? [], createdAt: Timestamp.parse(created) ?? .distantPast,
                expiresAt: (row["expires_at"] as String?).map { Timestamp.parse($0) ?? .distantPast },
                revokedAt: (row["revoked_at"] as String?).map { Timestamp.parse($0) ?? .distantPast })
            let salt: Data = row["salt"]
            let hash: Data = row["hash"]
            return StoredKey(key: key, salt: [UInt8](salt), hash: [UInt8](hash))
        }
    }
}

/// A key with its salt and hash.
struct StoredKey: Sendable, Hashable {
    var key: APIKey
    var salt: [UInt8]
    var hash: [UInt8]
}

/// The keys as of one read of the database: checks a presented key in memory.
public struct KeySnapshot: Sendable {
    let keys: [String: StoredKey]

    init(keys: [StoredKey]) {
        self.keys = Dictionary(keys.map { ($0.key.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// No keys.
    public static let empty = KeySnapshot(keys: [])

    /// Whether any key was ever created (revoked and expired ones count: revoking every key must not
    /// switch authentication off).
    public var hasKeys: Bool { !keys.isEmpty }

    /// The identity a key text stands for; `unauthenticated` for an unknown, wrong, revoked or expired key.
    public func authenticate(_ text: String, now: Date = Date()) throws(SecurityError) -> Identity {
        guard let parsed = APIKeyText.parse(text), let stored = keys[parsed.id] else {
            throw SecurityError(.unauthenticated, "unknown API key")
        }
        let id = parsed.id
        guard constantTimeEqual(APIKeyText.hash(salt: stored.salt, secret: parsed.secret), stored.hash) else {
            throw SecurityError(.unauthenticated, "unknown API key")
        }
        if stored.key.revokedAt != nil { throw SecurityError(.unauthenticated, "API key \(id) is revoked") }
        if let expiresAt = stored.key.expiresAt, expiresAt <= now { throw SecurityError(.unauthenticated, "API key \(id) has expired") }
        return Identity(id: id, role: stored.key.role, models: Set(stored.key.models), kind: .apiKey)
    }
}

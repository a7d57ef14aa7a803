public import Foundation
import GRDB
import SlipwayStorage

/// The security database, `security.sqlite` in the data directory: API keys, the audit trail and the
/// secret behind the PII hash. One `DatabasePool` (WAL) per process, shared by ``KeyStore`` and ``AuditLog``,
/// so a key change and its audit entry commit in one transaction. The CLI and a running server may use the
/// same file at once.
public struct SecurityDatabase: Sendable {
    let pool: DatabasePool
    /// The database file.
    public let url: URL

    /// The file name inside the data directory.
    public static let fileName = "security.sqlite"

    /// Opens (creating when needed) `security.sqlite` in `dataDirectory` and applies the migrations.
    public static func open(dataDirectory: URL) throws(SecurityError) -> SecurityDatabase {
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw SecurityError(.storage, "cannot create the data directory '\(dataDirectory.path)': \(error.localizedDescription)")
        }
        return try open(url: dataDirectory.appendingPathComponent(fileName))
    }

    /// Opens (creating when needed) the database at `url` and applies the migrations.
    public static func open(url: URL) throws(SecurityError) -> SecurityDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: url.path, configuration: configuration)
            try migrator.migrate(pool)
            // The audit trail appends through grouped INSERTs.
            try GroupedInsert.keepWriterJournalsInMemory(pool)
            return SecurityDatabase(pool: pool, url: url)
        } catch {
            throw SecurityError(.storage, "cannot open the security database '\(url.path)': \(error)")
        }
    }

    /// The schema. Migrations are named and never change once shipped; invariants live in the schema
    /// (roles, id lengths, the audit trail's append-only triggers).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-api-keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_key (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 12),
                        name TEXT NOT NULL CHECK (name <> ''),
                        role TEXT NOT NULL CHECK (role IN ('admin', 'deployer', 'predictor', 'viewer')),
                        salt BLOB NOT NULL CHECK (length(salt) = 16),
                        hash BLOB NOT NULL CHECK (length(hash) = 32),
                        created_at TEXT NOT NULL,
                        expires_at TEXT,
                        revoked_at TEXT
                    );
                    CREATE TABLE api_key_model (
                        key_id TEXT NOT NULL REFERENCES api_key(id) ON DELETE CASCADE,
                        model TEXT NOT NULL CHECK (model <> ''),
                        PRIMARY KEY (key_id, model)
                    );
                    """)
        }
        migrator.registerMigration("v1-audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_entry (
                        seq INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
                        time TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        role TEXT,
                        action TEXT NOT NULL,
                        method TEXT,
                        route TEXT,
                        model TEXT,
                        version TEXT,
                        request_id TEXT,
                        status INTEGER,
                        detail TEXT,
                        prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
                        hash TEXT NOT NULL CHECK (length(hash) = 64)
                    );
                    CREATE INDEX audit_entry_time ON audit_entry(time);
                    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
                        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
                        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    CREATE TABLE audit_head (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL CHECK (length(hash) = 64)
                    );
                    """)
        }
        migrator.registerMigration("v1-secrets") { db in
            try db.execute(
                sql: """
                    CREATE TABLE secret (
                        name TEXT PRIMARY KEY NOT NULL,
                        value BLOB NOT NULL CHECK (length(value) >= 32)
                    );
                    """)
        }
        return migrator
    }

    /// The API keys.
    public var keys: KeyStore { KeyStore(database: self) }

    /// The audit trail.
    public var audit: AuditLog { AuditLog(database: self) }

    /// The secret behind the PII keyed hash: created once, at random, on first use, so a value hashes
    /// the same way across restarts (which erasure by value relies on).
    public func privacyHashKey() throws(SecurityError) -> [UInt8] {
        do {
            return try pool.write { db -> [UInt8] in
                if let value = try Data.fetchOne(db, sql: "SELECT value FROM secret WHERE name = 'pii-hash'") { return [UInt8](value) }
                let value = SecureRandom.bytes(32)
                try db.execute(sql: "INSERT INTO secret (name, value) VALUES ('pii-hash', ?)", arguments: [Data(value)])
                return value
            }
        } catch {
            throw SecurityError(.storage, "cannot read the PII hash secret: \(error)")
        }
    }

    /// Runs a synchronous write transaction, mapping database errors to ``SecurityError``.
    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(SecurityError) -> T {
        do {
            return try pool.write(body)
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.storage, "cannot \(what): \(error)")
        }
    }

    /// Runs a synchronous read, mapping database errors to ``SecurityError``.
    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(SecurityError) -> T {
        do {
            return try pool.read(body)
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.storage, "cannot \(what): \(error)")
        }
    }

    /// Runs an asynchronous write transaction (off the caller's thread), mapping database errors to ``SecurityError``.
    func write<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(SecurityError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.storage, "cannot \(what): \(error)")
        }
    }

    /// Runs an asynchronous read (off the caller's thread), mapping database errors to ``SecurityError``.
    func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(SecurityError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.storage, "cannot \(what): \(error)")
        }
    }
}

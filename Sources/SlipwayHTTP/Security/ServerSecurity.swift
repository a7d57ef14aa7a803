public import Foundation
public import HummingbirdCore
public import Logging
public import ServiceLifecycle
public import SlipwayRuntime
public import SlipwaySecurity
import Synchronization

/// Everything the security middleware needs, assembled once when the server starts: the keys (kept in
/// memory and refreshed from `security.sqlite`, so a request never reads the database to authenticate), the
/// JWT verifier, the route table and access policy, the audit trail, rate limits, the data cipher, the
/// PII hash secret, and the HTTP server (TLS, header limit, idle timeout).
public final class ServerSecurity: Sendable {
    public let database: SecurityDatabase
    public let routes: RouteTable
    public let settings: SecuritySettings
    /// Whether health and `/metrics` are open without a credential.
    public let openHealth: Bool
    /// Encryption at rest, when a data key is configured: the key ring as it was when the server started.
    public let cipher: DataCipher?
    /// What the stores seal and open with (the current ring; replaced when its file changes); nil without a data key.
    public let sealer: DataSealer?
    /// The key-ring file, re-read by the rotation service (nil: the ring came from the environment, or none).
    public let keyRingFile: URL?
    /// The secret behind the PII keyed hash.
    public let privacyHashKey: [UInt8]
    /// The HTTP server to run: HTTP/1.1 with the header limit and idle timeout, over TLS when configured.
    public let httpServer: HTTPServerBuilder
    /// Whether the server speaks TLS.
    public let usesTLS: Bool
    /// The audit trail, written with group commit.
    public let audit: AuditWriter
    let jwt: JWTVerifier?
    let keys: Mutex<KeySnapshot>
    let rateLimiter = RateLimiter()
    let refreshInterval: Duration

    /// - Parameters:
    ///   - database: the security database.
    ///   - settings: the configuration's `security` section.
    ///   - host: the address the server listens on (decides the health default and the loopback rule).
    ///   - jwt: the JWT verifier, when JWT is configured.
    ///   - cipher: the data cipher, when encryption is configured.
    ///   - keyRingFile: the file `cipher` was read from, watched for rotations.
    ///   - httpServer: the HTTP server builder.
    ///   - usesTLS: whether `httpServer` speaks TLS.
    ///   - routes: the route table.
    ///   - refreshInterval: how often keys are re-read (a revoked key stops working within it).
    public init(
        database: SecurityDatabase, settings: SecuritySettings = SecuritySettings(), host: String = "127.0.0.1", jwt: JWTVerifier? = nil,
        cipher: DataCipher? = nil, keyRingFile: URL? = nil, httpServer: HTTPServerBuilder = .eventLoopHTTP1(), usesTLS: Bool = false,
        routes: RouteTable = .slipway, refreshInterval: Duration = .seconds(1)
    ) throws(SecurityError) {
        self.database = database
        self.audit = AuditWriter(log: database.audit)
        self.settings = settings
        self.routes = routes
        self.jwt = jwt
        self.cipher = cipher
        self.sealer = cipher.map { DataSealer(cipher: $0) }
        self.keyRingFile = keyRingFile
        self.httpServer = httpServer
        self.usesTLS = usesTLS
        self.refreshInterval = refreshInterval
        switch settings.health {
        case .open: openHealth = true
        case .loopback: openHealth = Self.isLoopback(host)
        case .authenticated: openHealth = false
        }
        keys = Mutex(try database.keys.snapshotNow())
        privacyHashKey = try database.privacyHashKey()
    }

    /// Opens the security database in `dataDirectory`, reads the JWT key, the TLS files and the data key, and
    /// applies the loopback rule: with no key and no JWT, the server serves on a loopback address only; on
    /// another address it refuses unless `settings.insecureNoAuth`. ``logPosture(host:logger:)`` warns (or,
    /// without authentication off loopback, logs at critical level) once the server listens.
    public static func open(settings: SecuritySettings, dataDirectory: URL, host: String, logger: Logger) async throws -> ServerSecurity {
        let database = try SecurityDatabase.open(dataDirectory: dataDirectory)
        var jwt: JWTVerifier?
        if let j = settings.jwt {
            var configuration = JWTConfiguration(algorithm: j.algorithm, key: try secret(j.key, what: "the JWT key"))
            configuration.issuer = j.issuer
            configuration.audience = j.audience
            configuration.roleClaim = j.roleClaim
            configuration.modelsClaim = j.modelsClaim
            jwt = try await JWTVerifier(configuration)
        }
        let ring = try DataKeyRing.load(settings: settings, dataDirectory: dataDirectory)
        let server = try TLSSetup.httpServer(settings: settings)
        let security = try ServerSecurity(
            database: database, settings: settings, host: host, jwt: jwt, cipher: ring?.cipher, keyRingFile: ring?.file, httpServer: server,
            usesTLS: settings.tls != nil)
        if !security.authenticationRequired, !isLoopback(host), !settings.insecureNoAuth {
            throw SecurityError(
                .invalidArgument,
                "refusing to serve on \(host) without authentication: \(noAuthAdvice), listen on 127.0.0.1, or pass --insecure-no-auth")
        }
        return security
    }

    static let noAuthAdvice = "create a key with 'slipway keys create --name NAME --role admin' or configure security.jwt"

    /// Logs how the server is protected, once it listens (so a server that fails to start says nothing but
    /// its error): authentication off on loopback is a warning, off elsewhere (`--insecure-no-auth`) is critical.
    public func logPosture(host: String, logger: Logger) {
        if !authenticationRequired {
            if Self.isLoopback(host) {
                logger.warning("authentication is off (no API key, no JWT): serving on loopback address \(host) only; \(Self.noAuthAdvice)")
            } else {
                logger.critical(
                    "INSECURE: authentication is OFF on \(host), a non-loopback address: anyone who can reach this port may use every model and change the registry (--insecure-no-auth); \(Self.noAuthAdvice)"
                )
            }
        }
        if let jwt { logger.info("JWT authentication on", metadata: ["slipway.jwt.algorithm": "\(jwt.configuration.algorithm.rawValue)"]) }
        if let cipher {
            logger.info(
                "encryption at rest on",
                metadata: ["slipway.data_key": "\(cipher.currentKeyID)", "slipway.key_file": "\(keyRingFile?.path ?? "environment")"])
        }
        if let tls = settings.tls { logger.info("TLS on", metadata: ["slipway.tls.client_ca": "\(tls.clientCA ?? "-")"]) }
    }

    static func secret(_ source: SecuritySettings.SecretSource, what: String) throws(SecurityError) -> String {
        switch source {
        case .inline(let text):
            return text
        case .environment(let name):
            guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else {
                throw SecurityError(.invalidArgument, "\(what): the environment variable \(name) is not set")
            }
            return text
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SecurityError(.notFound, "\(what): cannot read '\(path)'")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Whether `host` is a loopback address.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Whether callers must authenticate: a key exists (revoked ones count) or JWT is configured.
    public var authenticationRequired: Bool { jwt != nil || keys.withLock { $0.hasKeys } }

    /// The access policy as of now.
    public var policy: AccessPolicy { AccessPolicy(authenticationRequired: authenticationRequired, openHealth: openHealth) }

    /// The caller a bearer credential stands for: an API key (`sw_…`) or, when configured, a JWT.
    public func authenticate(_ token: String) async throws(SecurityError) -> Identity {
        if token.hasPrefix(APIKeyText.prefix) { return try keys.withLock { $0 }.authenticate(token) }
        if let jwt {
            // Off the event loop a request may be handled on: a signature check is ~0.1 ms of CPU, and the key
            // collection is an actor that would otherwise run on that loop.
            return try await withTaskExecutorPreference(globalConcurrentExecutor) { () async throws(SecurityError) -> Identity in
                try await jwt.verify(token)
            }
        }
        throw SecurityError(.unauthenticated, "unknown API key")
    }

    /// The rate limit of a caller: its key's, else its role's; nil for none.
    public func rateLimit(for identity: Identity) -> RateLimit? {
        settings.keyRateLimits[identity.id] ?? settings.roleRateLimits[identity.role]
    }

    /// Re-reads the keys.
    public func refreshKeys() async throws(SecurityError) {
        let snapshot = try await database.keys.snapshot()
        keys.withLock { $0 = snapshot }
    }

    /// The PII redactor of a model; nil when it has no PII fields (the logging path asks once per request, and a
    /// redactor holds a keyed hasher: none is made for nothing to redact).
    public func redactor(for model: String, configuration: SlipwayConfiguration) -> PIIRedactor? {
        let fields = configuration.settings(for: model).privacy.pii
        return fields.isEmpty ? nil : PIIRedactor(key: privacyHashKey, fields: fields)
    }

    /// Every model's PII redactor, made once from `configuration` (the models it names, and its defaults for the
    /// rest), for the logging path that asks per request: a lookup then copies no settings and makes no hasher. Nil
    /// when no model has PII fields (nothing to ask).
    public func redactors(configuration: SlipwayConfiguration) -> (@Sendable (String) -> PIIRedactor?)? {
        var named: [String: PIIRedactor] = [:]
        var unredacted: Set<String> = []
        for model in configuration.models.keys {
            if let redactor = redactor(for: model, configuration: configuration) { named[model] = redactor } else { unredacted.insert(model) }
        }
        let defaults = configuration.defaults.privacy.pii
        let byDefault = defaults.isEmpty ? nil : PIIRedactor(key: privacyHashKey, fields: defaults)
        guard !named.isEmpty || byDefault != nil else { return nil }
        return { [named, unredacted] model in named[model] ?? (unredacted.contains(model) ? nil : byDefault) }
    }

    /// The background re-encryption of `stores` under the current data key, when encryption is on.
    public func rotationService(stores: [any ResealableStore], checkInterval: Duration = .seconds(5), logger: Logger) -> DataKeyRotationService? {
        sealer.map { DataKeyRotationService(sealer: $0, stores: stores, keyRingFile: keyRingFile, checkInterval: checkInterval, logger: logger) }
    }

    /// The stores holding encrypted subject data: the prediction log (payloads and feedback) and the
    /// registry's reference datasets, for what the server has.
    public static func resealableStores(monitoring: MonitoringSystem?, registry: ModelRegistryService?) -> [any ResealableStore] {
        var stores: [any ResealableStore] = []
        if let monitoring { stores.append(PredictionLogPrivacy(store: monitoring.store)) }
        if let registry { stores.append(ReferenceDatasetSealing(registry: registry.registry)) }
        return stores
    }

    /// The services to run with the server: the key refresher, and the audit drain (at shutdown, after the
    /// server has finished its requests, it waits until every queued audit entry is committed).
    public var services: [any Service] { [KeyRefreshService(security: self), AuditDrainService(audit: audit)] }
}

/// Waits for graceful shutdown, then until the audit writer has committed everything queued (it gives up at
/// once when the trail cannot be written, and after `timeout` in any case).
struct AuditDrainService: Service {
    let audit: AuditWriter
    var timeout: Duration = .seconds(10)

    func run() async throws {
        try? await gracefulShutdown()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await audit.drain() }
            group.addTask { [timeout] in try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}

/// Re-reads the API keys every ``ServerSecurity/refreshInterval``, so keys created or revoked with the CLI
/// take effect in a running server.
struct KeyRefreshService: Service {
    let security: ServerSecurity

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: security.refreshInterval)
                } catch {
                    return
                }
                // A failed read keeps the previous keys; the next round tries again.
                try? await security.refreshKeys()
            }
        }
    }
}

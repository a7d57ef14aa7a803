public import SlipwaySecurity

/// Server-wide security: authentication (keys, JWT), TLS, encryption at rest, rate limits, request limits.
///
/// ```yaml
/// security:
///   jwt: {algorithm: HS256, secret_env: SLIPWAY_JWT_SECRET, issuer: "https://id.example.com", audience: slipway,
///         role_claim: role, models_claim: models}     # RS256/ES256: public_key_file: jwt.pem
///   tls: {certificate: server.pem, private_key: server.key, client_ca: clients.pem}
///   encryption: {key_file: /etc/slipway/data.key}       # or key_env: SLIPWAY_DATA_KEY
///   health: loopback                                    # open | loopback | authenticated
///   rate_limits:
///     roles: {predictor: {per_second: 200, burst: 400}}
///     keys: {3f9a1c2b7d4e: {per_second: 10}}
///   limits: {max_header_bytes: 16384, max_json_depth: 64, idle_timeout: 60s}
///   insecure_no_auth: false
/// ```
public struct SecuritySettings: Sendable {
    /// Where a secret comes from.
    public enum SecretSource: Sendable, Hashable {
        case inline(String)
        case file(String)
        case environment(String)
    }

    /// JWT checking without the key material, which is read when the server starts.
    public struct JWTSettings: Sendable, Hashable {
        public var algorithm: JWTConfiguration.Algorithm
        public var key: SecretSource
        public var issuer: String?
        public var audience: String?
        public var roleClaim = "role"
        public var modelsClaim: String?

        public init(algorithm: JWTConfiguration.Algorithm, key: SecretSource) {
            self.algorithm = algorithm
            self.key = key
        }
    }

    /// PEM files for TLS (`--tls-cert`, `--tls-key`, `--tls-client-ca` override them).
    public struct TLSFiles: Sendable, Hashable {
        public var certificate: String
        public var privateKey: String
        /// Client certificates must chain to this CA (mutual TLS); nil for no client certificates.
        public var clientCA: String?

        public init(certificate: String, privateKey: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
        }
    }

    /// Who may call health and `/metrics` without a credential.
    public enum HealthAccess: String, Sendable, Hashable, CaseIterable {
        /// Always open.
        case open
        /// Open when the server listens on a loopback address only (the default).
        case loopback
        /// Like every other route.
        case authenticated
    }

    public var jwt: JWTSettings?
    public var tls: TLSFiles?
    /// The data-key ring file for encryption at rest.
    public var encryptionKeyFile: String?
    /// The environment variable holding the data-key ring (read when no file is set).
    public var encryptionKeyEnvironment = "SLIPWAY_DATA_KEY"
    public var health = HealthAccess.loopback
    /// Token buckets per role.
    public var roleRateLimits: [Role: RateLimit] = [:]
    /// Token buckets per key id (override the role's).
    public var keyRateLimits: [String: RateLimit] = [:]
    /// The largest request header block, in bytes (larger: the connection is closed).
    public var maxHeaderBytes = 16 * 1024
    /// The deepest JSON nesting accepted in request bodies.
    public var maxJSONDepth = 64
    /// A connection with no traffic for this long is closed (slow or stalled clients).
    public var idleTimeout: Duration = .seconds(60)
    /// Serve without authentication on a non-loopback address (`--insecure-no-auth`).
    public var insecureNoAuth = false

    public init() {}

    /// The top-level keys this section reads.
    public static let keys: [String] = ["security"]

    static let sectionKeys = ["jwt", "tls", "encryption", "health", "rate_limits", "limits", "insecure_no_auth"]

    /// Reads this section's top-level keys.
    public init(_ object: ConfigurationObject) throws(ConfigurationError) {
        self.init()
        guard let node = object["security"] else { return }
        let section = try node.object(Self.sectionKeys)
        if let jwt = section["jwt"] { self.jwt = try Self.jwt(jwt) }
        if let tls = section["tls"] {
            let o = try tls.object(["certificate", "private_key", "client_ca"])
            self.tls = TLSFiles(
                certificate: try o.required("certificate").string(), privateKey: try o.required("private_key").string(),
                clientCA: try o["client_ca"]?.string())
        }
        if let encryption = section["encryption"] {
            let o = try encryption.object(["key_file", "key_env"])
            encryptionKeyFile = try o["key_file"]?.string()
            if let env = o["key_env"] { encryptionKeyEnvironment = try env.string() }
        }
        if let health = section["health"] {
            self.health = HealthAccess(rawValue: try health.choice(HealthAccess.allCases.map(\.rawValue))) ?? .loopback
        }
        if let limits = section["rate_limits"] {
            let o = try limits.object(["roles", "keys"])
            if let roles = o["roles"] {
                for (name, value) in try roles.entries() {
                    guard let role = Role(rawValue: name) else {
                        throw value.error("unknown role '\(name)'; expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    roleRateLimits[role] = try Self.rateLimit(value)
                }
            }
            if let keys = o["keys"] {
                for (id, value) in try keys.entries() { keyRateLimits[id.lowercased()] = try Self.rateLimit(value) }
            }
        }
        if let limits = section["limits"] {
            let o = try limits.object(["max_header_bytes", "max_json_depth", "idle_timeout"])
            if let v = o["max_header_bytes"] { maxHeaderBytes = try v.int(in: 1024...(1 << 20)) }
            if let v = o["max_json_depth"] { maxJSONDepth = try v.int(in: 1...1024) }
            if let v = o["idle_timeout"] {
                idleTimeout = try v.duration()
                guard idleTimeout > .zero else { throw v.error("must be more than 0") }
            }
        }
        if let v = section["insecure_no_auth"] { insecureNoAuth = try v.bool() }
    }

    static func rateLimit(_ node: ConfigurationNode) throws(ConfigurationError) -> RateLimit {
        let o = try node.object(["per_second", "burst"])
        let perSecond = try o.required("per_second").double()
        guard perSecond > 0 else { throw node.error("per_second must be more than 0") }
        let burst = try o["burst"]?.double()
        if let burst, burst < 1 { throw node.error("burst must be at least 1") }
        return RateLimit(perSecond: perSecond, burst: burst)
    }

    static func jwt(_ node: ConfigurationNode) throws(ConfigurationError) -> JWTSettings {
        let o = try node.object(
            ["algorithm", "secret", "secret_env", "secret_file", "public_key_file", "issuer", "audience", "role_claim", "models_claim"])
        let algorithmNode = try o.required("algorithm")
        let name = try algorithmNode.choice(JWTConfiguration.Algorithm.allCases.map(\.rawValue))
        let algorithm = JWTConfiguration.Algorithm(rawValue: name) ?? .hs256
        var sources: [SecretSource] = []
        if let v = o["secret"] { sources.append(.inline(try v.string())) }
        if let v = o["secret_env"] { sources.append(.environment(try v.string())) }
        if let v = o["secret_file"] { sources.append(.file(try v.string())) }
        if let v = o["public_key_file"] { sources.append(.file(try v.string())) }
        guard sources.count == 1, let key = sources.first else {
            throw node.error(
                algorithm == .hs256
                    ? "HS256 needs exactly one of secret, secret_env, secret_file"
                    : "\(name) needs exactly one of public_key_file, secret_env (a PEM in the environment)")
        }
        var settings = JWTSettings(algorithm: algorithm, key: key)
        settings.issuer = try o["issuer"]?.string()
        settings.audience = try o["audience"]?.string()
        if let v = o["role_claim"] { settings.roleClaim = try v.string() }
        settings.modelsClaim = try o["models_claim"]?.string()
        return settings
    }
}

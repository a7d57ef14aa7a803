/// How bearer JWTs are checked: the algorithm and its key, the issuer and audience they must name, and the
/// claims that hold the role and (optionally) the models the caller may use.
public struct JWTConfiguration: Sendable, Hashable {
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// HMAC-SHA256 with a shared secret.
        case hs256 = "HS256"
        /// RSA PKCS#1 v1.5 with SHA-256; the key is a PEM public key, private key or certificate.
        case rs256 = "RS256"
        /// ECDSA P-256 with SHA-256; the key is a PEM public key, private key or certificate.
        case es256 = "ES256"
    }

    public var algorithm: Algorithm
    /// The HMAC secret (HS256) or the PEM text (RS256, ES256).
    public var key: String
    /// The `iss` every token must carry; nil to accept any.
    public var issuer: String?
    /// The value `aud` must include; nil to accept any.
    public var audience: String?
    /// The claim holding the role name (a string, or a list whose first known role is taken).
    public var roleClaim: String
    /// The claim holding the models the caller may use (a list of names); nil or absent for all.
    public var modelsClaim: String?

    public init(
        algorithm: Algorithm, key: String, issuer: String? = nil, audience: String? = nil, roleClaim: String = "role",
        modelsClaim: String? = nil
    ) {
        self.algorithm = algorithm
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.roleClaim = roleClaim
        self.modelsClaim = modelsClaim
    }
}

public import Foundation
import JWTKit

/// Checks bearer JWTs (jwt-kit): the signature with the configured algorithm and key, `exp` and `nbf`, the
/// issuer and audience, and reads the role (and models) from the configured claims.
public struct JWTVerifier: Sendable {
    let keys: JWTKeyCollection
    public let configuration: JWTConfiguration

    /// Loads the key; `invalidArgument` naming the problem when it cannot be read.
    public init(_ configuration: JWTConfiguration) async throws(SecurityError) {
        self.configuration = configuration
        let keys = JWTKeyCollection()
        do {
            switch configuration.algorithm {
            case .hs256:
                guard configuration.key.utf8.count >= 32 else {
                    throw SecurityError(.invalidArgument, "the JWT HS256 secret must be at least 32 bytes long")
                }
                await keys.add(hmac: HMACKey(from: configuration.key), digestAlgorithm: .sha256)
            case .rs256:
                let pem = configuration.key
                let key: JWTKit.Insecure.RSA.PublicKey
                if let publicKey = try? JWTKit.Insecure.RSA.PublicKey(pem: pem) {
                    key = publicKey
                } else if let privateKey = try? JWTKit.Insecure.RSA.PrivateKey(pem: pem) {
                    key = privateKey.publicKey
                } else {
                    key = try JWTKit.Insecure.RSA.PublicKey(certificatePEM: pem)
                }
                await keys.add(rsa: key, digestAlgorithm: .sha256)
            case .es256:
                let pem = configuration.key
                let key: ES256PublicKey
                if let publicKey = try? ES256PublicKey(pem: pem) {
                    key = publicKey
                } else if let privateKey = try? ES256PrivateKey(pem: pem) {
                    key = privateKey.publicKey
                } else {
                    key = try ES256PublicKey(certificate: pem)
                }
                await keys.add(ecdsa: key)
            }
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.invalidArgument, "cannot read the JWT \(configuration.algorithm.rawValue) key: \(error)")
        }
        self.keys = keys
    }

    /// The caller a token stands for; `unauthenticated` for a bad signature, an expired or not-yet-valid
    /// token, or the wrong issuer or audience; `forbidden` for a valid token without a known role.
    public func verify(_ token: String, now: Date = Date()) async throws(SecurityError) -> Identity {
        let claims: ClaimSet
        do {
            claims = try await keys.verify(token, as: ClaimSet.self)
        } catch {
            throw SecurityError(.unauthenticated, "invalid token: the signature or format does not verify")
        }
        let values = claims.claims
        let seconds = now.timeIntervalSince1970
        if case .number(let exp)? = values["exp"], seconds >= exp { throw SecurityError(.unauthenticated, "the token has expired") }
        if case .number(let nbf)? = values["nbf"], seconds < nbf { throw SecurityError(.unauthenticated, "the token is not valid yet") }
        if let issuer = configuration.issuer {
            guard case .string(let iss)? = values["iss"], iss == issuer else {
                throw SecurityError(.unauthenticated, "the token's issuer is not '\(issuer)'")
            }
        }
        if let audience = configuration.audience {
            guard let aud = values["aud"]?.strings, aud.contains(audience) else {
                throw SecurityError(.unauthenticated, "the token's audience does not include '\(audience)'")
            }
        }
        let subject: String
        if case .string(let sub)? = values["sub"] { subject = sub } else { subject = "jwt" }
        guard let names = values[configuration.roleClaim]?.strings, let role = names.lazy.compactMap(Role.init(rawValue:)).first else {
            throw SecurityError(.forbidden, "the token has no known role in claim '\(configuration.roleClaim)'")
        }
        var models: Set<String> = []
        if let claim = configuration.modelsClaim, let value = values[claim] {
            guard let list = value.strings, !list.isEmpty else {
                throw SecurityError(.forbidden, "the token's '\(claim)' claim is not a non-empty list of model names")
            }
            models = Set(list)
        }
        return Identity(id: "jwt:" + subject, role: role, models: models, kind: .jwt)
    }
}

/// Signs tokens with the same algorithms: for tests and for operators who mint tokens for a deployment
/// (`ClaimSet` with `sub`, `exp`, the role claim …).
public struct JWTIssuer: Sendable {
    let keys: JWTKeyCollection

    /// - Parameters:
    ///   - algorithm: HS256, RS256 or ES256.
    ///   - signingKey: the HMAC secret, or the PEM private key.
    public init(algorithm: JWTConfiguration.Algorithm, signingKey: String) async throws(SecurityError) {
        let keys = JWTKeyCollection()
        do {
            switch algorithm {
            case .hs256: await keys.add(hmac: HMACKey(from: signingKey), digestAlgorithm: .sha256)
            case .rs256: await keys.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(pem: signingKey), digestAlgorithm: .sha256)
            case .es256: await keys.add(ecdsa: try ES256PrivateKey(pem: signingKey))
            }
        } catch {
            throw SecurityError(.invalidArgument, "cannot read the \(algorithm.rawValue) signing key: \(error)")
        }
        self.keys = keys
    }

    /// A fresh P-256 private key in PEM, for ES256.
    public static func newES256PrivateKeyPEM() -> String { ES256PrivateKey().pemRepresentation }

    /// The signed token.
    public func sign(_ claims: [String: ClaimValue]) async throws(SecurityError) -> String {
        do {
            return try await keys.sign(ClaimSet(claims))
        } catch {
            throw SecurityError(.invalidArgument, "cannot sign the token: \(error)")
        }
    }
}

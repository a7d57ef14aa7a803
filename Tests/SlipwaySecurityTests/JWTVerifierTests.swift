import Foundation
import SlipwaySecurity
import Testing

@Suite struct JWTVerifierTests {
    static let secret = "a-shared-secret-of-at-least-32-bytes!!"

    static func claims(role: ClaimValue = .string("predictor"), exp: TimeInterval = 3600, extra: [String: ClaimValue] = [:]) -> [String: ClaimValue] {
        var claims: [String: ClaimValue] = [
            "sub": .string("alice"), "iss": .string("https://id.example.com"), "aud": .strings(["slipway", "other"]),
            "exp": .number(Date().timeIntervalSince1970 + exp), "role": role,
        ]
        for (k, v) in extra { claims[k] = v }
        return claims
    }

    static func configuration(_ algorithm: JWTConfiguration.Algorithm, key: String) -> JWTConfiguration {
        JWTConfiguration(algorithm: algorithm, key: key, issuer: "https://id.example.com", audience: "slipway", modelsClaim: "models")
    }

    @Test func hs256TokenGivesTheRoleAndModels() async throws {
        let verifier = try await JWTVerifier(Self.configuration(.hs256, key: Self.secret))
        let issuer = try await JWTIssuer(algorithm: .hs256, signingKey: Self.secret)
        let token = try await issuer.sign(Self.claims(extra: ["models": .strings(["iris"])]))
        let identity = try await verifier.verify(token)
        #expect(identity == Identity(id: "jwt:alice", role: .predictor, models: ["iris"], kind: .jwt))
    }

    @Test func es256TokenVerifiesWithThePublicKeyOnly() async throws {
        let privatePEM = JWTIssuer.newES256PrivateKeyPEM()
        let issuer = try await JWTIssuer(algorithm: .es256, signingKey: privatePEM)
        let verifier = try await JWTVerifier(Self.configuration(.es256, key: privatePEM))
        #expect(try await verifier.verify(try await issuer.sign(Self.claims(role: .strings(["nobody", "viewer"])))).role == .viewer)
        // Another key's signature fails.
        let stranger = try await JWTIssuer(algorithm: .es256, signingKey: JWTIssuer.newES256PrivateKeyPEM())
        await #expect(throws: SecurityError.self) { try await verifier.verify(try await stranger.sign(Self.claims())) }
    }

    @Test func rs256TokenVerifies() async throws {
        guard let openssl = SecurityTestSupport.tool("openssl") else {
            print("skipped: openssl is not installed, RS256 was not tested")
            return
        }
        let dir = try SecurityTestSupport.temporaryDirectory()
        let keyFile = dir.appendingPathComponent("rsa.pem").path
        let publicFile = dir.appendingPathComponent("rsa.pub.pem").path
        #expect(
            try SecurityTestSupport.run(openssl, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyFile]).status == 0)
        #expect(try SecurityTestSupport.run(openssl, ["pkey", "-in", keyFile, "-pubout", "-out", publicFile]).status == 0)
        let privatePEM = try String(contentsOfFile: keyFile, encoding: .utf8)
        let publicPEM = try String(contentsOfFile: publicFile, encoding: .utf8)
        let issuer = try await JWTIssuer(algorithm: .rs256, signingKey: privatePEM)
        let verifier = try await JWTVerifier(Self.configuration(.rs256, key: publicPEM))
        #expect(try await verifier.verify(try await issuer.sign(Self.claims(role: .string("admin")))).role == .admin)
    }

    @Test func expiredWrongIssuerWrongAudienceAndNoRoleAreRefused() async throws {
        let verifier = try await JWTVerifier(Self.configuration(.hs256, key: Self.secret))
        let issuer = try await JWTIssuer(algorithm: .hs256, signingKey: Self.secret)
        let cases: [([String: ClaimValue], SecurityError.Code)] = [
            (Self.claims(exp: -10), .unauthenticated),
            (Self.claims(extra: ["iss": .string("https://evil.example.com")]), .unauthenticated),
            (Self.claims(extra: ["aud": .string("someone-else")]), .unauthenticated),
            (Self.claims(extra: ["nbf": .number(Date().timeIntervalSince1970 + 600)]), .unauthenticated),
            (Self.claims(role: .string("root")), .forbidden),
            (Self.claims(extra: ["models": .number(3)]), .forbidden),
        ]
        for (claims, code) in cases {
            do {
                _ = try await verifier.verify(try await issuer.sign(claims))
                Issue.record("accepted \(claims)")
            } catch {
                #expect(error.code == code, "\(error.message)")
            }
        }
        let other = try await JWTIssuer(algorithm: .hs256, signingKey: "another-secret-of-at-least-32-bytes!!!")
        await #expect(throws: SecurityError.self) { try await verifier.verify(try await other.sign(Self.claims())) }
        await #expect(throws: SecurityError.self) { try await verifier.verify("not.a.jwt") }
    }

    @Test func shortHMACSecretsAndBadPEMsAreRefused() async {
        await #expect(throws: SecurityError.self) { try await JWTVerifier(JWTConfiguration(algorithm: .hs256, key: "short")) }
        await #expect(throws: SecurityError.self) { try await JWTVerifier(JWTConfiguration(algorithm: .es256, key: "-----BEGIN nothing")) }
        await #expect(throws: SecurityError.self) { try await JWTVerifier(JWTConfiguration(algorithm: .rs256, key: "garbage")) }
    }
}

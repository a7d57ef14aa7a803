import Foundation
import Logging
import SlipwayHTTP
import SlipwayRuntime
import SlipwaySecurity
import Testing

@Suite struct SecuritySettingsTests {
    @Test func readsEverySecurityKey() throws {
        let yaml = """
            security:
              jwt: {algorithm: ES256, public_key_file: /etc/jwt.pem, issuer: "https://id", audience: slipway, role_claim: slipway_role, models_claim: models}
              tls: {certificate: s.pem, private_key: s.key, client_ca: ca.pem}
              encryption: {key_file: /etc/data.key}
              health: authenticated
              rate_limits:
                roles: {predictor: {per_second: 200, burst: 400}}
                keys: {ABCDEF123456: {per_second: 5}}
              limits: {max_header_bytes: 8192, max_json_depth: 32, idle_timeout: 15s}
              insecure_no_auth: true
            models:
              credit:
                pii: {email: drop, customer_id: hash}
            """
        let configuration = try SlipwayConfiguration(yaml: yaml)
        let s = configuration.security
        #expect(s.jwt?.algorithm == .es256)
        #expect(s.jwt?.key == .file("/etc/jwt.pem"))
        #expect(s.jwt?.roleClaim == "slipway_role")
        #expect(s.jwt?.modelsClaim == "models")
        #expect(s.tls == .init(certificate: "s.pem", privateKey: "s.key", clientCA: "ca.pem"))
        #expect(s.encryptionKeyFile == "/etc/data.key")
        #expect(s.health == .authenticated)
        #expect(s.roleRateLimits[.predictor] == RateLimit(perSecond: 200, burst: 400))
        #expect(s.keyRateLimits["abcdef123456"] == RateLimit(perSecond: 5))
        #expect(s.maxHeaderBytes == 8192)
        #expect(s.maxJSONDepth == 32)
        #expect(s.idleTimeout == .seconds(15))
        #expect(s.insecureNoAuth)
        #expect(configuration.settings(for: "credit").privacy.pii == ["email": .drop, "customer_id": .hash])
        #expect(configuration.settings(for: "other").privacy.pii.isEmpty)
    }

    /// The logging path's redactors are made once and answer as ``ServerSecurity/redactor(for:configuration:)``
    /// does: a model's own PII fields, the defaults' for what it leaves out or for a model not named; no PII
    /// anywhere: nothing to ask.
    @Test func redactorsFollowEachModelsSettingsAndTheDefaults() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-redactors-\(UUID().uuidString)")
        let security = try await ServerSecurity.open(
            settings: SecuritySettings(), dataDirectory: dir, host: "127.0.0.1", logger: Logger(label: "test"))
        let withDefaults = try SlipwayConfiguration(
            yaml: """
                defaults: {pii: {ssn: drop}}
                models:
                  credit: {pii: {email: drop, customer_id: hash}}
                  plain: {log: all}
                """)
        let redactors = try #require(security.redactors(configuration: withDefaults))
        #expect(redactors("credit")?.fields == ["email": .drop, "customer_id": .hash])
        #expect(redactors("plain")?.fields == ["ssn": .drop])
        #expect(redactors("unnamed")?.fields == ["ssn": .drop])
        let withoutDefaults = try SlipwayConfiguration(yaml: "models: {credit: {pii: {email: hash}}, plain: {log: all}}")
        let named = try #require(security.redactors(configuration: withoutDefaults))
        #expect(named("credit")?.fields == ["email": .hash])
        #expect(named("plain") == nil && named("unnamed") == nil)
        for (configuration, redactors) in [(withDefaults, redactors), (withoutDefaults, named)] {
            for model in ["credit", "plain", "unnamed"] {
                let made = security.redactor(for: model, configuration: configuration)
                #expect(redactors(model)?.fields == made?.fields, "\(model)")
                // The same hash key too: equal values hash alike however the redactor was made.
                #expect(redactors(model)?.hash("someone@example.com") == made?.hash("someone@example.com"), "\(model)")
            }
        }
        #expect(security.redactors(configuration: try SlipwayConfiguration(yaml: "models: {plain: {log: all}}")) == nil)
    }

    @Test(arguments: [
        ("security: {jwt: {algorithm: HS512, secret: x}}", "security.jwt.algorithm"),
        ("security: {jwt: {algorithm: HS256}}", "exactly one of"),
        ("security: {health: sometimes}", "security.health"),
        ("security: {rate_limits: {roles: {root: {per_second: 1}}}}", "unknown role 'root'"),
        ("security: {rate_limits: {roles: {viewer: {per_second: 0}}}}", "per_second"),
        ("security: {limits: {max_json_depth: 0}}", "security.limits.max_json_depth"),
        ("security: {tls: {certificate: a.pem}}", "private_key"),
        ("security: {tsl: {}}", "security.tsl"),
        ("models: {m: {pii: {email: encrypt}}}", "models.m.pii.email"),
    ])
    func badSettingsNameTheKey(yaml: String, expected: String) {
        do {
            _ = try SlipwayConfiguration(yaml: yaml)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}

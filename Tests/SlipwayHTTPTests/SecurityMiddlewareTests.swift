import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayRuntime
import SlipwaySecurity
import Testing

/// Authentication, model limits, JWT, rate limits, the audit trail and hardening through the real router.
@Suite struct SecurityMiddlewareTests {
    @Test func aBadOrMalformedCredentialIs401WithAV2Body() async throws {
        let fixture = try SecurityFixture()
        try await fixture.app().test(.router) { client in
            for value in ["Bearer sw_000000000000_" + String(repeating: "0", count: 64), "Basic dXNlcjpwdw==", "Bearer", "Bearer eyJhbGciOi.x.y"] {
                let response = try await client.execute(uri: "/v2/models/echo", method: .get, headers: [.authorization: value])
                #expect(response.status == .unauthorized, "\(value)")
                #expect(V2Fixtures.errorMessage(response) != nil)
            }
        }
    }

    @Test func aKeyLimitedToAModelCannotUseAnother() async throws {
        let fixture = try SecurityFixture()
        try await fixture.app().test(.router) { client in
            let headers = SecurityFixture.headers(fixture.echoOnlyKey)
            let echo = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: headers, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(echo.status == .ok)
            let iris = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post, headers: headers, body: ByteBuffer(string: V2Fixtures.irisRequest))
            #expect(iris.status == .forbidden)
            #expect(V2Fixtures.errorMessage(iris)?.contains("'iris'") == true)
        }
    }

    @Test func aRevokedKeyStopsWorkingAfterARefresh() async throws {
        let fixture = try SecurityFixture()
        let viewer = try #require(fixture.keys[.viewer])
        try await fixture.app().test(.router) { client in
            #expect(try await client.execute(uri: "/v2/models/echo", method: .get, headers: SecurityFixture.headers(viewer)).status == .ok)
            let id = try #require(APIKeyText.parse(viewer)?.id)
            try fixture.database.keys.revoke(id: id, actor: "test")
            try await fixture.security.refreshKeys()
            let after = try await client.execute(uri: "/v2/models/echo", method: .get, headers: SecurityFixture.headers(viewer))
            #expect(after.status == .unauthorized)
            #expect(V2Fixtures.errorMessage(after)?.contains("revoked") == true)
        }
    }

    @Test func withoutKeysOrJWTOnLoopbackEverythingIsOpen() async throws {
        let fixture = try SecurityFixture(createKeys: false)
        #expect(!fixture.security.authenticationRequired)
        try await fixture.app().test(.router) { client in
            let response = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: SecurityFixture.headers(nil), body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(response.status == .ok)
        }
        await fixture.security.audit.drain()
        #expect(try fixture.database.audit.tail(1).first?.actor == "anonymous")
    }

    @Test func theLoopbackRuleRefusesAnOpenServerElsewhere() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-loopback-\(UUID().uuidString)")
        let logger = Logger(label: "test")
        _ = try await ServerSecurity.open(settings: SecuritySettings(), dataDirectory: dir, host: "127.0.0.1", logger: logger)
        do {
            _ = try await ServerSecurity.open(settings: SecuritySettings(), dataDirectory: dir, host: "0.0.0.0", logger: logger)
            Issue.record("served 0.0.0.0 without authentication")
        } catch let error as SecurityError {
            #expect(error.message.contains("refusing to serve on 0.0.0.0"))
            #expect(error.message.contains("--insecure-no-auth"))
        }
        var insecure = SecuritySettings()
        insecure.insecureNoAuth = true
        let open = try await ServerSecurity.open(settings: insecure, dataDirectory: dir, host: "0.0.0.0", logger: logger)
        #expect(!open.openHealth)
        _ = try SecurityDatabase.open(dataDirectory: dir).keys.create(name: "k", role: .admin, actor: "test")
        let secured = try await ServerSecurity.open(settings: SecuritySettings(), dataDirectory: dir, host: "0.0.0.0", logger: logger)
        #expect(secured.authenticationRequired)
    }

    @Test func jwtBearerTokensCarryTheRole() async throws {
        let secret = "a-shared-secret-of-at-least-32-bytes!!"
        let verifier = try await JWTVerifier(JWTConfiguration(algorithm: .hs256, key: secret, audience: "slipway"))
        let fixture = try SecurityFixture(jwt: verifier, createKeys: false)
        #expect(fixture.security.authenticationRequired)
        let issuer = try await JWTIssuer(algorithm: .hs256, signingKey: secret)
        let exp = ClaimValue.number(Date().timeIntervalSince1970 + 600)
        let predictor = try await issuer.sign(["sub": .string("svc"), "aud": .string("slipway"), "exp": exp, "role": .string("predictor")])
        let viewer = try await issuer.sign(["sub": .string("dash"), "aud": .string("slipway"), "exp": exp, "role": .string("viewer")])
        try await fixture.app().test(.router) { client in
            let body = ByteBuffer(string: V2Fixtures.echoRequest)
            let uri = "/v2/models/echo/infer"
            let allowed = try await client.execute(uri: uri, method: .post, headers: SecurityFixture.headers(predictor), body: body)
            #expect(allowed.status == .ok)
            let forbidden = try await client.execute(uri: uri, method: .post, headers: SecurityFixture.headers(viewer), body: body)
            #expect(forbidden.status == .forbidden)
            let anonymous = try await client.execute(uri: uri, method: .post, body: body)
            #expect(anonymous.status == .unauthorized)
        }
        await fixture.security.audit.drain()
        let entries = try fixture.database.audit.tail(3)
        #expect(entries.map(\.actor) == ["jwt:svc", "jwt:dash", "unauthenticated"])
        #expect(entries.map(\.status) == [200, 403, 401])
    }

    @Test func rateLimitsAnswer429WithRetryAfter() async throws {
        var settings = SecuritySettings()
        settings.roleRateLimits[.viewer] = RateLimit(perSecond: 0.01, burst: 2)
        let fixture = try SecurityFixture(settings: settings)
        try await fixture.app().test(.router) { client in
            let headers = SecurityFixture.headers(fixture.keys[.viewer])
            for _ in 0..<2 { #expect(try await client.execute(uri: "/v2/models/echo", method: .get, headers: headers).status == .ok) }
            let limited = try await client.execute(uri: "/v2/models/echo", method: .get, headers: headers)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(V2Fixtures.errorMessage(limited)?.contains("rate limit") == true)
            // Other roles have no limit configured.
            let admin = SecurityFixture.headers(fixture.keys[.admin])
            for _ in 0..<5 { #expect(try await client.execute(uri: "/v2/models/echo", method: .get, headers: admin).status == .ok) }
        }
    }

    @Test func everyModelAccessIsAuditedWithoutPayloads() async throws {
        let fixture = try SecurityFixture()
        let predictor = try #require(fixture.keys[.predictor])
        let id = try #require(APIKeyText.parse(predictor)?.id)
        try await fixture.app().test(.router) { client in
            var headers = SecurityFixture.headers(predictor)
            headers[HTTPField.Name("X-Request-ID")!] = "req-audit-1"
            let response = try await client.execute(
                uri: "/v2/models/echo/versions/1/infer", method: .post, headers: headers, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(response.status == .ok)
            let generated = try await client.execute(uri: "/v2/models/echo", method: .get, headers: SecurityFixture.headers(predictor))
            #expect(generated.headers[HTTPField.Name("X-Request-ID")!] != nil)
            // Health is not audited.
            _ = try await client.execute(uri: "/v2/health/live", method: .get)
        }
        await fixture.security.audit.drain()
        let entries = try fixture.database.audit.tail(2)
        let done = entries[0]
        #expect(done.action == "http")
        #expect(done.actor == id)
        #expect(done.role == "predictor")
        #expect(done.method == "POST")
        #expect(done.route == "/v2/models/:model/versions/:version/infer")
        #expect(done.model == "echo")
        #expect(done.version == "1")
        #expect(done.requestID == "req-audit-1")
        #expect(done.status == 200)
        #expect(entries[1].route == "/v2/models/:model")
        for entry in entries { #expect(!(entry.detail ?? "").contains("data")) }
        #expect(try fixture.database.audit.verify().isIntact)
    }

    @Test func oneRequestIDNamesAnInferenceEverywhere() async throws {
        let fixture = try SecurityFixture()
        let predictor = try #require(fixture.keys[.predictor])
        let requestIDField = HTTPField.Name("X-Request-ID")!
        let seen = try await fixture.app().test(.router) { client -> [String] in
            // Neither a header nor a body id: the id made up for the header is the V2 response's id.
            let plain = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: SecurityFixture.headers(predictor),
                body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(plain.status == .ok)
            let made = try #require(plain.headers[requestIDField])
            #expect(made.utf8.count == 36 && made.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
            #expect(try V2Fixtures.json(plain)["id"] == .string(made))
            // The client's header names the request when the body has no id.
            var headers = SecurityFixture.headers(predictor)
            headers[requestIDField] = "req-77"
            let named = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: headers, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(try V2Fixtures.json(named)["id"] == .string("req-77"))
            // A body id is the V2 id; the header still names the request in the trail.
            headers[requestIDField] = "req-78"
            let withID = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"id":"mine","inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#))
            #expect(try V2Fixtures.json(withID)["id"] == .string("mine"))
            // Made-up ids differ from one request to the next.
            let again = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: SecurityFixture.headers(predictor),
                body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(again.headers[requestIDField] != made)
            return [made, "req-77", "req-78"]
        }
        await fixture.security.audit.drain()
        let entries = try fixture.database.audit.tail(4)
        #expect(Array(entries.prefix(3).map(\.requestID)) == seen)
    }

    @Test func requestIDsNeverRepeatAndSortByTime() {
        // A frozen clock: 100,000 ids in one millisecond still differ and still increase.
        let frozen = RequestIDSource(milliseconds: { 1_790_000_000_000 })
        var ids: [String] = []
        for _ in 0..<100_000 { ids.append(frozen.next()) }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        // Version 7, RFC 4122 variant; the first 48 bits are the milliseconds.
        let first = ids[0].split(separator: "-").map(String.init)
        #expect(first.map(\.count) == [8, 4, 4, 4, 12])
        #expect(first[2].hasPrefix("7") && "89ab".contains(first[3].first ?? "x"))
        #expect(UInt64(first[0] + first[1], radix: 16) == 1_790_000_000_000)
        // The wall clock: later ids sort after earlier ones; two processes' ids differ.
        let wall = RequestIDSource()
        let a = wall.next()
        let b = wall.next()
        #expect(a < b && RequestIDSource().next() != b)
    }

    @Test func anAccessWhoseAuditEntryCannotBeWrittenFails() async throws {
        let fixture = try SecurityFixture()
        let file = fixture.dataDirectory.appendingPathComponent(SecurityDatabase.fileName)
        guard let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("skipped: sqlite3 is not installed")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [file.path, "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_entry BEGIN SELECT RAISE(ABORT, 'disk full'); END;"]
        try process.run()
        process.waitUntilExit()
        try await fixture.app().test(.router) { client in
            // The first access is queued for the group commit; that commit fails, and from then on accesses are
            // refused rather than served unrecorded (the queued entry stays, to be retried).
            let first = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: SecurityFixture.headers(fixture.keys[.predictor]),
                body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(first.status == .ok)
            #expect(await fixture.security.audit.drain() == false)
            let response = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, headers: SecurityFixture.headers(fixture.keys[.predictor]),
                body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(response.status == .serviceUnavailable)
            #expect(V2Fixtures.errorMessage(response)?.contains("audit") == true)
            let read = try await client.execute(uri: "/v2/models/echo", method: .get, headers: SecurityFixture.headers(fixture.keys[.viewer]))
            #expect(read.status == .serviceUnavailable)
            // A change is recorded before it runs, so it does not run at all.
            let change = try await client.execute(uri: "/v2/models/echo", method: .delete, headers: SecurityFixture.headers(fixture.keys[.admin]))
            #expect(change.status == .serviceUnavailable)
        }
    }

    @Test func deeplyNestedJSONIsRefusedBeforeAnyHandler() async throws {
        var settings = SecuritySettings()
        settings.maxJSONDepth = 8
        let fixture = try SecurityFixture(settings: settings)
        try await fixture.app().test(.router) { client in
            let deep = String(repeating: "[", count: 9) + String(repeating: "]", count: 9)
            let headers = SecurityFixture.headers(fixture.keys[.admin])
            let response = try await client.execute(uri: "/v2/repository/index", method: .post, headers: headers, body: ByteBuffer(string: deep))
            #expect(response.status == .badRequest)
            #expect(V2Fixtures.errorMessage(response)?.contains("nesting") == true)
            // Media types are case-insensitive.
            var upper = headers
            upper[.contentType] = "Application/JSON; charset=utf-8"
            let shouted = try await client.execute(uri: "/v2/repository/index", method: .post, headers: upper, body: ByteBuffer(string: deep))
            #expect(shouted.status == .badRequest)
            let quoted = "{\"a\":\"" + String(repeating: "[", count: 20) + "\"}"
            let fine = try await client.execute(uri: "/v2/repository/index", method: .post, headers: headers, body: ByteBuffer(string: quoted))
            #expect(fine.status != .badRequest)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import SlipwayHTTP
import SlipwayRuntime
import SlipwaySecurity
import Testing

/// Walks every route of the route table × every role × no key, in process, and checks the answer is exactly
/// what the table says: 401 without a key, 403 for a role the rule does not list, and for a listed role
/// anything but 401/403 (2xx where the route exists on this server and its handler has the data; routes
/// other parts of the server add may still answer 404 here).
@Suite struct SecurityRouteMatrixTests {
    static func path(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: ":model", with: "echo").replacingOccurrences(of: ":version", with: "1")
            .replacingOccurrences(of: ":alias", with: "production").replacingOccurrences(of: ":tag", with: "t")
    }

    static func body(_ rule: RouteRule) -> ByteBuffer? {
        guard rule.method != "GET" else { return nil }
        return ByteBuffer(string: rule.pattern.hasSuffix("/infer") ? V2Fixtures.echoRequest : "{}")
    }

    /// Routes this server answers 2xx for an allowed caller with the fixtures' data.
    static let servedHere: Set<String> = [
        "/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/:model", "/v2/models/:model/ready", "/v2/models/:model/infer",
        "/v2/models/:model/versions/:version", "/v2/models/:model/versions/:version/ready", "/v2/models/:model/versions/:version/infer",
    ]

    @Test(arguments: [SecuritySettings.HealthAccess.loopback, .authenticated])
    func everyRouteTimesEveryRoleAnswersAsTheTableSays(health: SecuritySettings.HealthAccess) async throws {
        var settings = SecuritySettings()
        settings.health = health
        let fixture = try SecurityFixture(settings: settings)
        let callers: [(Role?, String?)] = [(nil, nil)] + Role.allCases.map { ($0, fixture.keys[$0]) }
        try await fixture.app().test(.router) { client in
            for rule in RouteTable.slipway.rules {
                let method = HTTPRequest.Method(rule.method) ?? .get
                for (role, key) in callers {
                    let response = try await client.execute(
                        uri: Self.path(rule.pattern), method: method, headers: SecurityFixture.headers(key), body: Self.body(rule))
                    let status = response.status.code
                    let what = "\(rule.method) \(rule.pattern) as \(role?.rawValue ?? "no key") (health \(health.rawValue))"
                    let open = rule.scope == .health && health == .loopback
                    if role == nil && !open {
                        #expect(status == 401, "\(what): \(status)")
                        #expect(response.headers[.wwwAuthenticate] == "Bearer", "\(what)")
                        #expect(V2Fixtures.errorMessage(response) != nil, "\(what): not a V2 error body")
                    } else if let role, !rule.roles.contains(role), !open {
                        #expect(status == 403, "\(what): \(status)")
                        #expect(V2Fixtures.errorMessage(response)?.contains("may not") == true, "\(what)")
                    } else if Self.servedHere.contains(rule.pattern) {
                        #expect((200..<300).contains(status), "\(what): \(status)")
                    } else {
                        #expect(status != 401 && status != 403, "\(what): \(status)")
                    }
                }
            }
        }
    }

    @Test func unknownRoutesAreForAdminsOnly() async throws {
        let fixture = try SecurityFixture()
        try await fixture.app().test(.router) { client in
            for (method, path) in [(HTTPRequest.Method.get, "/nothing/here"), (.delete, "/v2/models/echo"), (.put, "/api/v1/unknown")] {
                #expect(try await client.execute(uri: path, method: method).status == .unauthorized)
                for role in [Role.deployer, .predictor, .viewer] {
                    let response = try await client.execute(uri: path, method: method, headers: SecurityFixture.headers(fixture.keys[role]))
                    #expect(response.status == .forbidden, "\(method) \(path) as \(role)")
                }
                let admin = try await client.execute(uri: path, method: method, headers: SecurityFixture.headers(fixture.keys[.admin]))
                #expect(admin.status == .notFound || admin.status == .methodNotAllowed, "\(method) \(path) as admin: \(admin.status)")
            }
        }
    }
}

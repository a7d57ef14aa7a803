import SlipwayHTTP
import SlipwaySecurity
import Testing

/// The security route table and `/openapi.json` (which the OpenAPI tests hold equal to the router's routes)
/// list the same routes: a route missing from the table would be admin-only (fail closed) by accident, and a
/// rule for a route that does not exist is a stale table.
@Suite struct RouteTableCoverageTests {
    /// `GET /v2/models/{model}` and `GET /v2/models/:model` both become `GET /v2/models/*`.
    static func shape(method: String, path: String) -> String {
        let segments = path.split(separator: "/").map { segment in
            segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) ? "*" : String(segment)
        }
        return method.uppercased() + " /" + segments.joined(separator: "/")
    }

    static var documented: Set<String> {
        Set(
            OpenAPIDocument.routes.map { route in
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                return shape(method: parts[0], path: parts.count > 1 ? parts[1] : "")
            })
    }

    static var tabled: Set<String> { Set(RouteTable.slipway.rules.map { shape(method: $0.method, path: $0.pattern) }) }

    @Test func everyDocumentedRouteHasARule() {
        let missing = Self.documented.subtracting(Self.tabled)
        #expect(missing.isEmpty, "routes without a rule in RouteTable.slipway (admin only by default): \(missing.sorted())")
    }

    @Test func everyRuleIsADocumentedRoute() {
        let stale = Self.tabled.subtracting(Self.documented)
        #expect(stale.isEmpty, "rules in RouteTable.slipway for routes the server does not have: \(stale.sorted())")
    }
}

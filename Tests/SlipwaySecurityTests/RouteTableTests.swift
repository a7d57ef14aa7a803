import Foundation
import Testing

@testable import SlipwaySecurity

@Suite struct RouteTableTests {
    let table = RouteTable.slipway

    /// The request path's segments come from a byte walk for ASCII paths; they must be what `split(separator: "/")`
    /// gives for every path (a `/` before a combining mark or a joiner is not a separator there).
    @Test func pathSegmentsAreTheSplitOfThePath() {
        let fixed = [
            "", "/", "//", "/v2", "v2/", "/v2/models/iris/infer", "//v2//models///x//", "/v2/models/%C3%A9t%C3%A9/infer", "/é/中/x",
            "/v2/\u{301}models/x", "/a/\u{200D}/b",
        ]
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["/", "/", "/", "a", "b", ":", "%", "é", "中", "-", "1", "\u{301}", "\u{200D}"]
        let random = (0..<500).map { _ in
            String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for path in fixed + random {
            #expect(RouteTable.segments(of: path).map(String.init) == path.split(separator: "/").map(String.init), "\(path)")
        }
    }

    @Test func matchesPatternsCapturesParametersAndPrefersLiterals() {
        let infer = table.match(method: "POST", path: "/v2/models/iris/versions/3/infer")
        #expect(infer.rule.pattern == "/v2/models/:model/versions/:version/infer")
        #expect(infer.model == "iris")
        #expect(infer.version == "3")
        #expect(table.match(method: "GET", path: "/v2/models/stats").rule.pattern == "/v2/models/stats")
        #expect(table.match(method: "GET", path: "/v2/").rule.pattern == "/v2")
        #expect(table.match(method: "HEAD", path: "/v2/health/live").rule.scope == .health)
        #expect(table.match(method: "GET", path: "/v2/models/a%20b").model == "a b")
    }

    /// The first rule whose method and segments match, by the plain definition: a `:name` segment takes any path
    /// segment, any other must be equal.
    static func referenceMatch(_ table: RouteTable, method: String, path: String) -> (pattern: String, parameters: [String: String])? {
        let method = method.uppercased() == "HEAD" ? "GET" : method.uppercased()
        let segments = path.split(separator: "/")
        for rule in table.rules where rule.method == method && rule.segments.count == segments.count {
            var parameters: [String: String] = [:]
            var matches = true
            for (p, s) in zip(rule.segments, segments) {
                if p.first == ":" {
                    parameters[String(p.dropFirst())] = String(s).removingPercentEncoding ?? String(s)
                } else if p != s {
                    matches = false
                    break
                }
            }
            if matches { return (rule.pattern, parameters) }
        }
        return nil
    }

    /// Every rule's pattern filled in at random, and random mutations of them, match as the plain definition says.
    @Test func matchingAgreesWithThePlainDefinition() {
        var generator = SystemRandomNumberGenerator()
        let words = ["iris", "3", "production", "a%20b", "models", "versions", "infer", "stats", "x", "%C3%A9"]
        var cases: [(String, String)] = []
        for rule in table.rules {
            for _ in 0..<6 {
                var segments = rule.segments.map { $0.first == ":" ? words.randomElement(using: &generator)! : String($0) }
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where !segments.isEmpty:
                    segments[Int.random(in: 0..<segments.count, using: &generator)] = words.randomElement(using: &generator)!
                case 1: segments.append(words.randomElement(using: &generator)!)
                case 2 where !segments.isEmpty: segments.removeLast()
                default: break
                }
                let method = ["GET", "POST", "PUT", "DELETE", "HEAD", "get"].randomElement(using: &generator)!
                cases.append((method, "/" + segments.joined(separator: "/")))
            }
        }
        for (method, path) in cases {
            let match = table.match(method: method, path: path)
            let reference = Self.referenceMatch(table, method: method, path: path)
            #expect(match.isUnknown == (reference == nil), "\(method) \(path)")
            if let reference {
                #expect(match.rule.pattern == reference.pattern && match.parameters == reference.parameters, "\(method) \(path)")
            }
        }
    }

    /// The inference shortcut gives what the general match gives the same path, for Slipway's table and for tables
    /// where the first rule an inference path can reach is not the generic one (a literal model, a parameter in
    /// place of `infer`, other parameter names, no inference rule at all).
    @Test func inferenceMatchIsTheGeneralMatchOfTheInferencePath() {
        let rule = { (method: String, pattern: String) in RouteRule(method, pattern, RouteTable.predictors, .model) }
        let tables = [
            table,
            RouteTable([rule("POST", "/v2/models/special/infer"), rule("POST", "/v2/models/:model/infer")]),
            RouteTable([rule("POST", "/v2/models/:model/:action"), rule("POST", "/v2/models/:model/infer")]),
            RouteTable([rule("POST", "/v2/:kind/:name/versions/:v/infer"), rule("POST", "/v2/models/:m/versions/:v/infer")]),
            RouteTable([rule("GET", "/v2/models/:model/infer"), rule("POST", "/v2/models/:name/versions/:name/infer")]),
            RouteTable([rule("GET", "/v2/models/:model")]),
        ]
        var generator = SystemRandomNumberGenerator()
        let words = ["iris", "special", "3", "production", "a%20b", "%C3%A9", "é", "\u{301}x", "a.b-c_d", "versions", "infer", "stats", ""]
        var cases: [(String, String?)] = words.map { ($0, nil) } + words.map { ("iris", $0) }
        for _ in 0..<300 {
            cases.append((words.randomElement(using: &generator)!, Bool.random(using: &generator) ? nil : words.randomElement(using: &generator)!))
        }
        for table in tables {
            for (model, version) in cases {
                let path = version.map { "/v2/models/\(model)/versions/\($0)/infer" } ?? "/v2/models/\(model)/infer"
                let fast = table.inferenceMatch(model: model, version: version)
                let general = table.match(method: "POST", path: path)
                #expect(fast == general, "\(table.rules.map(\.pattern)) \(path)")
            }
        }
        #expect(RouteTable.isPlainSegment("iris") && !RouteTable.isPlainSegment("a%20b") && !RouteTable.isPlainSegment(""))
    }

    @Test func unknownRoutesAndMethodsAreAdminOnly() {
        for (method, path) in [("GET", "/secret"), ("DELETE", "/v2/models/iris"), ("POST", "/v2/models/iris"), ("GET", "/v2/models/iris/infer/x")] {
            let match = table.match(method: method, path: path)
            #expect(match.isUnknown, "\(method) \(path)")
            #expect(match.rule.roles == [.admin])
        }
    }

    @Test func everyRuleIsReachableAndUnique() {
        var seen = Set<String>()
        for rule in table.rules {
            #expect(seen.insert("\(rule.method) \(rule.pattern)").inserted, "duplicate \(rule.method) \(rule.pattern)")
            let path = rule.pattern.replacingOccurrences(of: ":model", with: "m").replacingOccurrences(of: ":version", with: "1")
                .replacingOccurrences(of: ":alias", with: "a").replacingOccurrences(of: ":tag", with: "t")
            #expect(table.match(method: rule.method, path: path).rule == rule, "\(rule.method) \(rule.pattern) is shadowed")
            #expect(rule.roles.contains(.admin))
            #expect((rule.scope == .model) == rule.pattern.contains(":model"))
        }
    }

    @Test func policyFollowsTheTable() {
        let on = AccessPolicy(authenticationRequired: true, openHealth: false)
        let infer = table.match(method: "POST", path: "/v2/models/iris/infer")
        let viewer = Identity(id: "v", role: .viewer, kind: .apiKey)
        let predictor = Identity(id: "p", role: .predictor, kind: .apiKey)
        #expect(on.decide(identity: nil, match: infer) == .unauthenticated("authentication required: send 'Authorization: Bearer <key or token>'"))
        guard case .forbidden(let message) = on.decide(identity: viewer, match: infer) else {
            Issue.record("a viewer may infer")
            return
        }
        #expect(message.contains("admin or predictor"))
        #expect(on.decide(identity: predictor, match: infer) == .allow)
        let health = table.match(method: "GET", path: "/v2/health/ready")
        #expect(on.decide(identity: nil, match: health) != .allow)
        #expect(AccessPolicy(authenticationRequired: true, openHealth: true).decide(identity: nil, match: health) == .allow)
        #expect(AccessPolicy(authenticationRequired: false, openHealth: false).decide(identity: nil, match: infer) == .allow)
    }

    @Test func keysLimitedToModelsStayWithinThem() {
        let policy = AccessPolicy(authenticationRequired: true, openHealth: false)
        let limited = Identity(id: "l", role: .predictor, models: ["iris"], kind: .apiKey)
        #expect(policy.decide(identity: limited, match: table.match(method: "POST", path: "/v2/models/iris/infer")) == .allow)
        #expect(policy.decide(identity: limited, match: table.match(method: "POST", path: "/v2/models/echo/infer")) != .allow)
        #expect(policy.decide(identity: limited, match: table.match(method: "GET", path: "/v2/models/stats")) != .allow)
        #expect(policy.decide(identity: limited, match: table.match(method: "GET", path: "/v2")) == .allow)
    }
}

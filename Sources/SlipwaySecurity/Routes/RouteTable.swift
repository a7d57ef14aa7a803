import Foundation

/// What a route touches, which decides how keys limited to some models and the health setting apply.
public enum RouteScope: String, Sendable, Hashable {
    /// Health and `/metrics`: open or not by their own setting (``AccessPolicy/openHealth``).
    case health
    /// About the server, naming no model (`GET /v2`, `/openapi.json`): any role the rule lists, model-limited keys included.
    case server
    /// Across models (lists, statistics of every model): refused to keys limited to some models.
    case global
    /// One model, named by the `:model` parameter: refused to keys limited to other models.
    case model
}

/// One line of the route table: a method and a path pattern, and the roles that may call it.
/// Patterns are `/`-separated segments; `:name` matches one segment and captures it.
public struct RouteRule: Sendable, Hashable {
    public var method: String
    public var pattern: String
    public var roles: Set<Role>
    public var scope: RouteScope

    public init(_ method: String, _ pattern: String, _ roles: Set<Role>, _ scope: RouteScope) {
        self.method = method
        self.pattern = pattern
        self.roles = roles
        self.scope = scope
    }

    /// Whether calls are recorded in the audit trail: everything but health and metrics.
    public var isAudited: Bool { scope != .health }

    /// Whether the route changes state (registry, keys, loaded models): any method but GET on a route not
    /// open to predictors. Inference, feedback and the repository index are accesses, not changes. A change
    /// is recorded in the audit trail before it runs.
    public var isChange: Bool { method != "GET" && !roles.contains(.predictor) }

    var segments: [Substring] { pattern.split(separator: "/") }
}

/// A request matched to its rule, with the captured parameters.
public struct RouteMatch: Sendable, Hashable {
    public var rule: RouteRule
    public var parameters: [String: String]
    /// Whether no rule matched (the request falls to the admin-only default).
    public var isUnknown: Bool

    /// The model the request names (`:model`).
    public var model: String? { parameters["model"] }
    /// The version or alias the request names (`:version`).
    public var version: String? { parameters["version"] }
}

/// THE route table: every route of the server with the roles that may call it. A route that is not here is
/// for `admin` only (fail closed). Authorisation (``AccessPolicy``), the audit trail and the route × role test
/// all read this one table.
public struct RouteTable: Sendable {
    public let rules: [RouteRule]
    /// Each rule with its pattern's segments, split and classified once here rather than on every request.
    private let compiled: [(segments: [PatternSegment], rule: RouteRule)]
    /// `bySegmentCount[n]`: the indices in `compiled` of the rules with `n` segments, in table order (a path can
    /// only match those, so a request looks at a few rules rather than at every one).
    private let bySegmentCount: [[Int]]
    /// The rules ``inferenceMatch(model:version:)`` answers with, without a walk over the path: for the
    /// unversioned and the versioned inference path, the first rule that can match that path for some model (and
    /// version), when it is the generic one (literals, with parameters for the model and version) and names its
    /// parameters; nil when it is not, or when no rule matches (the general match then answers).
    private let inferenceRules: (unversioned: InferenceRule?, versioned: InferenceRule?)

    /// A generic rule for an inference path and the names of its parameters, in path order.
    struct InferenceRule: Sendable {
        let rule: RouteRule
        let parameters: [String]
    }

    /// A segment of a route pattern: a literal the path must repeat, or a named parameter (`:model`).
    enum PatternSegment: Sendable {
        case literal(Substring)
        case parameter(String)

        init(_ segment: Substring) {
            self = segment.first == ":" ? .parameter(String(segment.dropFirst())) : .literal(segment)
        }
    }

    public init(_ rules: [RouteRule]) {
        self.rules = rules
        let compiled = rules.map { ($0.segments.map(PatternSegment.init), $0) }
        var bySegmentCount = [[Int]](repeating: [], count: (compiled.map(\.0.count).max() ?? 0) + 1)
        for (index, entry) in compiled.enumerated() { bySegmentCount[entry.0.count].append(index) }
        self.compiled = compiled
        self.bySegmentCount = bySegmentCount
        inferenceRules = (
            Self.inferenceRule(compiled, shape: ["v2", "models", nil, "infer"]),
            Self.inferenceRule(compiled, shape: ["v2", "models", nil, "versions", nil, "infer"])
        )
    }

    /// The first `POST` rule that can match a path of `shape` (literals, and nil where any segment stands), when it
    /// is the generic rule for the shape: the shape's literals where the shape has them, parameters elsewhere.
    static func inferenceRule(_ compiled: [(segments: [PatternSegment], rule: RouteRule)], shape: [Substring?]) -> InferenceRule? {
        for (segments, rule) in compiled where rule.method == "POST" && segments.count == shape.count {
            var canMatch = true
            var isGeneric = true
            var parameters: [String] = []
            for (segment, wanted) in zip(segments, shape) {
                switch (segment, wanted) {
                case (.literal(let literal), .some(let wanted)): if literal != wanted { canMatch = false }
                case (.literal, .none): isGeneric = false
                case (.parameter, .some): isGeneric = false
                case (.parameter(let name), .none): parameters.append(name)
                }
            }
            guard canMatch else { continue }
            return isGeneric ? InferenceRule(rule: rule, parameters: parameters) : nil
        }
        return nil
    }

    /// Whether a path segment reads the same through the general match: non-empty ASCII without `/` or `%` (the
    /// general match splits a non-ASCII path by characters, and decodes `%`).
    static func isPlainSegment(_ segment: String) -> Bool {
        !segment.isEmpty && segment.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "%") }
    }

    /// What ``match(method:path:)`` gives `POST /v2/models/MODEL/infer` (`version` nil) or
    /// `POST /v2/models/MODEL/versions/VERSION/infer`, from the path's raw segments (as a transport that has
    /// already read the path has them).
    ///
    /// Every inference request is authorised, and the general match splits the path and walks the rules of its
    /// length (~5,900 instructions an iris request); here the rule was found once, at init, so only the
    /// parameters are made. A segment that is not plain (``isPlainSegment(_:)``), and a table whose
    /// first candidate rule is not the generic one, take the general match.
    public func inferenceMatch(model: String, version: String?) -> RouteMatch {
        // Dictionary literals (an empty dictionary's `reserveCapacity` cost more than the rest of this together).
        if let version {
            if let generic = inferenceRules.versioned, generic.parameters.count == 2, Self.isPlainSegment(model), Self.isPlainSegment(version) {
                let (first, second) = (generic.parameters[0], generic.parameters[1])
                // A name used twice keeps the later value, as in the general match.
                let parameters = first == second ? [second: version] : [first: model, second: version]
                return RouteMatch(rule: generic.rule, parameters: parameters, isUnknown: false)
            }
        } else if let generic = inferenceRules.unversioned, generic.parameters.count == 1, Self.isPlainSegment(model) {
            return RouteMatch(rule: generic.rule, parameters: [generic.parameters[0]: model], isUnknown: false)
        }
        let path = version.map { "/v2/models/\(model)/versions/\($0)/infer" } ?? "/v2/models/\(model)/infer"
        return match(method: "POST", path: path)
    }

    /// The rule for routes not in the table.
    public static func unknownRule(method: String) -> RouteRule { RouteRule(method, "*", [.admin], .global) }

    /// The first rule whose method and pattern match; HEAD matches GET rules.
    public func match(method: String, path: String) -> RouteMatch {
        let upper = method.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } ? method.uppercased() : method
        let method = upper == "HEAD" ? "GET" : upper
        let segments = Self.segments(of: path)
        if segments.count < bySegmentCount.count {
            for index in bySegmentCount[segments.count] where compiled[index].rule.method == method {
                if let parameters = Self.match(compiled[index].segments, segments) {
                    return RouteMatch(rule: compiled[index].rule, parameters: parameters, isUnknown: false)
                }
            }
        }
        return RouteMatch(rule: Self.unknownRule(method: method), parameters: [:], isUnknown: true)
    }

    /// The non-empty `/`-separated segments of `path`, exactly what `split(separator: "/")` gives (and so what the
    /// router sees). An ASCII path — every path a client sends percent-encoded — is split by one walk over its bytes:
    /// this runs on every request, where the generic split costs several times more. Other paths take `split`
    /// itself (it splits by character: a `/` followed by a combining mark is not a separator).
    static func segments(of path: String) -> [Substring] {
        guard path.utf8.allSatisfy({ $0 < 0x80 }) else { return path.split(separator: "/") }
        var segments: [Substring] = []
        segments.reserveCapacity(8)
        let utf8 = path.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                if index != start { segments.append(Substring(utf8[start..<index])) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { segments.append(Substring(utf8[start..<utf8.endIndex])) }
        return segments
    }

    static func match(_ pattern: [PatternSegment], _ path: [Substring]) -> [String: String]? {
        guard pattern.count == path.count else { return nil }
        // The literals first: most rules of the right length fail there, before a parameter is copied out.
        for (p, s) in zip(pattern, path) {
            if case .literal(let literal) = p, literal != s { return nil }
        }
        var parameters: [String: String] = [:]
        for (p, s) in zip(pattern, path) {
            guard case .parameter(let name) = p else { continue }
            let value = String(s)
            parameters[name] = value.utf8.contains(UInt8(ascii: "%")) ? (value.removingPercentEncoding ?? value) : value
        }
        return parameters
    }

    /// Every role.
    public static let everyone: Set<Role> = [.admin, .deployer, .predictor, .viewer]
    /// Inference and feedback.
    public static let predictors: Set<Role> = [.admin, .predictor]
    /// Register, alias, tag, archive, load, unload.
    public static let deployers: Set<Role> = [.admin, .deployer]
    /// Keys and everything else.
    public static let admins: Set<Role> = [.admin]

    /// Slipway's routes. Reading (metadata, statistics, quality, drift, reports) is open to every role, since
    /// clients read a model's metadata before they infer; inference and feedback need `predictor`; changes
    /// to the registry need `deployer`; `admin` may do everything.
    public static let slipway = RouteTable(
        [
            // Health and metrics (their own setting).
            RouteRule("GET", "/v2/health/live", everyone, .health),
            RouteRule("GET", "/v2/health/ready", everyone, .health),
            RouteRule("GET", "/metrics", everyone, .health),
            // About the server.
            RouteRule("GET", "/v2", everyone, .server),
            RouteRule("GET", "/openapi.json", everyone, .server),
            // KServe V2: statistics extension (literal paths before `:model`).
            RouteRule("GET", "/v2/models/stats", everyone, .global),
            RouteRule("GET", "/v2/models/:model/stats", everyone, .model),
            RouteRule("GET", "/v2/models/:model/versions/:version/stats", everyone, .model),
            // KServe V2: model metadata, readiness, inference.
            RouteRule("GET", "/v2/models/:model", everyone, .model),
            RouteRule("GET", "/v2/models/:model/ready", everyone, .model),
            RouteRule("POST", "/v2/models/:model/infer", predictors, .model),
            RouteRule("GET", "/v2/models/:model/versions/:version", everyone, .model),
            RouteRule("GET", "/v2/models/:model/versions/:version/ready", everyone, .model),
            RouteRule("POST", "/v2/models/:model/versions/:version/infer", predictors, .model),
            // KServe V2: model repository extension.
            RouteRule("POST", "/v2/repository/index", everyone, .global),
            RouteRule("POST", "/v2/repository/models/:model/load", deployers, .model),
            RouteRule("POST", "/v2/repository/models/:model/unload", deployers, .model),
            // Management API (the registry).
            RouteRule("GET", "/api/v1/models", everyone, .global),
            RouteRule("GET", "/api/v1/models/:model", everyone, .model),
            RouteRule("GET", "/api/v1/models/:model/versions", everyone, .model),
            RouteRule("POST", "/api/v1/models/:model/versions", deployers, .model),
            RouteRule("GET", "/api/v1/models/:model/versions/:version", everyone, .model),
            RouteRule("POST", "/api/v1/models/:model/versions/:version/archive", deployers, .model),
            RouteRule("PATCH", "/api/v1/models/:model/tags", deployers, .model),
            RouteRule("PATCH", "/api/v1/models/:model/versions/:version/tags", deployers, .model),
            RouteRule("PUT", "/api/v1/models/:model/aliases/:alias", deployers, .model),
            RouteRule("DELETE", "/api/v1/models/:model/aliases/:alias", deployers, .model),
            RouteRule("GET", "/api/v1/models/:model/history", everyone, .model),
            // Monitoring: outcomes, quality, alerts.
            RouteRule("POST", "/api/v1/models/:model/feedback", predictors, .model),
            RouteRule("GET", "/api/v1/models/:model/quality", everyone, .model),
            RouteRule("GET", "/api/v1/alerts", everyone, .global),
            // Drift: checks, reports, retraining events.
            RouteRule("GET", "/api/v1/models/:model/drift", everyone, .model),
            RouteRule("GET", "/api/v1/models/:model/drift/report", everyone, .model),
            RouteRule("GET", "/api/v1/events", everyone, .global),
            // Privacy: a data subject's erasure.
            RouteRule("POST", "/api/v1/privacy/erase", admins, .global),
        ])
}

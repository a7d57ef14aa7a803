/// The answer to "may this caller call this route?".
public enum AccessDecision: Sendable, Hashable {
    case allow
    /// No or a bad credential where one is required (HTTP 401).
    case unauthenticated(String)
    /// A known caller without the right role or model (HTTP 403).
    case forbidden(String)
}

/// Decides access from the route table's rule and the caller, with no I/O.
public struct AccessPolicy: Sendable, Hashable {
    /// Whether callers must authenticate (a key exists or JWT is configured).
    public var authenticationRequired: Bool
    /// Whether health and `/metrics` are open without a credential.
    public var openHealth: Bool

    public init(authenticationRequired: Bool, openHealth: Bool) {
        self.authenticationRequired = authenticationRequired
        self.openHealth = openHealth
    }

    /// - Parameters:
    ///   - identity: the authenticated caller; nil when the request carried no credential.
    ///   - match: the request's route.
    public func decide(identity: Identity?, match: RouteMatch) -> AccessDecision {
        let rule = match.rule
        if rule.scope == .health && openHealth { return .allow }
        guard authenticationRequired || identity != nil else { return .allow }
        guard let identity else {
            return .unauthenticated("authentication required: send 'Authorization: Bearer <key or token>'")
        }
        guard rule.roles.contains(identity.role) else {
            let needed = Role.allCases.filter { rule.roles.contains($0) }.map(\.rawValue).joined(separator: " or ")
            let what = match.isUnknown ? "this route" : "\(rule.method) \(rule.pattern)"
            return .forbidden("role '\(identity.role.rawValue)' may not call \(what); it needs \(needed)")
        }
        if identity.isRestricted {
            switch rule.scope {
            case .health, .server:
                break
            case .global:
                return .forbidden("key \(identity.id) is limited to some models and may not call \(rule.method) \(rule.pattern)")
            case .model:
                guard let model = match.model, identity.mayUse(model: model) else {
                    return .forbidden("key \(identity.id) may not use model '\(match.model ?? "")'")
                }
            }
        }
        return .allow
    }
}

import Foundation
public import Hummingbird
import SlipwaySecurity

/// Authentication and authorisation: reads `Authorization: Bearer <key or JWT>`, finds the route in the
/// route table, and lets the request through only when ``AccessPolicy`` allows it; 401 (no or a bad
/// credential) and 403 (wrong role or model) get V2 error bodies through ``V2Error``. Denials are recorded in
/// the audit trail. The caller and the route go into the context for the middleware below.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = SlipwayRequestContext
    let security: ServerSecurity

    public init(security: ServerSecurity) {
        self.security = security
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await next(request, try await authorize(request, context: context))
    }

    /// The context with the caller's identity and the matched route rule set, when the request may go on; a
    /// refusal (401, 403) is recorded in the audit trail and thrown.
    func authorize(_ request: Request, context: Context) async throws -> Context {
        // An inference path already read by ``SlipwayResponder`` skips the walk over the path.
        let match =
            context.inferenceTarget.map { security.routes.inferenceMatch(model: $0.name, version: $0.version) }
            ?? security.routes.match(method: request.method.rawValue, path: request.uri.path)
        var identity: Identity?
        let decision: AccessDecision
        if let token = Self.bearerToken(request) {
            do {
                identity = try await security.authenticate(token)
                decision = security.policy.decide(identity: identity, match: match)
            } catch {
                decision = error.code == .forbidden ? .forbidden(error.message) : .unauthenticated(error.message)
            }
        } else if request.headers[.authorization] != nil {
            decision = .unauthenticated("the Authorization header must be 'Bearer <key or token>'")
        } else {
            decision = security.policy.decide(identity: nil, match: match)
            if decision == .allow, !security.authenticationRequired { identity = .anonymous }
        }
        switch decision {
        case .allow:
            var context = context
            context.identity = identity
            context.securityRoute = match
            return context
        case .unauthenticated(let message):
            try await audit(request, match: match, identity: identity, status: 401, detail: message)
            throw SecurityError(.unauthenticated, message)
        case .forbidden(let message):
            try await audit(request, match: match, identity: identity, status: 403, detail: message)
            throw SecurityError(.forbidden, message)
        }
    }

    func audit(_ request: Request, match: RouteMatch, identity: Identity?, status: Int, detail: String) async throws {
        guard match.rule.isAudited else { return }
        try await security.audit.append(
            AuditEvent(
                actor: identity?.id ?? "unauthenticated", role: identity?.role.rawValue, action: "http.denied", method: request.method.rawValue,
                route: match.isUnknown ? request.uri.path : match.rule.pattern, model: match.model, version: match.version,
                requestID: AuditMiddleware.requestID(request), status: status, detail: detail))
    }

    /// The credential of `Authorization: Bearer <credential>`.
    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

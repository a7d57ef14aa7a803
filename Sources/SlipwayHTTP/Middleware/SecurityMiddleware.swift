public import Hummingbird
import SlipwayRuntime

/// Authentication and authorisation, the rate limit, the audit trail and hardening, in that order, as one
/// layer of the router's middleware chain: each layer of the chain costs every request an asynchronous call
/// through the chain's generic responder, which was a measurable share of a small request. Each step is its
/// own type (``AuthMiddleware``, ``RateLimitMiddleware``, ``AuditMiddleware``, ``HardeningMiddleware``), usable
/// alone; this composes them with direct calls.
public struct SecurityMiddleware: RouterMiddleware {
    public typealias Context = SlipwayRequestContext
    let auth: AuthMiddleware
    let rateLimit: RateLimitMiddleware
    let audit: AuditMiddleware
    let hardening: HardeningMiddleware<SlipwayRequestContext>

    public init(security: ServerSecurity, maxBodySize: Int) {
        auth = AuthMiddleware(security: security)
        rateLimit = RateLimitMiddleware(security: security)
        audit = AuditMiddleware(security: security)
        hardening = HardeningMiddleware(maxJSONDepth: security.settings.maxJSONDepth, maxBodySize: maxBodySize)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authorized = try await auth.authorize(request, context: context)
        try rateLimit.check(authorized)
        return try await audit.handle(request, context: authorized) { request, context in
            try await hardening.handle(request, context: context, next: next)
        }
    }
}

public import Hummingbird
import SlipwaySecurity

/// Token buckets per caller (per key, else per role, as configured): past the limit, 429 with `Retry-After`.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = SlipwayRequestContext
    let security: ServerSecurity

    public init(security: ServerSecurity) {
        self.security = security
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try check(context)
        return try await next(request, context)
    }

    /// Takes one request from the caller's allowance; throws `rateLimited` (429 with `Retry-After`) when it is spent.
    func check(_ context: Context) throws(SecurityError) {
        if let identity = context.identity, let limit = security.rateLimit(for: identity),
            case .limited(let retryAfter) = security.rateLimiter.take(caller: identity.id, limit: limit)
        {
            throw SecurityError(
                .rateLimited, "rate limit of \(limit.perSecond) requests per second exceeded for \(identity.id); retry in \(retryAfter) s",
                retryAfter: retryAfter)
        }
    }
}

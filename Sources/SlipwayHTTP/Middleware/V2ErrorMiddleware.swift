public import Hummingbird
import Logging

/// Turns every error below it, Hummingbird's own 404 for an unknown route included, into a V2 error
/// response (``V2Error``), so clients such as tritonclient always find `{"error": "..."}`. Errors that
/// are bugs (500) are logged at error level with the request's path. It also refuses a declared body above
/// `maxBodySize` with 413 (``BodyLimitMiddleware``'s check, made here rather than in a layer of its own: each
/// layer of the middleware chain costs every request an asynchronous call).
public struct V2ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let retryAfter: Int
    let maxBodySize: Int

    /// - Parameters:
    ///   - retryAfter: the `Retry-After` seconds sent with 503.
    ///   - maxBodySize: the largest request body accepted (413 above it), named in 413 messages.
    public init(retryAfter: Int, maxBodySize: Int) {
        self.retryAfter = retryAfter
        self.maxBodySize = maxBodySize
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            try BodyLimitMiddleware<Context>.check(request, maxBodySize: maxBodySize)
            return try await next(request, context)
        } catch {
            let mapped = V2Error(error, request: request, retryAfter: retryAfter, maxBodySize: maxBodySize)
            if mapped.status == .internalServerError {
                context.logger.error(
                    "request failed", metadata: ["slipway.http.path": "\(request.uri.path)", "slipway.error": "\(mapped.message)"])
            }
            return try mapped.response(from: request, context: context)
        }
    }
}

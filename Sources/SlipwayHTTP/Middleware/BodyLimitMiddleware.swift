public import Hummingbird
import SlipwayRuntime

/// Refuses a request whose declared `Content-Length` is above the limit with 413 before its body is
/// read. Bodies without a length (chunked) are bounded where they are collected (`collect(upTo:)`).
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    public let maxBodySize: Int

    /// - Parameters:
    ///   - maxBodySize: the largest request body accepted, in bytes.
    public init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try Self.check(request, maxBodySize: maxBodySize)
        return try await next(request, context)
    }

    /// Throws `payloadTooLarge` when the request declares a body larger than `maxBodySize`.
    static func check(_ request: Request, maxBodySize: Int) throws(InferenceError) {
        if let text = request.headers[.contentLength], let length = Int(text), length > maxBodySize {
            throw InferenceError(.payloadTooLarge, "request body of \(length) bytes is larger than the limit of \(maxBodySize) bytes")
        }
    }
}

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
    ///
    /// The header is read as its first field: `headers[name]` joins every field of that name with ", " (through a
    /// lazy filter and map), which cost an inference request ~4,600 instructions here. The HTTP parser refuses a
    /// request whose `Content-Length` fields disagree, so the first is the length.
    static func check(_ request: Request, maxBodySize: Int) throws(InferenceError) {
        if let text = request.headers.first(where: { $0.name == .contentLength })?.value, let length = Int(text), length > maxBodySize {
            throw InferenceError(.payloadTooLarge, "request body of \(length) bytes is larger than the limit of \(maxBodySize) bytes")
        }
    }
}

public import Hummingbird
import SlipwayMonitoring
public import SlipwayRuntime
public import SlipwaySecurity

/// The one place where errors become HTTP responses, with the KServe V2 body `{"error": "<message>"}` and
/// Triton's status mapping: 400 bad request, 404 unknown model, version or route, 405 wrong method,
/// 409 conflict with the registry, 413 body too large, 503 overloaded or shutting down (with `Retry-After`), 500 for
/// bugs only; security: 401 no or a bad credential (with `WWW-Authenticate: Bearer`), 403 wrong role or model, 429
/// rate limited (with `Retry-After`), 503 when the audit trail cannot be written.
/// Hummingbird's own errors (unknown route, body too large) are rewritten to the same body by
/// ``V2ErrorMiddleware``, so a client never sees another error shape.
public struct V2Error: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    /// `Retry-After` in seconds, for 503.
    public var retryAfter: Int?

    public init(status: HTTPResponse.Status, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    /// Maps any error thrown while answering `request`.
    public init(_ error: any Error, request: Request, retryAfter: Int = 1, maxBodySize: Int? = nil) {
        switch error {
        case let error as V2Error:
            self = error
        case let error as InferenceError:
            self.init(error, retryAfter: retryAfter)
        case let error as SecurityError:
            self.init(error, retryAfter: retryAfter)
        case let error as DriftError:
            self.init(status: error.code == .notFound ? .notFound : .badRequest, message: error.message)
        case let error as any HTTPResponseError:
            // Hummingbird's own: an unknown route, a body past `collect(upTo:)`, an explicit HTTPError.
            let message: String
            switch error.status {
            case .notFound: message = "no route for \(request.method) \(request.uri.path)"
            case .methodNotAllowed: message = "method \(request.method) is not allowed on \(request.uri.path)"
            case .contentTooLarge:
                message = maxBodySize.map { "request body is larger than the limit of \($0) bytes" } ?? "request body is too large"
            default: message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            }
            self.init(status: error.status, message: message, retryAfter: error.status == .serviceUnavailable ? retryAfter : nil)
        default:
            self.init(status: .internalServerError, message: "internal error: \(error)")
        }
    }

    public init(_ error: InferenceError, retryAfter: Int = 1) {
        switch error.code {
        case .badRequest: self.init(status: .badRequest, message: error.message)
        case .notFound: self.init(status: .notFound, message: error.message)
        case .conflict: self.init(status: .conflict, message: error.message)
        case .payloadTooLarge: self.init(status: .contentTooLarge, message: error.message)
        case .unavailable: self.init(status: .serviceUnavailable, message: error.message, retryAfter: retryAfter)
        case .invalidModel, .integrity, .internal: self.init(status: .internalServerError, message: error.message)
        }
    }

    public init(_ error: SecurityError, retryAfter: Int = 1) {
        switch error.code {
        case .invalidArgument: self.init(status: .badRequest, message: error.message)
        case .unauthenticated: self.init(status: .unauthorized, message: error.message)
        case .forbidden: self.init(status: .forbidden, message: error.message)
        case .notFound: self.init(status: .notFound, message: error.message)
        case .rateLimited: self.init(status: .tooManyRequests, message: error.message, retryAfter: error.retryAfter ?? retryAfter)
        case .storage: self.init(status: .serviceUnavailable, message: error.message, retryAfter: retryAfter)
        case .integrity: self.init(status: .internalServerError, message: error.message)
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var w = JSONWriter(capacity: message.utf8.count + 16)
        w.raw("{\"error\":")
        w.string(message)
        w.raw("}")
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }
}

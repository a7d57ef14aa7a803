import Foundation
import HTTPTypes
public import Hummingbird
import SlipwaySecurity

/// Records every audited request (everything but health and metrics) in the audit trail: key id, role,
/// method, route pattern, model, version, request id, status and time, never a payload. A change
/// (``RouteRule/isChange``) is recorded before it runs, and does not run when that record cannot be
/// written; every request's outcome is recorded after it, and a response whose record cannot be written is
/// replaced by 503. The request id is the `X-Request-ID` header, or one made here and returned in it.
public struct AuditMiddleware: RouterMiddleware {
    public typealias Context = SlipwayRequestContext
    let security: ServerSecurity

    public init(security: ServerSecurity) {
        self.security = security
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let match = context.securityRoute, match.rule.isAudited else { return try await next(request, context) }
        let requestID = Self.requestID(request) ?? UUID().uuidString.lowercased()
        let identity = context.identity
        let audit = security.audit
        func event(_ action: String, status: Int?, detail: String? = nil) -> AuditEvent {
            AuditEvent(
                actor: identity?.id ?? "unauthenticated", role: identity?.role.rawValue, action: action, method: request.method.rawValue,
                route: match.isUnknown ? request.uri.path : match.rule.pattern, model: match.model, version: match.version,
                requestID: requestID, status: status, detail: detail)
        }
        if match.rule.isChange { try await audit.append(event("http.begin", status: nil)) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = V2Error(error, request: request).status.code
            try await audit.append(event("http", status: status))
            throw error
        }
        try await audit.append(event("http", status: response.status.code))
        if Self.requestID(request) == nil, let name = HTTPField.Name.requestID { response.headers[name] = requestID }
        return response
    }

    /// The client's `X-Request-ID`, when it sent one of reasonable length.
    static func requestID(_ request: Request) -> String? {
        guard let name = HTTPField.Name.requestID, let value = request.headers[name], !value.isEmpty, value.utf8.count <= 128 else { return nil }
        return value
    }
}

extension HTTPField.Name {
    /// `X-Request-ID` (a valid field name: never nil).
    static let requestID = Self("X-Request-ID")
}

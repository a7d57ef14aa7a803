import Foundation
import HTTPTypes
public import Hummingbird
import SlipwayRuntime
import SlipwaySecurity

/// Records every audited request (everything but health and metrics) in the audit trail: key id, role,
/// method, route pattern, model, version, request id, status and time, never a payload. The request id is
/// the `X-Request-ID` header, or one made here and returned in it.
///
/// A change (``RouteRule/isChange``) is recorded before it runs, and does not run when that record cannot be
/// committed; its outcome is committed before the response leaves (a response whose record cannot be
/// written is replaced by 503). An access (inference, reads) is queued for the audit writer's next group
/// commit (``AuditWriter/record(_:)``) and answered without waiting for the disk; while the trail cannot be
/// written, or falls too far behind, accesses are refused with 503 rather than served unrecorded.
public struct AuditMiddleware: RouterMiddleware {
    public typealias Context = SlipwayRequestContext
    let security: ServerSecurity
    let ids = RequestIDSource()

    public init(security: ServerSecurity) {
        self.security = security
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let match = context.securityRoute, match.rule.isAudited else { return try await next(request, context) }
        let clientID = Self.requestID(request)
        let requestID = clientID ?? ids.next()
        var context = context
        context.requestID = requestID
        let identity = context.identity
        let audit = security.audit
        func event(_ action: String, status: Int?, detail: String? = nil) -> AuditEvent {
            AuditEvent(
                actor: identity?.id ?? "unauthenticated", role: identity?.role.rawValue, action: action, method: request.method.rawValue,
                route: match.isUnknown ? request.uri.path : match.rule.pattern, model: match.model, version: match.version,
                requestID: requestID, status: status, detail: detail)
        }
        let isChange = match.rule.isChange
        if isChange {
            try await audit.append(event("http.begin", status: nil))
        } else if let failure = audit.refusal {
            // Refused before it runs: an access the trail cannot record is not served.
            throw failure
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = V2Error(error, request: request).status.code
            if isChange { try await audit.append(event("http", status: status)) } else { try audit.record(event("http", status: status)) }
            throw error
        }
        if isChange {
            try await audit.append(event("http", status: response.status.code))
        } else {
            try audit.record(event("http", status: response.status.code))
        }
        if clientID == nil, let name = HTTPField.Name.requestID { response.headers[name] = requestID }
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

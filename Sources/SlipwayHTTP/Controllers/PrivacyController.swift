import HTTPTypes
public import Hummingbird
public import SlipwayRuntime
import SlipwaySecurity

/// `POST /api/v1/privacy/erase` (admin only): erases a data subject's rows, as `slipway privacy erase` does
/// (the same ``SubjectErasure``), off the event loop.
///
/// Body: `{"model": "credit", "field": "customer_id", "value": "C-1042"}` (a number value is taken as its
/// text). Answer: `{"model", "field", "erased": {"predictions": N, "feedback": M}, "stores": [...]}`.
/// A missing or empty key is a bad request naming it; an unknown model is 404; a field that is not one of
/// the model's inputs is 400. The audit trail records the erasure (field and keyed hash, never the value).
public struct PrivacyController: Sendable {
    let erasure: SubjectErasure
    let security: ServerSecurity
    let maxBodySize: Int

    public init(erasure: SubjectErasure, security: ServerSecurity, maxBodySize: Int) {
        self.erasure = erasure
        self.security = security
        self.maxBodySize = maxBodySize
    }

    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.post("/api/v1/privacy/erase") { request, context -> Response in try await erase(request, context) }
    }

    func erase(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: maxBodySize)
        let (model, field, value) = try Self.fields([UInt8](buffer: buffer))
        let erasureRequest = try erasure.request(model: model, field: field, value: value)
        let audit = security.database.audit
        let requestID = HTTPField.Name("X-Request-ID").flatMap { request.headers[$0] }
        let report = try await erasure.eraseInBackground(
            erasureRequest, actor: context.identity?.id ?? "unauthenticated", role: context.identity?.role.rawValue, requestID: requestID,
            audit: { event in _ = try audit.appendNow(event) })
        if !report.failures.isEmpty {
            throw InferenceError(.unavailable, "erasure incomplete: \(report.failures.joined(separator: "; "))")
        }
        var w = JSONWriter()
        w.raw("{\"model\":")
        w.string(report.model)
        w.raw(",\"field\":")
        w.string(report.field)
        w.raw(",\"erased\":{")
        for (i, (kind, count)) in report.erased.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { w.raw(",") }
            w.string(kind)
            w.raw(":")
            w.number(count)
        }
        w.raw("},\"stores\":[")
        for (i, name) in report.stores.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(name)
        }
        w.raw("]}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }

    /// Reads `model`, `field` and `value`; a missing, empty or mistyped one is a bad request naming it.
    static func fields(_ body: [UInt8]) throws(InferenceError) -> (model: String, field: String, value: String) {
        let json: JSONValue
        do {
            json = try JSONScanner.parse(body)
        } catch {
            throw .badRequest("erasure body is not valid JSON: \(error)")
        }
        guard case .object = json else { throw .badRequest("body: expected an object {\"model\", \"field\", \"value\"}") }
        func text(_ key: String, numbers: Bool) throws(InferenceError) -> String {
            switch json[key] {
            case .string(let s)?:
                guard !s.isEmpty else { throw .badRequest("\(key): must not be empty") }
                return s
            case .int(let v)? where numbers: return String(v)
            case .uint(let v)? where numbers: return String(v)
            case .double(let v)? where numbers && v.isFinite: return v.rounded() == v && abs(v) < 1e15 ? String(Int64(v)) : String(v)
            case nil: throw .badRequest("\(key): missing")
            default: throw .badRequest("\(key): expected a \(numbers ? "string or a number" : "string")")
            }
        }
        return (try text("model", numbers: false), try text("field", numbers: false), try text("value", numbers: true))
    }
}

public import Hummingbird
public import SlipwayMonitoring
public import SlipwayRuntime

/// `POST /api/v1/models/NAME/feedback`: true outcomes joined to logged predictions by request id.
///
/// Body: `{"id": "req-7", "label": 1}` or `{"feedback": [{"id": "req-7", "label": 1}, …]}`; a request with N
/// examples takes a list of N labels. Answer: `{"accepted": N, "unknown_ids": [...], "invalid": [{"id", "reason"}]}`.
public struct FeedbackController: Sendable {
    let system: MonitoringSystem
    let maxBodySize: Int
    /// Drift monitoring: joined labels feed the model's concept-drift detector (off the request path).
    let drift: DriftMonitoringService?

    public init(system: MonitoringSystem, maxBodySize: Int, drift: DriftMonitoringService? = nil) {
        self.system = system
        self.maxBodySize = maxBodySize
        self.drift = drift
    }

    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.post("/api/v1/models/:model/feedback") { request, context -> Response in try await post(request, context) }
    }

    func post(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let model = try context.parameters.require("model")
        let buffer = try await request.body.collect(upTo: maxBodySize)
        let items = try Self.items([UInt8](buffer: buffer))
        let result = try await system.feedback(model: model, items: items)
        drift?.feedbackJoined(model: model, items: items, result: result)
        var w = JSONWriter()
        w.raw("{\"model\":")
        w.string(model)
        w.raw(",\"accepted\":")
        w.number(result.accepted)
        w.raw(",\"unknown_ids\":[")
        for (i, id) in result.unknownIDs.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(id)
        }
        w.raw("],\"invalid\":[")
        for (i, item) in result.invalid.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"id\":")
            w.string(item.id)
            w.raw(",\"reason\":")
            w.string(item.reason)
            w.raw("}")
        }
        w.raw("]}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }

    /// Reads the posted items; a malformed body is a bad request naming the item at fault.
    static func items(_ body: [UInt8]) throws(InferenceError) -> [FeedbackItem] {
        let json: JSONValue
        do {
            json = try JSONScanner.parse(body)
        } catch {
            throw .badRequest("feedback body is not valid JSON: \(error)")
        }
        if let list = json["feedback"] {
            guard let array = list.arrayValue else { throw .badRequest("'feedback' must be a list of {\"id\", \"label\"}") }
            var items: [FeedbackItem] = []
            for (index, element) in array.enumerated() { items.append(try item(element, at: "feedback[\(index)]")) }
            return items
        }
        return [try item(json, at: "body")]
    }

    static func item(_ json: JSONValue, at path: String) throws(InferenceError) -> FeedbackItem {
        guard case .object = json else { throw .badRequest("\(path): expected an object {\"id\", \"label\"}") }
        guard let id = json["id"]?.stringValue, !id.isEmpty else { throw .badRequest("\(path).id: expected a non-empty string") }
        guard let label = json["label"] else { throw .badRequest("\(path).label: missing") }
        if let array = label.arrayValue {
            var labels: [LabelValue] = []
            for (index, element) in array.enumerated() { labels.append(try value(element, at: "\(path).label[\(index)]")) }
            return FeedbackItem(requestID: id, labels: labels)
        }
        return FeedbackItem(requestID: id, labels: [try value(label, at: "\(path).label")])
    }

    static func value(_ json: JSONValue, at path: String) throws(InferenceError) -> LabelValue {
        switch json {
        case .int(let v): return .number(Double(v))
        case .uint(let v): return .number(Double(v))
        case .double(let v) where v.isFinite: return .number(v)
        case .bool(let v): return .number(v ? 1 : 0)
        case .string(let s): return .text(s)
        default: throw .badRequest("\(path): a label must be a number, a string or a boolean")
        }
    }
}

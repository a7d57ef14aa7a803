import Foundation
public import Hummingbird
public import SlipwayMonitoring
public import SlipwayRuntime

/// `GET /api/v1/alerts[?limit=N]`: the rules, what fires and what is pending now, and the history (newest first).
public struct AlertsController: Sendable {
    let system: MonitoringSystem

    public init(system: MonitoringSystem) { self.system = system }

    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.get("/api/v1/alerts") { request, _ -> Response in try await list(request) }
    }

    func list(_ request: Request) async throws -> Response {
        var limit = 100
        if let text = request.uri.queryParameters["limit"].map(String.init) {
            guard let n = Int(text), (0...10_000).contains(n) else {
                throw InferenceError.badRequest("limit must be between 0 and 10000, got '\(text)'")
            }
            limit = n
        }
        let history = try await system.alertHistory(limit: limit)
        var w = JSONWriter()
        w.raw("{\"rules\":[")
        for (i, rule) in system.alerts.rules.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"name\":")
            w.string(rule.name)
            w.raw(",\"metric\":")
            w.string(rule.metric.description)
            w.raw(",\"model\":")
            if let model = rule.model { w.string(model) } else { w.raw("null") }
            w.raw(",\"comparison\":")
            w.string(rule.comparison.rawValue)
            w.raw(",\"threshold\":")
            w.number(rule.threshold)
            w.raw(",\"window_seconds\":")
            w.number(rule.window)
            w.raw(",\"for_seconds\":")
            w.number(rule.forSeconds)
            w.raw(",\"severity\":")
            w.string(rule.severity)
            w.raw("}")
        }
        /// One firing or pending alert; `value` only for firing ones (pending alerts have no "value" key).
        func alert(_ i: Int, rule: String, model: String, since: Double, value: Double??) {
            if i > 0 { w.raw(",") }
            w.raw("{\"rule\":")
            w.string(rule)
            w.raw(",\"model\":")
            w.string(model)
            w.raw(",\"since\":")
            w.string(Self.time(since))
            if let value {
                w.raw(",\"value\":")
                if let value, value.isFinite { w.number(value) } else { w.raw("null") }
            }
            w.raw("}")
        }
        w.raw("],\"firing\":[")
        for (i, a) in system.alerts.firing.enumerated() { alert(i, rule: a.rule, model: a.model, since: a.since, value: .some(a.value)) }
        w.raw("],\"pending\":[")
        for (i, a) in system.alerts.pending.enumerated() { alert(i, rule: a.rule, model: a.model, since: a.since, value: nil) }
        w.raw("],\"history\":[")
        for (i, event) in history.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw(String(decoding: AlertNotifier.body(event), as: UTF8.self))
        }
        w.raw("]}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }

    static func time(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

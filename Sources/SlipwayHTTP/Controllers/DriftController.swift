public import Hummingbird
import NIOCore
import SlipwayMonitoring
public import SlipwayRuntime

/// Drift routes: `GET /api/v1/models/NAME/drift?window=...&version=...` (the check as JSON, the CLI's shape
/// plus model, version, window and prediction drift) and `GET /api/v1/models/NAME/drift/report` (the same
/// check as a self-contained HTML page, with each feature's timeline from the history). Each request runs a
/// fresh check and stores it. The computation runs in a task off the event loop.
/// The check's `concept_drift` field holds the version's concept-drift detector state; `?kind=concept` answers
/// that state alone, per version, without a data check (`{"model","detector","versions":[{"version",
/// "outcomes","drift_detected","drift_indices",...}]}`), for models without a reference dataset.
public struct DriftController: Sendable {
    let drift: DriftMonitoringService

    /// - Parameter drift: the server's drift monitoring.
    public init(drift: DriftMonitoringService) { self.drift = drift }

    /// Adds the drift routes to `router`.
    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.get("/api/v1/models/:model/drift") { request, context in
            let (model, version, window) = try Self.query(request, context)
            let drift = self.drift
            switch request.uri.queryParameters["kind"].map(String.init) {
            case nil, "data": break
            case "concept": return Self.response(drift.conceptDrift(model: model) + "\n", type: "application/json")
            case let other?: throw V2Error(status: .badRequest, message: "kind must be 'data' or 'concept', got '\(other)'")
            }
            let check = try await Task.detached { try await drift.check(model: model, version: version, window: window) }.value
            return Self.response(check.json() + "\n", type: "application/json")
        }
        router.get("/api/v1/models/:model/drift/report") { request, context in
            let (model, version, window) = try Self.query(request, context)
            let drift = self.drift
            let html = try await Task.detached { try await drift.report(model: model, version: version, window: window) }.value
            return Self.response(html, type: "text/html; charset=utf-8")
        }
    }

    static func query(_ request: Request, _ context: SlipwayRequestContext) throws -> (String, String?, String?) {
        let model = try context.parameters.require("model")
        let params = request.uri.queryParameters
        let version = params["version"].map(String.init)
        let window = params["window"].map(String.init)
        if let window, window.isEmpty { throw V2Error(status: .badRequest, message: "window must not be empty") }
        return (model, version, window)
    }

    static func response(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

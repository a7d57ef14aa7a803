public import Hummingbird
import SlipwayMonitoring
public import SlipwayRuntime

/// `GET /api/v1/events?model=NAME&limit=N`: recorded retraining triggers and concept drifts, newest first
/// (`{"events":[{"id","time","time_utc","model","version","reason","action","outcome","detail","payload"}]}`).
public struct EventsController: Sendable {
    let drift: DriftMonitoringService

    /// - Parameter drift: the server's drift monitoring (its history holds the events).
    public init(drift: DriftMonitoringService) { self.drift = drift }

    /// Adds the events route to `router`.
    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.get("/api/v1/events") { request, _ in
            let params = request.uri.queryParameters
            let model = params["model"].map(String.init)
            var limit = 100
            if let text = params["limit"] {
                guard let n = Int(String(text)), n > 0, n <= 10_000 else {
                    throw V2Error(status: .badRequest, message: "limit must be an integer in 1...10000, got '\(text)'")
                }
                limit = n
            }
            let drift = self.drift
            let events = try await Task.detached { try await drift.events(model: model, limit: limit) }.value
            return DriftController.response(RetrainingEvent.json(events) + "\n", type: "application/json")
        }
    }
}

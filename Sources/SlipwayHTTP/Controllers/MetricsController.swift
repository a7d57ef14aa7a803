public import Hummingbird
import ServiceLifecycle
public import SlipwayRuntime

/// What the monitoring routes need: the monitoring system (prediction log, quality, alerts) and the
/// Prometheus renderer, which only the executable knows (it bootstraps swift-prometheus).
public struct MonitoringEndpoints: Sendable {
    public var system: MonitoringSystem?
    /// Renders every metric in the Prometheus text format.
    public var renderMetrics: (@Sendable () -> [UInt8])?
    /// Sends alert notifications; nil for one over the shared HTTP client.
    public var notifier: AlertNotifier?

    public init(system: MonitoringSystem? = nil, renderMetrics: (@Sendable () -> [UInt8])? = nil, notifier: AlertNotifier? = nil) {
        self.system = system
        self.renderMetrics = renderMetrics
        self.notifier = notifier
    }
}

/// `GET /metrics`: the Prometheus text exposition format. Sampled gauges (in-flight requests, queue depth)
/// are refreshed just before rendering.
public struct MetricsController: Sendable {
    let render: @Sendable () -> [UInt8]
    let system: MonitoringSystem?

    public init(render: @escaping @Sendable () -> [UInt8], system: MonitoringSystem?) {
        self.render = render
        self.system = system
    }

    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.get("/metrics") { _, _ -> Response in scrape() }
    }

    func scrape() -> Response {
        if let system { system.refreshServingGauges(models: system.window.models) }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: render())))
    }
}

extension MonitoringEndpoints {
    /// Adds `/metrics`, feedback, quality and alerts, for what is present.
    func addRoutes(to router: Router<SlipwayRequestContext>, maxBodySize: Int, drift: DriftMonitoringService? = nil) {
        if let renderMetrics { MetricsController(render: renderMetrics, system: system).addRoutes(to: router) }
        guard let system else { return }
        FeedbackController(system: system, maxBodySize: maxBodySize, drift: drift).addRoutes(to: router)
        QualityController(system: system).addRoutes(to: router)
        AlertsController(system: system).addRoutes(to: router)
    }

    /// The background services of monitoring (writer, retention, alert evaluation).
    func services() -> [any Service] { system?.services(notifier: notifier) ?? [] }
}

public import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
public import SlipwayRuntime

/// Builds the router: the error middleware first (so every error, unknown routes included, gets the V2
/// body), the body limit, then the V2 routes.
public func buildRouter(
    models: some ModelProvider, pool: InferencePool, admission: AdmissionControl, configuration: ServerConfiguration,
    monitoring: MonitoringEndpoints = MonitoringEndpoints()
) -> Router<SlipwayRequestContext> {
    let router = Router(context: SlipwayRequestContext.self)
    router.add(middleware: V2ErrorMiddleware(retryAfter: configuration.retryAfterSeconds, maxBodySize: configuration.maxBodySize))
    router.add(middleware: BodyLimitMiddleware(maxBodySize: configuration.maxBodySize))
    var v2 = V2Controller(models: models, pool: pool, admission: admission, configuration: configuration)
    v2.observer = monitoring.system?.observer
    v2.addRoutes(to: router)
    monitoring.addRoutes(to: router, maxBodySize: configuration.maxBodySize)
    return router
}

/// Assembles the server that `slipway serve` runs and the tests drive: the router, the inference pool
/// (a service in the same `ServiceGroup`, stopped after the HTTP server has drained), and a warm-up that
/// loads every served model before the server accepts connections.
///
/// - Parameters:
///   - configuration: where to listen and what to accept.
///   - models: where models come from.
///   - logger: the server's logger.
///   - onServerRunning: called with the bound port once the server listens (port 0 picks a free one).
///   - monitoring: `/metrics`, the prediction log, feedback, quality and alerts (their services join the group).
public func buildApplication(
    configuration: ServerConfiguration, models: some ModelProvider, logger: Logger, monitoring: MonitoringEndpoints = MonitoringEndpoints(),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let pool = InferencePool(threads: configuration.inferenceThreads)
    let admission = AdmissionControl(limit: configuration.maxQueuedRequestsPerModel)
    monitoring.system?.attach(inFlight: { admission.inFlight($0) }, threads: pool.threadCount)
    let router = buildRouter(models: models, pool: pool, admission: admission, configuration: configuration, monitoring: monitoring)
    var services: [any Service] = [pool]
    services.append(contentsOf: monitoring.services())
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "slipway"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    app.beforeServerStarts {
        let warmed = try await pool.run { () throws(InferenceError) -> [String] in
            var failed: [String] = []
            for name in try models.modelNames() {
                do {
                    _ = try models.model(named: name, version: nil)
                } catch {
                    failed.append("\(name): \(InferenceError.wrap(error).message)")
                }
            }
            return failed
        }
        for failure in warmed {
            logger.warning("model failed to load at start-up", metadata: ["slipway.error": "\(failure)"])
        }
    }
    return app
}

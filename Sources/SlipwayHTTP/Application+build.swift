public import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
public import SlipwayRuntime

/// Builds the router: the error middleware first (so every error, unknown routes included, gets the V2
/// body), the body limit, then the V2 routes.
public func buildRouter(
    models: some ModelProvider, pool: InferencePool, admission: AdmissionControl, configuration: ServerConfiguration,
    drift: DriftMonitoringService? = nil
) -> Router<SlipwayRequestContext> {
    let router = Router(context: SlipwayRequestContext.self)
    router.add(middleware: V2ErrorMiddleware(retryAfter: configuration.retryAfterSeconds, maxBodySize: configuration.maxBodySize))
    router.add(middleware: BodyLimitMiddleware(maxBodySize: configuration.maxBodySize))
    V2Controller(models: models, pool: pool, admission: admission, configuration: configuration).addRoutes(to: router)
    if let drift { DriftController(drift: drift).addRoutes(to: router); EventsController(drift: drift).addRoutes(to: router) }
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
///   - drift: drift monitoring (its routes, and its schedule as a service); nil for none.
public func buildApplication(
    configuration: ServerConfiguration, models: some ModelProvider, logger: Logger, drift: DriftMonitoringService? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let pool = InferencePool(threads: configuration.inferenceThreads)
    let admission = AdmissionControl(limit: configuration.maxQueuedRequestsPerModel)
    let router = buildRouter(models: models, pool: pool, admission: admission, configuration: configuration, drift: drift)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "slipway"),
        services: [pool as any Service] + (drift.map { [$0 as any Service] } ?? []),
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

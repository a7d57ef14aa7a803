public import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
public import SlipwayRuntime

/// Builds the router: the error middleware first (so every error, unknown routes included, gets the V2
/// body; it also checks the declared body size), security when set up (one layer: authentication and
/// authorisation, rate limits, the audit trail, hardening), then the V2, statistics, repository and management
/// routes and `/openapi.json`. The server answers through ``SlipwayResponder``, which sends inference past
/// the router's trie.
public func buildRouter(
    models: ServedModels, configuration: ServerConfiguration, security: ServerSecurity? = nil,
    drift: DriftMonitoringService? = nil, monitoring: MonitoringEndpoints = MonitoringEndpoints()
) -> Router<SlipwayRequestContext> {
    let router = Router(context: SlipwayRequestContext.self)
    router.add(middleware: V2ErrorMiddleware(retryAfter: configuration.retryAfterSeconds, maxBodySize: configuration.maxBodySize))
    if let security {
        router.add(middleware: SecurityMiddleware(security: security, maxBodySize: configuration.maxBodySize))
    }
    StatisticsController(models: models).addRoutes(to: router)
    V2Controller(models: models, configuration: configuration).addRoutes(to: router)
    RepositoryController(models: models, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    if let registry = models.source as? RegistryModelProvider {
        var management = ManagementController(registry: registry.service, pool: models.pool, configuration: configuration)
        management.onChange = { await models.refresh() }
        management.addRoutes(to: router)
    }
    OpenAPIController().addRoutes(to: router)
    if let drift {
        DriftController(drift: drift).addRoutes(to: router)
        EventsController(drift: drift).addRoutes(to: router)
    }
    monitoring.addRoutes(to: router, maxBodySize: configuration.maxBodySize, drift: drift)
    if let security {
        let erasure = SubjectErasure(
            registry: (models.source as? RegistryModelProvider)?.service, predictionLog: monitoring.system?.store, hashKey: security.privacyHashKey)
        PrivacyController(erasure: erasure, security: security, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    }
    return router
}

/// Assembles the server that `slipway serve` runs and the tests drive: the router, the inference pool and the
/// model watcher (services in the same `ServiceGroup`, stopped after the HTTP server has drained its in-flight
/// and queued requests), and a start-up step that loads and warms every served model before the server
/// accepts connections.
///
/// - Parameters:
///   - configuration: where to listen and what to accept.
///   - models: where models come from (polled for hot swaps every `pollInterval`).
///   - logger: the server's logger.
///   - security: keys, JWT, TLS, audit, rate limits (``ServerSecurity/open(settings:dataDirectory:host:logger:)``); nil
///     serves without any (in-process tests).
///   - observer: receives one ``InferenceRecord`` per finished inference request, failed ones included.
///   - onServerRunning: called with the bound port once the server listens (port 0 picks a free one).
///   - drift: drift monitoring (its routes, and its schedule as a service); nil for none.
///   - monitoring: `/metrics`, the prediction log, feedback, quality and alerts (their services join the group).
public func buildApplication(
    configuration: ServerConfiguration, models: some ModelProvider, logger: Logger, security: ServerSecurity? = nil,
    drift: DriftMonitoringService? = nil, monitoring: MonitoringEndpoints = MonitoringEndpoints(),
    observer: any InferenceObserver = InferenceObservers(),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let pool = InferencePool(threads: configuration.inferenceThreads)
    let served = ServedModels(
        source: models, pool: pool, configuration: configuration.settings, defaultAlias: configuration.defaultAlias,
        maxQueue: configuration.maxQueuedRequestsPerModel,
        observer: InferenceObservers([observer] + (monitoring.system.map { [$0.observer as any InferenceObserver] } ?? [])), logger: logger)
    monitoring.system?.attach(inFlight: { [served] in served.pendingRequests(model: $0) }, threads: pool.threadCount)
    let router = buildRouter(models: served, configuration: configuration, security: security, drift: drift, monitoring: monitoring)
    var app = Application(
        responder: SlipwayResponder(router: router, controller: V2Controller(models: served, configuration: configuration)),
        server: security?.httpServer ?? .eventLoopHTTP1(),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "slipway"),
        services: [pool, ModelWatcher(models: served, interval: models.pollInterval)] + (security?.services ?? [])
            + (drift.map { [$0 as any Service] } ?? []) + monitoring.services()
            + (security?.rotationService(
                stores: ServerSecurity.resealableStores(monitoring: monitoring.system, registry: (models as? RegistryModelProvider)?.service),
                logger: logger
            ).map { [$0 as any Service] } ?? []),
        onServerRunning: { channel in
            security?.logPosture(host: configuration.host, logger: logger)
            await onServerRunning(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
    app.beforeServerStarts {
        await served.refresh()
    }
    return app
}

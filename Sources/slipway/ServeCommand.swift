import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRegistry
import SlipwayRuntime
import SlipwaySecurity

/// `slipway serve`: every registered model over the KServe V2 / Open Inference Protocol (HTTP).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve every registered model over the KServe V2 (Open Inference Protocol) HTTP API.",
        discussion: """
            /v2/models/NAME serves the version the alias 'production' points at, else the newest ready version; \
            /v2/models/NAME/versions/V takes a version number or an alias. Stops gracefully on SIGTERM or SIGINT.
            """)

    @OptionGroup var data: DataDirOptions

    @Option(help: "The address to listen on (default 127.0.0.1; config: server.host).")
    var host: String?

    @Option(help: "The port to listen on; 0 picks a free port, the chosen one is printed (default 8080; config: server.port).")
    var port: Int?

    @Option(help: "The largest request body accepted, in bytes; larger ones get 413 (default 64 MiB; config: server.max_body_size).")
    var maxBodySize: Int?

    @Option(
        help:
            "Requests per served version queued or running at once before 503 with Retry-After (default 256; config: server.max_queue, or max_queue per model)."
    )
    var maxQueue: Int?

    @Option(help: "Threads that run inference (default: the number of cores; config: server.threads).")
    var threads: Int?

    @Option(help: "The alias /v2/models/NAME follows when it is set (default production; config: server.default_alias).")
    var defaultAlias: String?

    @Option(help: "A YAML configuration file: per-model batching, caching, logging, alerts, security (see README).")
    var config: String?

    @Option(help: "PEM certificate (chain) for TLS; with --tls-key the server speaks HTTPS.")
    var tlsCert: String?

    @Option(help: "PEM private key for TLS.")
    var tlsKey: String?

    @Option(help: "PEM CA certificate(s): clients must present a certificate signed by one (mutual TLS).")
    var tlsClientCa: String?

    @Flag(help: "Serve without authentication on a non-loopback address (no key, no JWT). Dangerous; logged loudly.")
    var insecureNoAuth = false

    @Option(help: "Log lines as text or json (one JSON object per line, with the request id on lines about a request).")
    var logFormat: LogFormat = .text

    @Option(help: "The least severe log level written (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    @Flag(help: "Register the example iris classifier (examples/iris/model.onnx) as model 'iris' if it is not yet, then serve.")
    var demo = false

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        if let maxBodySize, maxBodySize <= 0 { throw ValidationError("--max-body-size must be positive") }
        if let maxQueue, maxQueue < 0 { throw ValidationError("--max-queue must be 0 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsClientCa != nil, tlsCert == nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
        if let defaultAlias, defaultAlias.isEmpty { throw ValidationError("--default-alias must not be empty") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    func run() async throws {
        var settings = try CLIExit.reporting { () throws -> SlipwayConfiguration in
            guard let config else { return SlipwayConfiguration() }
            return try SlipwayConfiguration(contentsOf: URL(fileURLWithPath: config))
        }
        if let tlsCert, let tlsKey {
            settings.security.tls = .init(certificate: tlsCert, privateKey: tlsKey, clientCA: tlsClientCa)
        }
        if insecureNoAuth { settings.security.insecureNoAuth = true }
        let metrics = ServeCommand.bootstrapObservability(logFormat: logFormat, logLevel: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "slipway")
        // Command-line flags override the configuration file's `server` section, which overrides the defaults.
        let server = settings.server
        let configuration = ServerConfiguration(
            host: host ?? server.host ?? "127.0.0.1", port: port ?? server.port ?? 8080,
            maxBodySize: maxBodySize ?? server.maxBodySize ?? 64 << 20, maxQueuedRequestsPerModel: maxQueue ?? server.maxQueue ?? 256,
            inferenceThreads: threads ?? server.threads, retryAfterSeconds: server.retryAfterSeconds ?? 1,
            defaultAlias: defaultAlias ?? server.defaultAlias ?? "production", settings: settings)
        let security: ServerSecurity
        do {
            security = try await ServerSecurity.open(
                settings: settings.security, dataDirectory: data.url, host: configuration.host, logger: logger)
        } catch {
            let line = (error as? SecurityError)?.message ?? "\(error)"
            FileHandle.standardError.write(Data("error: \(line)\n".utf8))
            throw ExitCode(CLIExit.code(for: error))
        }
        // Opened after security: with a data key, reference datasets and the prediction log are encrypted at rest.
        let service = try CLIExit.reporting { () throws -> ModelRegistryService in
            let service = try data.open(sealer: security.sealer)
            if demo { try Self.registerDemo(into: service) }
            return service
        }
        let provider = RegistryModelProvider(service: service, refreshInterval: server.watchInterval ?? .seconds(1))
        let monitoring = try CLIExit.reporting { () throws -> MonitoringSystem in
            try MonitoringSystem.open(
                dataDirectory: data.url, configuration: settings, logger: logger,
                redactor: security.redactors(configuration: settings), sealer: security.sealer)
        }
        // Drift checks read the prediction log's windows against each version's registered reference dataset
        // (its profile kept in drift.sqlite); posted labels feed the concept-drift detectors.
        let references = RegistryReferenceSource(service: service)
        let windows = PredictionLogWindowSource(store: monitoring.store)
        let labelled = LabelledPredictionSource(store: monitoring.store) { [settings] in settings.settings(for: $0).monitoring.outputRoles }
        let drift = try CLIExit.reporting { () throws -> DriftMonitoringService in
            try DriftMonitoringService(
                references: references, windows: windows, historyPath: data.url.appendingPathComponent("drift.sqlite").path,
                settings: { [settings] in settings.settings(for: $0).drift }, models: { try service.models().map(\.name) },
                resolveVersion: { try references.version(of: $0, selector: $1) }, logger: logger, labelled: labelled)
        }
        // Quality measured from joined labels may fire the retraining trigger (`retrain_on: [quality]`).
        monitoring.onQualityRefreshed { [drift] report in
            for (metric, value) in report.metrics.sorted(by: { $0.key < $1.key }) {
                await drift.recordQuality(model: report.model, version: String(report.version), metric: metric, value: value)
            }
        }
        // A version registered through the server gets its reference profile built right away, off the request.
        service.onRegistered { [drift] version in
            Task.detached { await drift.prepareProfile(model: version.model, version: String(version.version)) }
        }
        let app = buildApplication(
            configuration: configuration, models: provider, logger: logger, security: security, drift: drift,
            monitoring: MonitoringEndpoints(system: monitoring, renderMetrics: { MonitoringMetrics.addingHelp(to: metrics.emitToBuffer()) }),
            onServerRunning: { [scheme = security.usesTLS ? "https" : "http"] port in
                // One line on stdout that scripts and tests can wait for.
                FileHandle.standardOutput.write(Data("slipway serving on \(scheme)://\(configuration.host):\(port)\n".utf8))
            })
        do {
            try await app.runService()
        } catch {
            // Binding failed (address in use, no permission) or the server stopped on an error.
            let line = "\(error)".replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data("error: cannot serve on \(configuration.host):\(configuration.port): \(line)\n".utf8))
            throw ExitCode(CLIExit.code(for: InferenceError(.unavailable, line)))
        }
    }

    /// Registers the demo model as `iris` unless a model of that name exists already.
    static func registerDemo(into service: ModelRegistryService) throws {
        if (try? service.model(named: "iris")) != nil { return }
        guard let model = demoModelURL() else {
            throw InferenceError(.notFound, "cannot find examples/iris/model.onnx: run 'slipway serve --demo' from the repository's root")
        }
        let version = try service.register(
            .init(
                name: "iris", model: model, description: "Iris classifier (examples/train_iris.py)", source: "slipway serve --demo",
                actor: "slipway-demo"))
        FileHandle.standardError.write(Data("registered demo model iris:\(version.version) from \(model.path)\n".utf8))
    }

    /// `examples/iris/model.onnx` under the working directory, or above the executable (`.build/<config>/slipway`).
    static func demoModelURL() -> URL? {
        let relative = "examples/iris/model.onnx"
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relative)]
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent(relative))
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Bootstraps swift-log (text or JSON lines on stderr) and swift-metrics (swift-prometheus, rendered by
    /// `/metrics`); returns the Prometheus registry. Called once, before anything logs or records.
    static func bootstrapObservability(logFormat: LogFormat, logLevel: Logger.Level) -> PrometheusCollectorRegistry {
        LoggingSystem.bootstrap { label in
            if logFormat == .json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = logLevel
                return handler
            }
            var handler = TextLogHandler(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets[MonitoringMetrics.batchSize] = MonitoringMetrics.batchSizeBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }
}

/// `--log-format`: human-readable lines or JSON lines.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

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

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free port; the chosen one is printed).")
    var port = 8080

    @Option(help: "The largest request body accepted, in bytes (larger ones get 413).")
    var maxBodySize = 64 << 20

    @Option(help: "Requests per model queued or running at once before 503 with Retry-After.")
    var maxQueue = 256

    @Option(help: "Threads that run inference (default: the number of cores).")
    var threads: Int?

    @Option(help: "A YAML configuration file: per-model batching, caching, logging, alerts, security (see README).")
    var config: String?

    @Option(help: "Log lines as text or json (one JSON object per line, with the request id on lines about a request).")
    var logFormat: LogFormat = .text

    @Option(help: "The least severe log level written (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    @Flag(help: "Register the example iris classifier (examples/iris/model.onnx) as model 'iris' if it is not yet, then serve.")
    var demo = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard maxBodySize > 0 else { throw ValidationError("--max-body-size must be positive") }
        guard maxQueue >= 0 else { throw ValidationError("--max-queue must be 0 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    func run() async throws {
        let service = try CLIExit.reporting { () throws -> ModelRegistryService in
            let service = try data.open()
            if demo { try Self.registerDemo(into: service) }
            return service
        }
        let settings = try CLIExit.reporting { () throws -> SlipwayConfiguration in
            guard let config else { return SlipwayConfiguration() }
            return try SlipwayConfiguration(contentsOf: URL(fileURLWithPath: config))
        }
        let metrics = ServeCommand.bootstrapObservability(logFormat: logFormat, logLevel: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "slipway")
        let monitoring = try CLIExit.reporting { () throws -> MonitoringSystem in
            try MonitoringSystem.open(dataDirectory: data.url, configuration: settings, logger: logger)
        }
        let configuration = ServerConfiguration(
            host: host, port: port, maxBodySize: maxBodySize, maxQueuedRequestsPerModel: maxQueue, inferenceThreads: threads,
            settings: settings)
        let app = buildApplication(
            configuration: configuration, models: RegistryModelProvider(service: service), logger: logger,
            monitoring: MonitoringEndpoints(system: monitoring, renderMetrics: { MonitoringMetrics.addingHelp(to: metrics.emitToBuffer()) }),
            onServerRunning: { port in
                // One line on stdout that scripts and tests can wait for.
                FileHandle.standardOutput.write(Data("slipway serving on http://\(configuration.host):\(port)\n".utf8))
            })
        do {
            try await app.runService()
        } catch {
            // Binding failed (address in use, no permission) or the server stopped on an error.
            let line = "\(error)".replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data("error: cannot serve on \(host):\(port): \(line)\n".utf8))
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
            var handler = StreamLogHandler.standardError(label: label)
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

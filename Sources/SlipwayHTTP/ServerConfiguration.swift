public import SlipwayRuntime

/// How `slipway serve` listens and how much it accepts.
public struct ServerConfiguration: Sendable {
    /// The configuration file's settings (`--config`): per-model serving, monitoring, security.
    public var settings: SlipwayConfiguration
    /// The address to bind (default `127.0.0.1`).
    public var host: String
    /// The port to bind; 0 picks a free one (default 8080).
    public var port: Int
    /// The largest request body accepted; larger ones get 413 (default 64 MiB).
    public var maxBodySize: Int
    /// Requests per model that may wait for or run inference at once; past it, 503 with `Retry-After`.
    public var maxQueuedRequestsPerModel: Int
    /// Threads that run inference; nil for the number of cores.
    public var inferenceThreads: Int?
    /// Seconds a refused client is told to wait (`Retry-After`).
    public var retryAfterSeconds: Int
    /// The alias `/v2/models/NAME` serves when it is set (else the newest ready version).
    public var defaultAlias: String

    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port to bind; 0 picks a free one.
    ///   - maxBodySize: the largest request body accepted, in bytes.
    ///   - maxQueuedRequestsPerModel: requests per model queued or running at once before 503.
    ///   - inferenceThreads: threads that run inference; nil for the number of cores.
    ///   - retryAfterSeconds: the `Retry-After` value sent with 503.
    ///   - defaultAlias: the alias served by routes without a version.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodySize: Int = 64 << 20, maxQueuedRequestsPerModel: Int = 256,
        inferenceThreads: Int? = nil, retryAfterSeconds: Int = 1, defaultAlias: String = "production",
        settings: SlipwayConfiguration = SlipwayConfiguration()
    ) {
        self.settings = settings
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxQueuedRequestsPerModel = maxQueuedRequestsPerModel
        self.inferenceThreads = inferenceThreads
        self.retryAfterSeconds = retryAfterSeconds
        self.defaultAlias = defaultAlias
    }
}

/// Server-wide serving settings, under the top-level key `server` (the command-line flags override them).
///
/// ```yaml
/// server:
///   host: 0.0.0.0
///   port: 8080
///   max_body_size: 64MiB     # larger bodies get 413
///   max_queue: 256           # per served version, unless the model sets its own
///   threads: 4               # inference threads (default: the number of cores)
///   default_alias: production
///   retry_after: 1           # seconds, sent with 503
///   watch_interval: 1s       # how often the registry is polled for alias moves and new versions
/// ```
public struct ServerSettings: Sendable, Hashable {
    public var host: String?
    public var port: Int?
    public var maxBodySize: Int?
    public var maxQueue: Int?
    public var threads: Int?
    public var defaultAlias: String?
    public var retryAfterSeconds: Int?
    public var watchInterval: Duration?

    public init() {}

    /// The top-level keys this section reads.
    public static let keys: [String] = ["server"]

    static let serverKeys = ["host", "port", "max_body_size", "max_queue", "threads", "default_alias", "retry_after", "watch_interval"]

    /// Reads this section's top-level keys.
    public init(_ object: ConfigurationObject) throws(ConfigurationError) {
        self.init()
        guard let section = object["server"] else { return }
        let server = try section.object(Self.serverKeys)
        host = try server["host"]?.string()
        port = try server["port"]?.int(in: 0...65535)
        if let node = server["max_body_size"] {
            let size = try ByteSize.parse(node)
            guard size > 0 else { throw node.error("must be positive") }
            maxBodySize = size
        }
        maxQueue = try server["max_queue"]?.int(in: 0...1_000_000)
        threads = try server["threads"]?.int(in: 1...1024)
        if let node = server["default_alias"] {
            let alias = try node.string()
            guard !alias.isEmpty, alias.utf8.allSatisfy({ $0 > 32 && $0 != UInt8(ascii: "/") }) else {
                throw node.error("'\(alias)' is not a valid alias name")
            }
            defaultAlias = alias
        }
        retryAfterSeconds = try server["retry_after"]?.int(in: 0...86400)
        if let node = server["watch_interval"] {
            let interval = try node.duration()
            guard interval >= .milliseconds(10) else { throw node.error("must be at least 10ms") }
            watchInterval = interval
        }
    }
}

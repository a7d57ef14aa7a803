/// Per-model serving: the queue bound, the schedule policy (priority levels, default timeout), dynamic
/// batching and the response cache.
///
/// ```yaml
/// models:
///   iris:
///     max_queue: 512                 # requests waiting or running for one version; past it, 503
///     timeout_us: 250000             # default queue timeout of a request (0: none)
///     priority_levels: 2             # request parameter `priority` 1...2 (1 highest); 0 means default_priority
///     default_priority: 2
///     batching: {max_batch_size: 32, max_queue_delay_us: 500, preferred_batch_sizes: [16, 32]}
///     cache: {max_bytes: 16MiB}
/// ```
public struct ServingSettings: Sendable, Hashable {
    /// Requests per served version waiting or running at once; nil for the server-wide bound (`--max-queue`).
    public var maxQueue: Int?
    /// The queue timeout of requests that give none, in microseconds; 0 for none.
    public var timeoutMicroseconds: Int = 0
    /// How many priority levels requests may ask for (`priority` 1 is the highest).
    public var priorityLevels: Int = 2
    /// The level of requests whose `priority` is 0 or absent.
    public var defaultPriority: Int = 2
    /// Dynamic batching; nil when off.
    public var batching: BatchingSettings?
    /// The response cache; nil when off.
    public var cache: ResponseCacheSettings?

    public init() {}

    /// The keys this section reads from a model's mapping.
    public static let keys: [String] = ["max_queue", "timeout_us", "priority_levels", "default_priority", "batching", "cache"]

    /// Reads this section's keys; keys left out keep `base`'s values.
    public init(_ object: ConfigurationObject, inheriting base: ServingSettings) throws(ConfigurationError) {
        self = base
        if let node = object["max_queue"] { maxQueue = try node.int(in: 0...1_000_000) }
        if let node = object["timeout_us"] { timeoutMicroseconds = try node.int(in: 0...Int(Int32.max) * 1000) }
        if let node = object["priority_levels"] { priorityLevels = try node.int(in: 1...1000) }
        if let node = object["default_priority"] { defaultPriority = try node.int(in: 1...1000) }
        if object["priority_levels"] != nil, object["default_priority"] == nil { defaultPriority = priorityLevels }
        guard defaultPriority <= priorityLevels else {
            let node = object["default_priority"] ?? object["priority_levels"] ?? object.node
            throw node.error("default_priority (\(defaultPriority)) must be between 1 and priority_levels (\(priorityLevels))")
        }
        if let node = object["batching"] {
            if case .some(false) = try? node.bool() {
                batching = nil
            } else {
                batching = try BatchingSettings(node.object(BatchingSettings.keys))
            }
        }
        if let node = object["cache"] {
            if case .some(false) = try? node.bool() {
                cache = nil
            } else {
                cache = try ResponseCacheSettings(node.object(ResponseCacheSettings.keys))
            }
        }
    }
}

/// Dynamic batching (Triton's `dynamic_batching`): requests whose non-batch dimensions match are joined
/// along the first dimension, run once and split back. Only for models whose first dimension is dynamic.
public struct BatchingSettings: Sendable, Hashable {
    /// The most rows (first-dimension elements) a joined batch holds.
    public var maxBatchSize: Int
    /// How long the oldest queued request may wait for others to join it, in microseconds.
    public var maxQueueDelayMicroseconds: Int
    /// Batch sizes that are run as soon as they can be formed.
    public var preferredBatchSizes: [Int]

    static let keys = ["max_batch_size", "max_queue_delay_us", "preferred_batch_sizes"]

    /// - Parameters:
    ///   - maxBatchSize: the most rows of a joined batch.
    ///   - maxQueueDelayMicroseconds: how long the oldest request may wait for others.
    ///   - preferredBatchSizes: sizes run as soon as they can be formed.
    public init(maxBatchSize: Int, maxQueueDelayMicroseconds: Int = 0, preferredBatchSizes: [Int] = []) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.maxQueueDelayMicroseconds = max(0, maxQueueDelayMicroseconds)
        self.preferredBatchSizes = preferredBatchSizes.sorted()
    }

    init(_ object: ConfigurationObject) throws(ConfigurationError) {
        let size = try object.required("max_batch_size").int(in: 1...65536)
        let delay = try object["max_queue_delay_us"]?.int(in: 0...60_000_000) ?? 0
        var preferred: [Int] = []
        if let node = object["preferred_batch_sizes"] {
            for item in try node.list() { preferred.append(try item.int(in: 1...size)) }
        }
        self.init(maxBatchSize: size, maxQueueDelayMicroseconds: delay, preferredBatchSizes: preferred)
    }
}

/// The response cache (opt-in per model): least recently used entries out first, bounded by bytes.
public struct ResponseCacheSettings: Sendable, Hashable {
    /// The most bytes of cached outputs kept.
    public var maxBytes: Int

    static let keys = ["max_bytes"]

    public init(maxBytes: Int) { self.maxBytes = max(0, maxBytes) }

    init(_ object: ConfigurationObject) throws(ConfigurationError) {
        self.init(maxBytes: try ByteSize.parse(object.required("max_bytes")))
    }
}

/// A size in bytes written as a plain integer or with a unit: `16MiB`, `512 KiB`, `2GB`, `100kB`, `4096B`.
enum ByteSize {
    static let units: [(String, Int)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("kB", 1000), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1),
    ]

    static func parse(_ node: ConfigurationNode) throws(ConfigurationError) -> Int {
        if let value = try? node.int() {
            guard value >= 0 else { throw node.error("a size must not be negative, got \(value)") }
            return value
        }
        let text = try node.string().trimmingWhitespace()
        guard let value = parse(text) else {
            throw node.error("expected a size such as 16MiB, 512KiB, 2GB or a number of bytes, got '\(text)'")
        }
        return value
    }

    static func parse(_ text: String) -> Int? {
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = String(text.dropLast(suffix.count)).trimmingWhitespace()
            guard let value = Double(number), value.isFinite, value >= 0, value * Double(factor) < 9e18 else { return nil }
            return Int((value * Double(factor)).rounded())
        }
        guard let value = Int(text), value >= 0 else { return nil }
        return value
    }
}

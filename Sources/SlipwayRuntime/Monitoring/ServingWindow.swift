import Synchronization

/// Recent requests per model (arrival time, latency, success), for the alert rules' latency and error-rate
/// metrics. Bounded in time (`horizon`) and in count per model, so it never grows with traffic.
public final class ServingWindow: Sendable {
    struct Sample {
        var time: Double
        var latency: Double
        var ok: Bool
    }

    /// Seconds of history kept.
    public let horizon: Double
    /// Samples kept per model at most (the oldest go first).
    public let capacity: Int
    private let samples = Mutex<[String: [Sample]]>([:])

    public init(horizon: Double = 3600, capacity: Int = 100_000) {
        self.horizon = horizon
        self.capacity = max(16, capacity)
    }

    public func add(model: String, time: Double, latency: Double, ok: Bool) {
        samples.withLock { all in
            all[model, default: []].append(Sample(time: time, latency: latency, ok: ok))
            if let count = all[model]?.count, count > capacity {
                let cutoff = time - horizon
                all[model]?.removeAll { $0.time < cutoff }
                if let left = all[model]?.count, left > capacity { all[model]?.removeFirst(left - capacity / 2) }
            }
        }
    }

    /// Models seen.
    public var models: [String] { samples.withLock { Array($0.keys).sorted() } }

    func recent(_ model: String, since: Double) -> [Sample] {
        samples.withLock { all in (all[model] ?? []).filter { $0.time >= since } }
    }

    /// The 99th percentile latency (nearest rank) of requests since `since`; nil without requests.
    public func latencyP99(model: String, since: Double) -> Double? {
        let latencies = recent(model, since: since).map(\.latency).sorted()
        guard !latencies.isEmpty else { return nil }
        let rank = Int((0.99 * Double(latencies.count)).rounded(.up))
        return latencies[min(latencies.count, max(1, rank)) - 1]
    }

    /// Failed / all requests since `since`; nil without requests.
    public func errorRate(model: String, since: Double) -> Double? {
        let recent = recent(model, since: since)
        guard !recent.isEmpty else { return nil }
        return Double(recent.filter { !$0.ok }.count) / Double(recent.count)
    }
}

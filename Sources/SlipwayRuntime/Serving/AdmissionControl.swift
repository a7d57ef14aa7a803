import Synchronization

/// Bounds the requests waiting for or running inference, per model: past `limit` a request is refused at
/// once with `unavailable` (HTTP 503 with `Retry-After`) instead of queueing without bound.
/// Thread-safe; a `Mutex` around a dictionary of counts, entries dropped when they reach zero.
public final class AdmissionControl: Sendable {
    /// The most requests per model admitted at once (queued plus running).
    public let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Admits one request for `key` and runs `body`, or throws `unavailable` when `limit` are already in.
    public func admit<T>(_ key: String, _ body: () async throws(InferenceError) -> T) async throws(InferenceError) -> T {
        let admitted = counts.withLock { counts -> Bool in
            let n = counts[key, default: 0]
            guard n < limit else { return false }
            counts[key] = n + 1
            return true
        }
        guard admitted else {
            throw InferenceError(.unavailable, "model '\(key)' is overloaded: \(limit) requests are already queued or running; retry later")
        }
        defer {
            counts.withLock { counts in
                let n = counts[key, default: 1] - 1
                counts[key] = n > 0 ? n : nil
            }
        }
        return try await body()
    }

    /// Requests currently admitted for `key`.
    public func inFlight(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }
}

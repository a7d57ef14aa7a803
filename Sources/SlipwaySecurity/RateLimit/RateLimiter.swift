import Synchronization

/// A token bucket's size and refill rate.
public struct RateLimit: Sendable, Hashable {
    /// Tokens added per second (sustained requests per second).
    public var perSecond: Double
    /// The bucket's size (requests allowed at once after a pause).
    public var burst: Double

    public init(perSecond: Double, burst: Double? = nil) {
        self.perSecond = perSecond
        self.burst = burst ?? max(1, perSecond)
    }
}

/// The outcome of asking for a token.
public enum RateDecision: Sendable, Hashable {
    case allowed
    /// Refused; a token is available after this many seconds (rounded up, at least 1).
    case limited(retryAfter: Int)
}

/// Token buckets per caller (key id or JWT subject), each with its caller's limit (configured per key or
/// per role). Buckets of callers gone quiet are dropped when the table grows large.
public final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let maxBuckets: Int

    /// - Parameters:
    ///   - maxBuckets: how many callers are tracked before full buckets are forgotten.
    public init(maxBuckets: Int = 100_000) {
        self.maxBuckets = maxBuckets
    }

    /// Takes one token from `caller`'s bucket.
    public func take(caller: String, limit: RateLimit, now: ContinuousClock.Instant = .now) -> RateDecision {
        buckets.withLock { buckets in
            var bucket = buckets[caller] ?? Bucket(tokens: limit.burst, updated: now)
            let elapsed = bucket.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if seconds > 0 {
                bucket.tokens = min(limit.burst, bucket.tokens + seconds * limit.perSecond)
                bucket.updated = now
            }
            let decision: RateDecision
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                decision = .allowed
            } else {
                let wait = limit.perSecond > 0 ? (1 - bucket.tokens) / limit.perSecond : 3600
                decision = .limited(retryAfter: max(1, Int(wait.rounded(.up))))
            }
            if buckets[caller] == nil, buckets.count >= maxBuckets {
                // Forget callers whose buckets would be full by now anyway.
                buckets = buckets.filter { $0.value.tokens < limit.burst - 1 }
            }
            buckets[caller] = bucket
            return decision
        }
    }
}

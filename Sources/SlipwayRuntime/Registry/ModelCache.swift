import Metrics
import SlipwayMonitoring
import Synchronization

/// Loaded models kept in memory, least recently used first out, bounded by bytes (each model costs its
/// artifact size). Thread-safe: one `Mutex` around a small state; loading happens outside the lock.
public final class ModelCache: Sendable {
    public struct Statistics: Sendable, Hashable {
        public var models: Int
        public var bytes: Int
        public var hits: Int
        public var misses: Int
        public var evictions: Int
    }

    private struct Entry {
        var model: LoadedModel
        var cost: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
        var evictions = 0
    }

    public let capacityBytes: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacityBytes: the most bytes of models kept at once; a model larger than this is loaded but not kept.
    public init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    /// The model cached under `key`, or the result of `load` (then cached, evicting the least recently used).
    public func model(for key: String, cost: Int, load: () throws(InferenceError) -> LoadedModel) throws(InferenceError) -> LoadedModel {
        let cached: LoadedModel? = state.withLock { s in
            guard var entry = s.entries[key] else {
                s.misses += 1
                return nil
            }
            s.clock += 1
            entry.lastUse = s.clock
            s.entries[key] = entry
            s.hits += 1
            return entry.model
        }
        if let cached { return cached }
        let loadStarted = ContinuousClock.now
        let model = try load()
        let took = ContinuousClock.now - loadStarted
        Timer(label: MonitoringMetrics.modelLoad, dimensions: [("model", model.name)])
            .recordNanoseconds(took.components.seconds * 1_000_000_000 + took.components.attoseconds / 1_000_000_000)
        insert(model, for: key, cost: cost)
        return model
    }

    /// Adds (or replaces) an entry, evicting least recently used ones to stay within the capacity.
    public func insert(_ model: LoadedModel, for key: String, cost: Int) {
        let cost = max(0, cost)
        guard cost <= capacityBytes else { return }
        state.withLock { s in
            if let old = s.entries.removeValue(forKey: key) { s.bytes -= old.cost }
            while s.bytes + cost > capacityBytes, let victim = s.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                s.entries.removeValue(forKey: victim.key)
                s.bytes -= victim.value.cost
                s.evictions += 1
            }
            s.clock += 1
            s.entries[key] = Entry(model: model, cost: cost, lastUse: s.clock)
            s.bytes += cost
        }
    }

    public func contains(_ key: String) -> Bool { state.withLock { $0.entries[key] != nil } }

    public var statistics: Statistics {
        state.withLock { s in Statistics(models: s.entries.count, bytes: s.bytes, hits: s.hits, misses: s.misses, evictions: s.evictions) }
    }
}

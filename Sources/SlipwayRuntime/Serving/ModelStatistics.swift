import Foundation
import Synchronization

/// Triton's statistics extension for one served version (`GET /v2/models/NAME/versions/V/stats`), with its
/// counting rules: `inference_count` counts batch elements (a request of 8 rows adds 8), `execution_count`
/// counts model executions (8 requests joined into one batch add 1); `success`, `fail`, `queue` and
/// `compute_*` count requests (every request of a batch is charged the batch's compute time); a cache hit
/// adds to `success` and `inference_count` but not to `execution_count`; `batch_stats` has one entry per
/// executed batch size. Thread-safe.
public final class ModelStatistics: Sendable {
    /// `{"count": n, "ns": total}`.
    public struct DurationStat: Sendable, Hashable {
        public var count: Int = 0
        public var ns: UInt64 = 0

        mutating func add(_ nanoseconds: UInt64) {
            count += 1
            ns &+= nanoseconds
        }
    }

    /// `batch_stats[]`: executions of one batch size.
    public struct BatchStat: Sendable, Hashable {
        public var computeInput = DurationStat()
        public var computeInfer = DurationStat()
        public var computeOutput = DurationStat()
    }

    public struct Snapshot: Sendable, Hashable {
        public var success = DurationStat()
        public var fail = DurationStat()
        public var queue = DurationStat()
        public var computeInput = DurationStat()
        public var computeInfer = DurationStat()
        public var computeOutput = DurationStat()
        public var cacheHit = DurationStat()
        public var cacheMiss = DurationStat()
        public var inferenceCount = 0
        public var executionCount = 0
        /// Milliseconds since 1970 of the last finished request; 0 before any.
        public var lastInference: UInt64 = 0
        public var batches: [Int: BatchStat] = [:]
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Executions so far and their mean compute time (input, infer and output) in nanoseconds.
    public var meanCompute: (executions: Int, nanoseconds: UInt64) {
        state.withLock { s in
            let n = s.executionCount
            guard n > 0 else { return (0, 0) }
            let total = s.batches.values.reduce(UInt64(0)) { $0 &+ $1.computeInput.ns &+ $1.computeInfer.ns &+ $1.computeOutput.ns }
            return (n, total / UInt64(n))
        }
    }

    /// One model execution of `batchSize` rows.
    public func recordExecution(batchSize: Int, input: UInt64, infer: UInt64, output: UInt64) {
        state.withLock { s in
            s.executionCount += 1
            var b = s.batches[batchSize] ?? BatchStat()
            b.computeInput.add(input)
            b.computeInfer.add(infer)
            b.computeOutput.add(output)
            s.batches[batchSize] = b
        }
    }

    /// A request that ran on the model and succeeded.
    public func recordSuccess(rows: Int, total: UInt64, queue: UInt64, input: UInt64, infer: UInt64, output: UInt64) {
        let now = Self.nowMilliseconds()
        state.withLock { s in
            s.success.add(total)
            s.queue.add(queue)
            s.computeInput.add(input)
            s.computeInfer.add(infer)
            s.computeOutput.add(output)
            s.inferenceCount += rows
            s.lastInference = now
        }
    }

    /// A request answered from the response cache (`lookup` is the time the lookup took).
    public func recordCacheHit(rows: Int, total: UInt64, lookup: UInt64) {
        let now = Self.nowMilliseconds()
        state.withLock { s in
            s.success.add(total)
            s.cacheHit.add(lookup)
            s.inferenceCount += rows
            s.lastInference = now
        }
    }

    /// A cache lookup that found nothing (the request then runs the model).
    public func recordCacheMiss(lookup: UInt64) {
        state.withLock { s in s.cacheMiss.add(lookup) }
    }

    /// A request that failed (bad input, queue full, timed out, model error).
    public func recordFailure(total: UInt64) {
        let now = Self.nowMilliseconds()
        state.withLock { s in
            s.fail.add(total)
            s.lastInference = now
        }
    }

    static func nowMilliseconds() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }

    /// Writes Triton's `$model_stat` object.
    public func write(_ w: inout JSONWriter, name: String, version: String, memoryBytes: Int) {
        let s = snapshot
        w.raw("{\"name\":")
        w.string(name)
        w.raw(",\"version\":")
        w.string(version)
        w.raw(",\"last_inference\":")
        w.number(Int(clamping: s.lastInference))
        w.raw(",\"inference_count\":")
        w.number(s.inferenceCount)
        w.raw(",\"execution_count\":")
        w.number(s.executionCount)
        w.raw(",\"inference_stats\":{")
        let fields: [(String, DurationStat)] = [
            ("success", s.success), ("fail", s.fail), ("queue", s.queue), ("compute_input", s.computeInput),
            ("compute_infer", s.computeInfer), ("compute_output", s.computeOutput), ("cache_hit", s.cacheHit), ("cache_miss", s.cacheMiss),
        ]
        for (i, (key, stat)) in fields.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(key)
            w.raw(":")
            Self.write(&w, stat)
        }
        w.raw("},\"response_stats\":{},\"batch_stats\":[")
        for (i, size) in s.batches.keys.sorted().enumerated() {
            guard let b = s.batches[size] else { continue }
            if i > 0 { w.raw(",") }
            w.raw("{\"batch_size\":")
            w.number(size)
            w.raw(",\"compute_input\":")
            Self.write(&w, b.computeInput)
            w.raw(",\"compute_infer\":")
            Self.write(&w, b.computeInfer)
            w.raw(",\"compute_output\":")
            Self.write(&w, b.computeOutput)
            w.raw("}")
        }
        w.raw("],\"memory_usage\":[{\"type\":\"CPU\",\"id\":0,\"byte_size\":")
        w.number(memoryBytes)
        w.raw("}]}")
    }

    static func write(_ w: inout JSONWriter, _ stat: DurationStat) {
        w.raw("{\"count\":")
        w.number(stat.count)
        w.raw(",\"ns\":")
        w.number(Int(clamping: stat.ns))
        w.raw("}")
    }
}

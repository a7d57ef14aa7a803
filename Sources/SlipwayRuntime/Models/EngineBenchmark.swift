import Foundation
import SlipwayEngine
import SlipwayTensor

/// Measures one model's in-process latency on one request: what `slipway bench` prints.
public struct EngineBenchmark: Sendable {
    public struct Result: Sendable {
        public var model: String
        public var batch: Int
        public var iterations: Int
        public var threads: Int
        public var medianMicroseconds: Double
        public var p90Microseconds: Double
        public var p99Microseconds: Double
        public var meanMicroseconds: Double
        public var rowsPerSecond: Double
        public var peakResidentBytes: Int

        /// `{"model","batch","iterations","threads","median_us","p90_us","p99_us","mean_us","rows_per_s","peak_rss_bytes"}`
        public func json() -> String {
            var w = JSONWriter()
            w.raw("{\"model\":")
            w.string(model)
            w.raw(",\"batch\":")
            w.number(batch)
            w.raw(",\"iterations\":")
            w.number(iterations)
            w.raw(",\"threads\":")
            w.number(threads)
            for (key, value) in [
                ("median_us", medianMicroseconds), ("p90_us", p90Microseconds), ("p99_us", p99Microseconds),
                ("mean_us", meanMicroseconds), ("rows_per_s", rowsPerSecond),
            ] {
                w.raw(",\"\(key)\":")
                w.number((value * 1000).rounded() / 1000)
            }
            w.raw(",\"peak_rss_bytes\":")
            w.number(peakResidentBytes)
            w.raw("}")
            return String(decoding: w.bytes, as: UTF8.self)
        }

        public func text() -> String {
            func f(_ v: Double) -> String { String(format: "%.2f", v) }
            return """
                model        \(model)
                batch        \(batch)
                iterations   \(iterations) (threads \(threads))
                median       \(f(medianMicroseconds)) µs
                p90          \(f(p90Microseconds)) µs
                p99          \(f(p99Microseconds)) µs
                mean         \(f(meanMicroseconds)) µs
                throughput   \(f(rowsPerSecond)) rows/s
                peak RSS     \(peakResidentBytes / 1024) KiB
                """
        }
    }

    public var iterations: Int
    public var warmup: Int
    public var threads: Int

    public init(iterations: Int = 1000, warmup: Int = 100, threads: Int = 1) throws(InferenceError) {
        guard iterations > 0 else { throw .badRequest("--iterations must be at least 1, got \(iterations)") }
        guard warmup >= 0 else { throw .badRequest("--warmup must be 0 or more, got \(warmup)") }
        guard threads > 0 else { throw .badRequest("--threads must be at least 1, got \(threads)") }
        self.iterations = iterations
        self.warmup = warmup
        self.threads = threads
    }

    /// Runs the plan `warmup` times untimed, then `iterations` times, timing each `run` call alone
    /// (inputs are decoded once, before timing, as a session's inputs would be).
    public func run(_ model: LoadedModel, request: InferenceRequest) throws(InferenceError) -> Result {
        var feeds: [String: Value] = [:]
        for input in request.inputs { feeds[input.name] = .tensor(input.tensor) }
        let batch = request.inputs.first?.tensor.shape.first ?? 1
        let context = RunContext.threads(threads)
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        do {
            for _ in 0..<warmup { _ = try model.plan.run(feeds, context: context) }
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                let outputs = try model.plan.run(feeds, context: context)
                let end = DispatchTime.now().uptimeNanoseconds
                withExtendedLifetime(outputs) {}
                samples.append(Double(end - start) / 1000)
            }
        } catch {
            throw InferenceError.wrap(error)
        }
        samples.sort()
        func percentile(_ p: Double) -> Double {
            let rank = p * Double(samples.count - 1)
            let lower = Int(rank.rounded(.down))
            let upper = min(lower + 1, samples.count - 1)
            return samples[lower] + (samples[upper] - samples[lower]) * (rank - Double(lower))
        }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let median = percentile(0.5)
        return Result(
            model: model.name, batch: batch, iterations: iterations, threads: threads, medianMicroseconds: median,
            p90Microseconds: percentile(0.9), p99Microseconds: percentile(0.99), meanMicroseconds: mean,
            rowsPerSecond: median > 0 ? Double(batch) * 1_000_000 / median : 0, peakResidentBytes: Self.peakResidentBytes())
    }

    /// The process's peak resident set size (`ru_maxrss`, kilobytes on Linux).
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
            guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
            return Int(usage.ru_maxrss) * 1024
        #else
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
            return Int(usage.ru_maxrss)
        #endif
    }
}

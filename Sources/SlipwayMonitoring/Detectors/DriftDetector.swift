/// A concept-drift detector fed one value at a time, as River's `update(x)`; after a drift the next
/// update first resets the detector to its initial state.
public protocol DriftDetector: Sendable {
    mutating func update(_ x: Double)
    var driftDetected: Bool { get }
    var warningDetected: Bool { get }
}

/// River's running statistics (`river.stats.Mean`, `Var` with ddof 1).
struct RunningMean: Sendable {
    var n = 0.0
    var mean = 0.0

    mutating func update(_ x: Double) {
        n += 1
        mean += (x - mean) / n
    }
}

struct RunningVar: Sendable {
    var mean = RunningMean()
    var s = 0.0

    mutating func update(_ x: Double) {
        let old = mean.mean
        mean.update(x)
        s += (x - old) * (x - mean.mean)
    }

    var variance: Double { mean.n > 1 ? s / (mean.n - 1) : 0 }
}

/// The detectors, by CLI name.
public enum DetectorKind: String, Sendable, CaseIterable {
    case adwin, ddm, eddm
    case hddmA = "hddm_a"
    case hddmW = "hddm_w"
    case fhddm
    case pageHinkley = "page_hinkley"
    case kswin

    /// Builds a detector from River's constructor parameters (`name=value` strings); unknown names and
    /// malformed or out-of-range values are errors.
    public func make(parameters: [String: String]) throws(DriftError) -> any DriftDetector {
        var p = Parameters(values: parameters, detector: rawValue)
        let detector: any DriftDetector
        switch self {
        case .adwin:
            detector = try ADWIN(
                delta: p.double("delta", 0.002, open: 0, 1), clock: p.int("clock", 32, min: 1),
                maxBuckets: p.int("max_buckets", 5, min: 1), minWindowLength: p.int("min_window_length", 5, min: 1),
                gracePeriod: p.int("grace_period", 10, min: 0))
        case .ddm:
            detector = DDM(
                warmStart: try p.int("warm_start", 30, min: 0), warningThreshold: try p.double("warning_threshold", 2.0, open: 0, nil),
                driftThreshold: try p.double("drift_threshold", 3.0, open: 0, nil))
        case .eddm:
            detector = EDDM(
                warmStart: try p.int("warm_start", 30, min: 0), alpha: try p.double("alpha", 0.95, open: 0, nil),
                beta: try p.double("beta", 0.9, open: 0, nil))
        case .hddmA:
            detector = HDDMA(
                driftConfidence: try p.double("drift_confidence", 0.001, open: 0, 1),
                warningConfidence: try p.double("warning_confidence", 0.005, open: 0, 1),
                twoSidedTest: try p.bool("two_sided_test", false))
        case .hddmW:
            detector = HDDMW(
                driftConfidence: try p.double("drift_confidence", 0.001, open: 0, 1),
                warningConfidence: try p.double("warning_confidence", 0.005, open: 0, 1),
                lambda: try p.double("lambda_val", 0.05, open: 0, 1), twoSidedTest: try p.bool("two_sided_test", false))
        case .fhddm:
            let size = try p.int("sliding_window_size", 100, min: 1)
            let short = try p.optionalInt("short_window_size", min: 1)
            if let short, short >= size {
                throw .invalid("fhddm: short_window_size (\(short)) must be smaller than sliding_window_size (\(size))")
            }
            detector = FHDDM(
                slidingWindowSize: size, confidenceLevel: try p.double("confidence_level", 1e-6, open: 0, 1),
                shortWindowSize: short)
        case .pageHinkley:
            let mode = p.string("mode", "both")
            guard ["up", "down", "both"].contains(mode) else {
                throw .invalid("page_hinkley: mode must be 'up', 'down' or 'both', not '\(mode)'")
            }
            detector = PageHinkley(
                minInstances: try p.int("min_instances", 30, min: 0), delta: try p.double("delta", 0.005, open: nil, nil),
                threshold: try p.double("threshold", 50.0, open: nil, nil), alpha: try p.double("alpha", 1 - 0.0001, open: 0, nil),
                mode: mode)
        case .kswin:
            let window = try p.int("window_size", 100, min: 2)
            let stat = try p.int("stat_size", 30, min: 1)
            guard stat < window, stat <= window - stat else {
                throw .invalid("kswin: stat_size (\(stat)) must be at most half of window_size (\(window))")
            }
            detector = KSWIN(
                alpha: try p.double("alpha", 0.005, open: 0, 1), windowSize: window, statSize: stat,
                seed: try p.optionalInt("seed", min: Int.min))
        }
        try p.finish()
        return detector
    }
}

/// The indices (0-based) where a detector reported drift and warning.
public struct DetectorTrace: Sendable, Equatable {
    public var driftIndices: [Int]
    public var warningIndices: [Int]

    public func json() -> String {
        "{\"drift_indices\":[" + driftIndices.map(String.init).joined(separator: ",") + "],\"warning_indices\":["
            + warningIndices.map(String.init).joined(separator: ",") + "]}"
    }
}

extension DetectorKind {
    /// Feeds every value and records the flags after each update.
    public func run(_ values: [Double], parameters: [String: String] = [:]) throws(DriftError) -> DetectorTrace {
        var detector = try make(parameters: parameters)
        return Self.trace(&detector, values)
    }

    static func trace(_ detector: inout any DriftDetector, _ values: [Double]) -> DetectorTrace {
        var drift: [Int] = []
        var warning: [Int] = []
        for (i, x) in values.enumerated() {
            detector.update(x)
            if detector.driftDetected { drift.append(i) }
            if detector.warningDetected { warning.append(i) }
        }
        return DetectorTrace(driftIndices: drift, warningIndices: warning)
    }
}

/// Parses `name=value` parameters, remembering which were used.
struct Parameters {
    var values: [String: String]
    var detector: String
    var used: Set<String> = []

    mutating func raw(_ name: String) -> String? {
        used.insert(name)
        return values[name]
    }

    mutating func string(_ name: String, _ fallback: String) -> String { raw(name) ?? fallback }

    mutating func double(_ name: String, _ fallback: Double, open lo: Double?, _ hi: Double?) throws(DriftError) -> Double {
        guard let text = raw(name) else { return fallback }
        guard let v = Double(text), v.isFinite else {
            throw .invalid("\(detector): parameter \(name) must be a number, not '\(text)'")
        }
        if let lo, v <= lo { throw .invalid("\(detector): parameter \(name) must be greater than \(lo), got \(text)") }
        if let hi, v >= hi { throw .invalid("\(detector): parameter \(name) must be less than \(hi), got \(text)") }
        return v
    }

    mutating func int(_ name: String, _ fallback: Int, min: Int) throws(DriftError) -> Int {
        guard let text = raw(name) else { return fallback }
        guard let v = Int(text) else { throw .invalid("\(detector): parameter \(name) must be an integer, not '\(text)'") }
        guard v >= min else { throw .invalid("\(detector): parameter \(name) must be at least \(min), got \(v)") }
        return v
    }

    mutating func optionalInt(_ name: String, min: Int) throws(DriftError) -> Int? {
        guard let text = raw(name), text != "None", text != "null" else { return nil }
        guard let v = Int(text) else { throw .invalid("\(detector): parameter \(name) must be an integer, not '\(text)'") }
        guard v >= min else { throw .invalid("\(detector): parameter \(name) must be at least \(min), got \(v)") }
        return v
    }

    mutating func bool(_ name: String, _ fallback: Bool) throws(DriftError) -> Bool {
        guard let text = raw(name) else { return fallback }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .invalid("\(detector): parameter \(name) must be true or false, not '\(text)'")
        }
    }

    func finish() throws(DriftError) {
        let unknown = Set(values.keys).subtracting(used).sorted()
        if let first = unknown.first {
            throw DriftError(.invalidInput, "\(detector): unknown parameter '\(first)'")
        }
    }
}

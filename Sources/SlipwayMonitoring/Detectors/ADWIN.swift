import RealModule

/// ADWIN (adaptive windowing, Bifet & Gavaldà), as River 0.26 implements it: an exponential histogram of
/// buckets; every `clock` updates, each cut point from oldest to newest is tested with the Hoeffding-style
/// bound, and the oldest bucket is dropped while a cut fires.
public struct ADWIN: DriftDetector {
    public let delta: Double
    public let clock: Int
    public let maxBuckets: Int
    public let minWindowLength: Int
    public let gracePeriod: Int

    /// rows[i] holds (sum, variance) buckets of 2^i points each, oldest first.
    private var rows: [[(sum: Double, variance: Double)]] = [[]]
    private var width = 0.0
    private var total = 0.0
    private var variance = 0.0
    private var tick = 0
    public private(set) var driftDetected = false
    public var warningDetected: Bool { false }

    public init(delta: Double = 0.002, clock: Int = 32, maxBuckets: Int = 5, minWindowLength: Int = 5, gracePeriod: Int = 10)
        throws(DriftError)
    {
        guard delta > 0, delta < 1 else { throw .invalid("adwin: delta must be in (0, 1)") }
        self.delta = delta
        self.clock = max(clock, 1)
        self.maxBuckets = max(maxBuckets, 1)
        self.minWindowLength = max(minWindowLength, 1)
        self.gracePeriod = gracePeriod
    }

    /// The mean of the current window.
    public var estimation: Double { width > 0 ? total / width : 0 }
    public var windowWidth: Double { width }

    private mutating func reset() {
        rows = [[]]
        width = 0
        total = 0
        variance = 0
        tick = 0
        driftDetected = false
    }

    public mutating func update(_ x: Double) {
        if driftDetected { reset() }
        insert(x)
        driftDetected = detect()
    }

    private mutating func insert(_ x: Double) {
        rows[0].append((x, 0))
        width += 1
        if width > 1 {
            let d = x - total / (width - 1)
            variance += (width - 1) * d * d / width
        }
        total += x
        var i = 0
        while i < rows.count && rows[i].count == maxBuckets + 1 {
            let size = Double.pow(2, Double(i))
            let a = rows[i][0]
            let b = rows[i][1]
            let diff = a.sum / size - b.sum / size
            let merged = (a.sum + b.sum, a.variance + b.variance + size * 0.5 * diff * diff)
            if i + 1 == rows.count { rows.append([]) }
            rows[i + 1].append(merged)
            rows[i].removeFirst(2)
            i += 1
            if rows[i].count <= maxBuckets { break }
        }
    }

    private mutating func detect() -> Bool {
        tick += 1
        guard tick % clock == 0, width > Double(gracePeriod) else { return false }
        var detected = false
        var again = true
        while again {
            again = false
            let deltaPrime = Double.log(2 * Double.log(width) / delta)
            let v = variance / width
            var n0 = 0.0
            var u0 = 0.0
            var n1 = width
            var u1 = total
            let mwl = Double(minWindowLength)
            scan: for i in stride(from: rows.count - 1, through: 0, by: -1) {
                let size = Double.pow(2, Double(i))
                for (k, bucket) in rows[i].enumerated() {
                    if i == 0 && k == rows[0].count - 1 { break scan }
                    n0 += size
                    u0 += bucket.sum
                    n1 -= size
                    u1 -= bucket.sum
                    if n0 >= mwl && n1 >= mwl {
                        let m = 1 / (n0 - mwl + 1) + 1 / (n1 - mwl + 1)
                        let epsilon = (2 * m * v * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * m
                        if abs(u0 / n0 - u1 / n1) > epsilon {
                            detected = true
                            again = deleteOldest()
                            break scan
                        }
                    }
                }
            }
        }
        return detected
    }

    /// Removes the oldest bucket; returns false when the window became empty.
    private mutating func deleteOldest() -> Bool {
        guard let top = rows.indices.last, let bucket = rows[top].first else { return false }
        let size = Double.pow(2, Double(top))
        width -= size
        total -= bucket.sum
        if width > 0 {
            let d = bucket.sum / size - total / width
            variance -= bucket.variance + size * width * d * d / (size + width)
        } else {
            variance = 0
        }
        rows[top].removeFirst()
        if rows[top].isEmpty && top > 0 { rows.removeLast() }
        return width > 0
    }
}

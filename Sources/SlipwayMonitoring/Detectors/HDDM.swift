import RealModule

/// HDDM_A (Frías-Blanco et al.), Hoeffding's bound on moving averages, as River's `drift.binary.HDDMA`.
public struct HDDMA: DriftDetector {
    public let driftConfidence: Double
    public let warningConfidence: Double
    public let twoSidedTest: Bool
    private var z = RunningMean()
    private var xMin = RunningMean()
    private var xMax = RunningMean()
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    public init(driftConfidence: Double = 0.001, warningConfidence: Double = 0.005, twoSidedTest: Bool = false) {
        self.driftConfidence = driftConfidence
        self.warningConfidence = warningConfidence
        self.twoSidedTest = twoSidedTest
    }

    private func epsilon(_ n: Double) -> Double { (Double.log(1 / driftConfidence) / (2 * n)).squareRoot() }

    private func increase(_ alpha: Double) -> Bool {
        if xMin.n == z.n { return false }
        let m = (z.n - xMin.n) / xMin.n * (1 / z.n)
        return z.mean - xMin.mean >= (m / 2 * Double.log(2 / alpha)).squareRoot()
    }

    private func decrease(_ alpha: Double) -> Bool {
        if xMax.n == z.n { return false }
        let m = (z.n - xMax.n) / xMax.n * (1 / z.n)
        return xMax.mean - z.mean >= (m / 2 * Double.log(2 / alpha)).squareRoot()
    }

    public mutating func update(_ x: Double) {
        if driftDetected {
            self = HDDMA(driftConfidence: driftConfidence, warningConfidence: warningConfidence, twoSidedTest: twoSidedTest)
        }
        z.update(x)
        if xMin.n == 0 { xMin = z }
        if xMax.n == 0 { xMax = z }
        if xMin.mean + epsilon(xMin.n) >= z.mean + epsilon(z.n) { xMin = z }
        if xMax.mean - epsilon(xMax.n) <= z.mean - epsilon(z.n) { xMax = z }
        if increase(driftConfidence) {
            driftDetected = true
            warningDetected = false
        } else if increase(warningConfidence) {
            driftDetected = false
            warningDetected = true
        } else {
            driftDetected = false
            warningDetected = false
        }
        if twoSidedTest {
            if decrease(driftConfidence) {
                driftDetected = true
            } else if decrease(warningConfidence) {
                warningDetected = true
            }
        }
    }
}

/// HDDM_W (Frías-Blanco et al.), Hoeffding-style bounds on EWMAs, as River's `drift.binary.HDDMW`.
public struct HDDMW: DriftDetector {
    struct SampleInfo {
        var ewma = 0.0
        var initialized = false
        var ibc = 1.0

        mutating func update(_ x: Double, _ lambda: Double) {
            ewma = initialized ? lambda * x + (1 - lambda) * ewma : x
            initialized = true
            ibc = lambda * lambda + (1 - lambda) * (1 - lambda) * ibc
        }
    }

    public let driftConfidence: Double
    public let warningConfidence: Double
    public let lambda: Double
    public let twoSidedTest: Bool
    private var total = SampleInfo()
    private var s1Incr = SampleInfo()
    private var s2Incr = SampleInfo()
    private var s1Decr = SampleInfo()
    private var s2Decr = SampleInfo()
    private var incrCut = Double.infinity
    private var decrCut = -Double.infinity
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    public init(driftConfidence: Double = 0.001, warningConfidence: Double = 0.005, lambda: Double = 0.05, twoSidedTest: Bool = false) {
        self.driftConfidence = driftConfidence
        self.warningConfidence = warningConfidence
        self.lambda = lambda
        self.twoSidedTest = twoSidedTest
    }

    private static func bound(_ ibc: Double, _ confidence: Double) -> Double {
        (ibc * Double.log(1 / confidence) / 2).squareRoot()
    }

    private func increase(_ alpha: Double) -> Bool {
        guard s1Incr.initialized, s2Incr.initialized else { return false }
        return s2Incr.ewma - s1Incr.ewma > Self.bound(s1Incr.ibc + s2Incr.ibc, alpha)
    }

    private func decrease(_ alpha: Double) -> Bool {
        guard s1Decr.initialized, s2Decr.initialized else { return false }
        return s1Decr.ewma - s2Decr.ewma > Self.bound(s1Decr.ibc + s2Decr.ibc, alpha)
    }

    public mutating func update(_ x: Double) {
        if driftDetected {
            self = HDDMW(
                driftConfidence: driftConfidence, warningConfidence: warningConfidence, lambda: lambda,
                twoSidedTest: twoSidedTest)
        }
        total.update(x, lambda)
        var e = Self.bound(total.ibc, driftConfidence)
        if total.ewma + e < incrCut {
            incrCut = total.ewma + e
            s1Incr = total
            s2Incr = SampleInfo()
        } else {
            s2Incr.update(x, lambda)
        }
        if increase(driftConfidence) {
            driftDetected = true
            warningDetected = false
        } else if increase(warningConfidence) {
            driftDetected = false
            warningDetected = true
        } else {
            driftDetected = false
            warningDetected = false
        }
        e = Self.bound(total.ibc, driftConfidence)
        if total.ewma - e > decrCut {
            decrCut = total.ewma - e
            s1Decr = total
            s2Decr = SampleInfo()
        } else {
            s2Decr.update(x, lambda)
        }
        if twoSidedTest {
            if decrease(driftConfidence) {
                driftDetected = true
            } else if decrease(warningConfidence) {
                warningDetected = true
            }
        }
    }
}

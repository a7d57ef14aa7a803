/// DDM, the Drift Detection Method (Gama et al. 2004), as River's `drift.binary.DDM`; x = 1 is an error.
public struct DDM: DriftDetector {
    public let warmStart: Int
    public let warningThreshold: Double
    public let driftThreshold: Double
    private var mean = RunningMean()
    private var pMin = Double.infinity
    private var sMin = Double.infinity
    private var psMin = Double.infinity
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    public init(warmStart: Int = 30, warningThreshold: Double = 2.0, driftThreshold: Double = 3.0) {
        self.warmStart = warmStart
        self.warningThreshold = warningThreshold
        self.driftThreshold = driftThreshold
    }

    public mutating func update(_ x: Double) {
        if driftDetected { self = DDM(warmStart: warmStart, warningThreshold: warningThreshold, driftThreshold: driftThreshold) }
        mean.update(x)
        let p = mean.mean
        let s = (p * (1 - p) / mean.n).squareRoot()
        guard mean.n > Double(warmStart) else { return }
        if p + s <= psMin {
            pMin = p
            sMin = s
            psMin = p + s
        }
        warningDetected = p + s > pMin + warningThreshold * sMin
        if p + s > pMin + driftThreshold * sMin {
            driftDetected = true
            warningDetected = false
        }
    }
}

/// EDDM, the Early Drift Detection Method (Baena-García et al.), as River's `drift.binary.EDDM`.
public struct EDDM: DriftDetector {
    public let warmStart: Int
    public let alpha: Double
    public let beta: Double
    private var n = 0
    private var nErrors = 0
    private var lastError = 0
    private var distances = RunningVar()
    private var p2sMax = -1.0
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    public init(warmStart: Int = 30, alpha: Double = 0.95, beta: Double = 0.9) {
        self.warmStart = warmStart
        self.alpha = alpha
        self.beta = beta
    }

    public mutating func update(_ x: Double) {
        if driftDetected { self = EDDM(warmStart: warmStart, alpha: alpha, beta: beta) }
        n += 1
        guard x == 1 else { return }
        nErrors += 1
        distances.update(Double(n - lastError))
        if n > warmStart {
            let p2s = distances.mean.mean + 2 * distances.variance.squareRoot()
            if p2s > p2sMax {
                p2sMax = p2s
            } else if nErrors > warmStart {
                let level = p2s / p2sMax
                if level < beta {
                    driftDetected = true
                } else if level < alpha {
                    warningDetected = true
                } else {
                    warningDetected = false
                }
            }
        }
        lastError = n
    }
}

/// The Page–Hinkley test, as River's `drift.PageHinkley`.
public struct PageHinkley: DriftDetector {
    public let minInstances: Int
    public let delta: Double
    public let threshold: Double
    public let alpha: Double
    public let mode: String
    private var mean = RunningMean()
    private var sumInc = 0.0
    private var sumDec = 0.0
    private var minInc = Double.infinity
    private var maxDec = -1.0
    public private(set) var driftDetected = false
    public var warningDetected: Bool { false }

    public init(minInstances: Int = 30, delta: Double = 0.005, threshold: Double = 50, alpha: Double = 1 - 0.0001, mode: String = "both") {
        self.minInstances = minInstances
        self.delta = delta
        self.threshold = threshold
        self.alpha = alpha
        self.mode = mode
    }

    public mutating func update(_ x: Double) {
        if driftDetected {
            self = PageHinkley(minInstances: minInstances, delta: delta, threshold: threshold, alpha: alpha, mode: mode)
        }
        mean.update(x)
        let dev = x - mean.mean
        sumInc = alpha * sumInc + dev - delta
        sumDec = alpha * sumDec + dev + delta
        minInc = min(minInc, sumInc)
        maxDec = max(maxDec, sumDec)
        guard mean.n >= Double(minInstances) else { return }
        let up = sumInc - minInc > threshold
        let down = maxDec - sumDec > threshold
        switch mode {
        case "up": driftDetected = up
        case "down": driftDetected = down
        default: driftDetected = up || down
        }
    }
}

/// KSWIN (Raab et al.), as River's `drift.KSWIN`: once the window is full, a two-sample KS test between
/// `stat_size` values sampled (Python `random.sample`) from the older part and the newest `stat_size`.
public struct KSWIN: DriftDetector {
    public let alpha: Double
    public let windowSize: Int
    public let statSize: Int
    public let seed: Int?
    private var window: [Double] = []
    private var rng: MersenneTwister
    /// The p-value of the last test (NaN before the window is full).
    public private(set) var pValue = Double.nan
    public private(set) var driftDetected = false
    public var warningDetected: Bool { false }

    public init(alpha: Double = 0.005, windowSize: Int = 100, statSize: Int = 30, seed: Int? = nil) {
        self.alpha = alpha
        self.windowSize = windowSize
        self.statSize = statSize
        self.seed = seed
        self.rng = MersenneTwister(pythonSeed: seed ?? Int(UInt32.random(in: 0...UInt32.max)))
    }

    public mutating func update(_ x: Double) {
        if driftDetected { self = KSWIN(alpha: alpha, windowSize: windowSize, statSize: statSize, seed: seed) }
        window.append(x)
        if window.count > windowSize { window.removeFirst() }
        guard window.count == windowSize else { return }
        let positions = rng.sample(populationSize: windowSize - statSize, count: statSize)
        let sampled = positions.map { window[$0] }.sorted()
        let recent = window[(windowSize - statSize)...].sorted()
        let d = StatTests.ksStatistic(sampled, recent)
        pValue = KolmogorovDistribution.twoSamplePValue(d: d, n1: statSize, n2: statSize).pValue
        driftDetected = pValue <= alpha && d > 0.1
        if driftDetected { window = Array(window[(windowSize - statSize)...]) }
    }
}

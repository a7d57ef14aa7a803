import RealModule

/// FHDDM (Pesaranghader & Viktor), as River's `drift.binary.FHDDM`: drift when the window mean falls more
/// than ε below its maximum (optionally also on a short window). It never warns.
public struct FHDDM: DriftDetector {
    public let slidingWindowSize: Int
    public let confidenceLevel: Double
    public let shortWindowSize: Int?
    private var window: [Double] = []
    private var head = 0
    private var uMax = 0.0
    private var uShortMax = 0.0
    public private(set) var driftDetected = false
    public var warningDetected: Bool { false }

    public init(slidingWindowSize: Int = 100, confidenceLevel: Double = 1e-6, shortWindowSize: Int? = nil) {
        self.slidingWindowSize = slidingWindowSize
        self.confidenceLevel = confidenceLevel
        self.shortWindowSize = shortWindowSize
    }

    private func epsilon(_ size: Int) -> Double { (Double.log(1 / confidenceLevel) / (2 * Double(size))).squareRoot() }

    public mutating func update(_ x: Double) {
        if driftDetected {
            self = FHDDM(slidingWindowSize: slidingWindowSize, confidenceLevel: confidenceLevel, shortWindowSize: shortWindowSize)
        }
        window.append(x)
        guard window.count - head == slidingWindowSize else { return }
        var sum = 0.0
        for v in window[head...] { sum += v }
        let u = sum / Double(slidingWindowSize)
        uMax = max(uMax, u)
        var drift = uMax - u > epsilon(slidingWindowSize)
        if let short = shortWindowSize {
            var s = 0.0
            for v in window[(window.count - short)...] { s += v }
            let us = s / Double(short)
            uShortMax = max(uShortMax, us)
            if uShortMax - us > epsilon(short) { drift = true }
        }
        driftDetected = drift
        head += 1
        if head > 4096 {
            window.removeFirst(head)
            head = 0
        }
    }
}

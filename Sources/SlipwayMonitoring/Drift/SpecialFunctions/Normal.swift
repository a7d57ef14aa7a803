import RealModule

/// The standard normal distribution.
public enum NormalDistribution {
    /// Φ(x), computed as cephes `ndtr` does (erf near 0, erfc in the tails).
    public static func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let t = x * 0.5.squareRoot()
        let z = abs(t)
        if z < 0.5.squareRoot() { return 0.5 + 0.5 * Double.erf(t) }
        let y = 0.5 * Double.erfc(z)
        return t > 0 ? 1 - y : y
    }

    /// The survival function `1 - Φ(x)`, accurate in the upper tail (scipy `norm.sf`).
    public static func sf(_ x: Double) -> Double { cdf(-x) }
}

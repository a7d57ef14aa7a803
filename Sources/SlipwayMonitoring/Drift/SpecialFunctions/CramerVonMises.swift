import RealModule

/// The limiting distribution of the Cramér–von Mises statistic.
public enum CramerVonMisesDistribution {
    /// The Csörgő–Faraway series for the CDF of the limiting distribution, summed as scipy does:
    /// terms are added until one (which is still added) is below 1e-7 in absolute value.
    public static func cdfLimit(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x.isNaN ? .nan : (x <= 0 ? 0 : 1) }
        var total = 0.0
        var k = 0.0
        let piPow = Double.pow(Double.pi, 1.5)
        while k < 10_000 {
            let u = Double.exp(Double.logGamma(k + 0.5) - Double.logGamma(k + 1)) / (piPow * x.squareRoot())
            let y = 4 * k + 1
            let q = y * y / (16 * x)
            let term = u * y.squareRoot() * Double.exp(-q) * BesselFunctions.k(0.25, q)
            total += term
            if !(abs(term) >= 1e-7) { break }
            k += 1
        }
        return total
    }
}

import RealModule

/// The hypergeometric distribution and Fisher's exact test on a 2×2 table.
public enum HypergeometricDistribution {
    /// `ln C(n, k)`.
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        Double.logGamma(Double(n) + 1) - Double.logGamma(Double(k) + 1) - Double.logGamma(Double(n - k) + 1)
    }

    /// P(X = x) for X ~ Hypergeometric(total population, successes in population, draws).
    public static func pmf(_ x: Int, total: Int, successes: Int, draws: Int) -> Double {
        let lo = max(0, draws - (total - successes))
        let hi = min(draws, successes)
        guard x >= lo, x <= hi else { return 0 }
        return Double.exp(
            logChoose(successes, x) + logChoose(total - successes, draws - x) - logChoose(total, draws))
    }

    /// Two-sided Fisher exact p-value of `[[a, b], [c, d]]`: the total probability of the tables with the
    /// same margins that are no more likely than the observed one (relative tolerance 1e-7, as scipy).
    public static func fisherExactTwoSided(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
        let row1 = a + b
        let col1 = a + c
        let total = a + b + c + d
        if row1 == 0 || col1 == 0 || c + d == 0 || b + d == 0 { return 1 }
        let observed = pmf(a, total: total, successes: row1, draws: col1)
        let lo = max(0, col1 - (total - row1))
        let hi = min(col1, row1)
        var p = 0.0
        for x in lo...hi {
            let q = pmf(x, total: total, successes: row1, draws: col1)
            if q <= observed * (1 + 1e-7) { p += q }
        }
        return min(p, 1)
    }
}

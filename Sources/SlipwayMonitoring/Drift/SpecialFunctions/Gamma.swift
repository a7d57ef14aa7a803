import RealModule

/// The gamma family: regularised incomplete gamma functions and the chi-square survival function.
public enum GammaFunctions {
    /// `ln Γ(x)` for x > 0.
    public static func logGamma(_ x: Double) -> Double { Double.logGamma(x) }

    /// The regularised upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)` (a > 0, x >= 0).
    public static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x.isFinite || x == .infinity, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        if x < a + 1 { return 1 - lowerSeries(a, x) }
        return upperContinuedFraction(a, x)
    }

    /// The regularised lower incomplete gamma function `P(a, x) = 1 - Q(a, x)`.
    public static func lowerRegularized(_ a: Double, _ x: Double) -> Double {
        guard a > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return 1 }
        if x < a + 1 { return lowerSeries(a, x) }
        return 1 - upperContinuedFraction(a, x)
    }

    /// `exp(-x + a ln x - ln Γ(a))`, the common prefactor.
    private static func prefactor(_ a: Double, _ x: Double) -> Double {
        Double.exp(-x + a * Double.log(x) - Double.logGamma(a))
    }

    /// P(a, x) by its power series; converges quickly for x < a + 1.
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a
        var term = 1 / a
        var sum = term
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * prefactor(a, x)
    }

    /// Q(a, x) by Legendre's continued fraction (modified Lentz); converges quickly for x > a + 1.
    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return prefactor(a, x) * h
    }

    /// The chi-square survival function `P(X >= x)` with `df` degrees of freedom (scipy `chi2.sf`).
    public static func chiSquareSF(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x.isNaN || df.isNaN || df <= 0 { return .nan }
        if x == .infinity { return 0 }
        if x <= 0 { return 1 }
        return upperRegularized(df / 2, x / 2)
    }
}

import RealModule

/// Modified Bessel functions of the second kind.
public enum BesselFunctions {
    /// `K_ν(x)` for real ν and x > 0, from `K_ν(x) = ∫_0^∞ exp(-x cosh t) cosh(ν t) dt` by the
    /// trapezoidal rule, which converges geometrically for this analytic, doubly decaying integrand.
    public static func k(_ nu: Double, _ x: Double) -> Double {
        if x.isNaN || nu.isNaN { return .nan }
        if x <= 0 { return .infinity }
        if x > 700 { return 0 }
        let h = 0.02
        var sum = 0.5 * Double.exp(-x)
        var t = h
        while true {
            let term = Double.exp(-x * Double.cosh(t)) * Double.cosh(nu * t)
            sum += term
            if term < sum * 1e-18 || t > 60 { break }
            t += h
        }
        return sum * h
    }
}

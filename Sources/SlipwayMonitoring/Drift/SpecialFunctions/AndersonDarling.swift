import RealModule

/// Critical values and p-value interpolation of the k-sample Anderson–Darling test (Scholz & Stephens
/// 1987), as scipy `anderson_ksamp` computes them.
public enum AndersonDarlingDistribution {
    /// The significance levels the critical values belong to.
    public static let significanceLevels: [Double] = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001]
    static let b0: [Double] = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085]
    static let b1: [Double] = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615]
    static let b2: [Double] = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154]

    /// The critical values for k samples (`b0 + b1/sqrt(m) + b2/m`, m = k - 1).
    public static func criticalValues(samples k: Int) -> [Double] {
        let m = Double(k - 1)
        return (0..<7).map { b0[$0] + b1[$0] / m.squareRoot() + b2[$0] / m }
    }

    /// The p-value of a standardised statistic: 0.25 below every critical value, 0.001 above every one,
    /// otherwise `exp(q(A2))` with q the least-squares quadratic through (critical, ln significance).
    public static func pValue(standardized a2: Double, samples k: Int) -> Double {
        let critical = criticalValues(samples: k)
        guard let lo = critical.min(), let hi = critical.max() else { return .nan }
        if a2 < lo { return 0.25 }
        if a2 > hi { return 0.001 }
        let ys = significanceLevels.map { Double.log($0) }
        let coeffs = quadraticFit(x: critical, y: ys)
        return Double.exp((coeffs.0 * a2 + coeffs.1) * a2 + coeffs.2)
    }

    /// Least-squares `y ≈ c2 x² + c1 x + c0` through the points (centred for conditioning); returns
    /// (c2, c1, c0).
    static func quadraticFit(x: [Double], y: [Double]) -> (Double, Double, Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let u = x.map { $0 - mean }
        var s = [Double](repeating: 0, count: 5)
        var t = [Double](repeating: 0, count: 3)
        for (ui, yi) in zip(u, y) {
            var p = 1.0
            for e in 0..<5 {
                s[e] += p
                if e < 3 { t[e] += p * yi }
                p *= ui
            }
        }
        // Normal equations for y ≈ a u² + b u + c.
        var mat = [[s[4], s[3], s[2], t[2]], [s[3], s[2], s[1], t[1]], [s[2], s[1], s[0], t[0]]]
        for col in 0..<3 {
            var pivot = col
            for r in col..<3 where abs(mat[r][col]) > abs(mat[pivot][col]) { pivot = r }
            mat.swapAt(col, pivot)
            for r in 0..<3 where r != col {
                let f = mat[r][col] / mat[col][col]
                for c in col..<4 { mat[r][c] -= f * mat[col][c] }
            }
        }
        let a = mat[0][3] / mat[0][0]
        let b = mat[1][3] / mat[1][1]
        let c = mat[2][3] / mat[2][2]
        // Expand a (x - mean)² + b (x - mean) + c.
        return (a, b - 2 * a * mean, a * mean * mean - b * mean + c)
    }
}

import RealModule

/// Kolmogorov–Smirnov distributions: the exact two-sample null distribution (Hodges; Viehmann's
/// inside-method recursion for 1 - p) and the one-sample two-sided distribution `kstwo` used by the
/// asymptotic two-sample p-value (Simard & L'Ecuyer's choice of methods, as scipy makes it).
public enum KolmogorovDistribution {
    /// `P(D_{n,n} >= h/n)` for two samples of equal size n (Hodges' alternating sum, Horner form).
    public static func twoSampleEqualSizeSF(n: Int, h: Int) -> Double {
        guard h > 0 else { return 1 }
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = (Double(n - k * h - j) * p1) / Double(n + k * h + j + 1)
            }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// `P(D_{m,n} >= h/lcm(m,n))`: the fraction of lattice paths from (0,0) to (m,n) that leave the band
    /// `|x/m - y/n| < h/lcm`, computed directly as a probability column by column (Viehmann 2021).
    public static func twoSampleSF(m mIn: Int, n nIn: Int, h: Int) -> Double {
        guard h > 0 else { return 1 }
        let m = max(mIn, nIn)
        let n = min(mIn, nIn)
        if m == n { return twoSampleEqualSizeSF(n: n, h: h) }
        let g = gcd(m, n)
        let mg = m / g
        let ng = n / g
        // a[j] holds, for the current column i, 1 - (probability that a uniformly random path to (i, j)
        // stayed inside the band); only the window of j inside the band is kept.
        var minj = 0
        var maxj = min(ceilDiv(h, mg), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: max(lenA, 1))
        for j in minj..<maxj where j < a.count { a[j] = 0 }
        for i in 1...m {
            let lastminj = minj
            let lastlen = curlen
            minj = max(floorDiv(ng * i - h, mg) + 1, 0)
            minj = min(minj, n)
            maxj = min(ceilDiv(ng * i + h, mg), n + 1)
            if maxj <= minj { return 1 }
            if maxj - minj > a.count { a.append(contentsOf: [Double](repeating: 1, count: maxj - minj - a.count)) }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                let idx = jj + minj - lastminj
                let prev = idx < a.count ? a[idx] : 1
                val = (prev * Double(i) + val * Double(j)) / Double(i + j)
                a[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                let lo = maxj - minj
                let hi = min(lo + (lastlen - curlen), a.count)
                if lo < hi { for t in lo..<hi { a[t] = 1 } }
            }
        }
        return a[maxj - minj - 1]
    }

    /// The two-sided two-sample KS p-value as scipy `ks_2samp(method="auto")` computes it: exact when
    /// `max(n1, n2) <= 10000`, otherwise `kstwo.sf(d, round(n1 n2 / (n1 + n2)))`. Returns the p-value and
    /// the method used ("exact" or "asymp").
    public static func twoSamplePValue(d: Double, n1: Int, n2: Int) -> (pValue: Double, method: String) {
        if max(n1, n2) <= 10_000 {
            let g = gcd(n1, n2)
            let lcm = Double((n1 / g) * n2)
            let h = Int((d * lcm).rounded(.toNearestOrEven))
            if h == 0 { return (1, "exact") }
            let p = twoSampleSF(m: n1, n: n2, h: h)
            if p.isFinite, p >= 0, p <= 1 { return (p, "exact") }
        }
        let big = Double(max(n1, n2))
        let small = Double(min(n1, n2))
        let en = big * small / (big + small)
        let p = kstwoSF(d, n: Int(en.rounded(.toNearestOrEven)))
        return (min(max(p, 0), 1), "asymp")
    }

    /// The survival function of the one-sample two-sided KS statistic `D_n` (scipy `kstwo.sf`).
    public static func kstwoSF(_ x: Double, n: Int) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            var logProb = 0.0
            for i in 1...n { logProb += Double.log(Double(i) / nd) }
            let prob = Double.exp(logProb + nd * Double.log(2 * t - 1))
            return clip(1 - prob)
        }
        if t >= nd - 1 { return clip(2 * Double.pow(1 - x, nd)) }
        if x >= 0.5 { return clip(2 * smirnovSF(n: n, x)) }
        let nxsquared = t * x
        if n <= 140 {
            if nxsquared <= 4 { return clip(1 - durbinCDF(n: n, x)) }
            return clip(2 * smirnovSF(n: n, x))
        }
        if nxsquared >= 370 { return 0 }
        if nxsquared >= 2.2 { return clip(2 * smirnovSF(n: n, x)) }
        let cdf: Double
        if nxsquared >= 18 {
            cdf = 1
        } else if n <= 100_000 && nd * Double.pow(x, 1.5) <= 1.4 {
            cdf = durbinCDF(n: n, x)
        } else {
            cdf = pelzGoodCDF(n: n, x)
        }
        return clip(1 - cdf)
    }

    /// The one-sided Smirnov survival function `P(D_n^+ >= x)` by the exact Birnbaum–Tingey sum, each
    /// term in log space.
    public static func smirnovSF(n: Int, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let nd = Double(n)
        let jmax = Int((nd * (1 - x)).rounded(.down))
        let lgn1 = Double.logGamma(nd + 1)
        var sum = 0.0
        var j = 0
        while j <= jmax {
            let jd = Double(j)
            let a = 1 - x - jd / nd
            let b = x + jd / nd
            var term: Double
            if a <= 0 {
                term = (j == n) ? Double.exp(lgn1 - Double.logGamma(jd + 1) - Double.logGamma(nd - jd + 1) + (jd - 1) * Double.log(b)) : 0
            } else {
                term = Double.exp(
                    lgn1 - Double.logGamma(jd + 1) - Double.logGamma(nd - jd + 1) + (nd - jd) * Double.log(a)
                        + (jd - 1) * Double.log(b))
            }
            if !term.isFinite { term = 0 }
            sum += term
            j += 1
        }
        return x * sum
    }

    /// The Pelz–Good asymptotic expansion of `P(D_n <= x)` (four terms, theta-function form for small z).
    public static func pelzGoodCDF(n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi
        let pi4 = pi2 * pi2
        let pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let nd = Double(n)
        let z = nd.squareRoot() * x
        let z2 = z * z
        let z3 = z2 * z
        let z4 = z2 * z2
        let z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708.3964185322641 { return 0 }
        var q = Double.exp(qlog)
        let k1a = -z2
        let k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * z4 * z4
        var kk = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        var k = maxk
        while k >= 1 {
            let m = Double(2 * k - 1)
            let m2 = m * m
            let m4 = m2 * m2
            let m6 = m4 * m2
            let qpower = Double.pow(q, Double(8 * k))
            let coeffs = [
                1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6,
            ]
            for i in 0..<4 { kk[i] = kk[i] * qpower + coeffs[i] }
            k -= 1
        }
        let divisors = [z, 6 * z4, 72 * z4 * z3, 6480 * z6 * z4]
        for i in 0..<4 { kk[i] = kk[i] * q * sqrt2pi / divisors[i] }
        q = Double.exp(-pi2 / 2 / z2)
        let sqrt3z = 3.0.squareRoot() * z
        var k2extra = 0.0
        var k3extra = 0.0
        k = maxk
        while k >= 1 {
            let kd = Double(k)
            let ks2 = kd * kd
            let qp = Double.pow(q, ks2)
            k2extra += ks2 * qp
            let kspi = Double.pi * kd
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp
            k -= 1
        }
        kk[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        kk[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        var total = 0.0
        for i in 0..<4 { total += kk[i] / Double.pow(nd, Double(i) / 2) }
        return total
    }

    /// `P(D_n <= x)` exactly, by the Durbin matrix method (Marsaglia, Tsang & Wang 2003), with the
    /// matrix power's exponent tracked separately to avoid overflow.
    public static func durbinCDF(n: Int, _ x: Double) -> Double {
        let nd = Double(n)
        let k = Int((nd * x).rounded(.down)) + 1
        let h = Double(k) - nd * x
        let m = 2 * k - 1
        var hm = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m where i - j + 1 >= 0 { hm[i * m + j] = 1 }
        }
        var hp = 1.0
        for i in 0..<m {
            hp *= h
            hm[i * m] -= hp
            hm[(m - 1) * m + (m - 1 - i)] -= hp
        }
        if 2 * h - 1 > 0 { hm[(m - 1) * m] += Double.pow(2 * h - 1, Double(m)) }
        for i in 0..<m {
            for j in 0..<m where i - j + 1 > 0 {
                var f = 1.0
                var t = 2
                while t <= i - j + 1 {
                    f *= Double(t)
                    t += 1
                }
                hm[i * m + j] /= f
            }
        }
        // Power by squaring with exponent tracking (base 2).
        var result = [Double](repeating: 0, count: m * m)
        for i in 0..<m { result[i * m + i] = 1 }
        var resultExp = 0
        var base = hm
        var baseExp = 0
        var e = n
        while e > 0 {
            if e & 1 == 1 {
                result = multiply(result, base, m)
                resultExp += baseExp
                rescale(&result, &resultExp, m)
            }
            e >>= 1
            if e > 0 {
                base = multiply(base, base, m)
                baseExp *= 2
                rescale(&base, &baseExp, m)
            }
        }
        var value = result[(k - 1) * m + (k - 1)]
        // Multiply by n!/n^n.
        var logScale = 0.0
        for i in 1...n { logScale += Double.log(Double(i) / nd) }
        value = value * Double.exp(logScale + Double(resultExp) * Double.log(2))
        return min(max(value, 0), 1)
    }

    private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for l in 0..<m {
                let ail = a[i * m + l]
                if ail == 0 { continue }
                for j in 0..<m { c[i * m + j] += ail * b[l * m + j] }
            }
        }
        return c
    }

    private static func rescale(_ a: inout [Double], _ exponent: inout Int, _ m: Int) {
        let center = a[(m / 2) * m + m / 2]
        guard center > 1e140 || (center < 1e-140 && center > 0) else { return }
        let shift = Int(Double.log2(center).rounded(.down))
        let factor = Double.pow(2, Double(-shift))
        for i in 0..<a.count { a[i] *= factor }
        exponent += shift
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a
        var y = b
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }

    private static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }
}

import RealModule

/// One column prepared for testing: cleaned reference and current values, as numbers (numerical
/// columns) and as categories (every column).
public struct ColumnSample: Sendable {
    public var kind: ColumnKind
    /// Sorted cleaned numbers (numerical columns only; empty otherwise).
    public var reference: [Double]
    public var current: [Double]
    /// The cleaned numbers in file order (the permutations of `empirical_mmd` act on positions).
    public var referenceInOrder: [Double]
    public var currentInOrder: [Double]
    /// Both sides have pandas int64 dtype (numpy's Sturges width rule for integers).
    public var integerDtype: Bool
    /// Cleaned non-numeric values (categorical columns); numerical columns derive their categories from numbers.
    private var referenceText: [CategoryValue]
    private var currentText: [CategoryValue]
    /// Both sides dictionary-encoded (the quick CSV path): counted once here, categories made on demand.
    private var encoded: (reference: DataColumn, current: DataColumn, counts: CategoryCounts)?
    public let nReference: Int
    public let nCurrent: Int
    /// Distinct values of cleaned reference ++ current, and of cleaned reference.
    public let distinctCombined: Int
    public let distinctReference: Int
    /// `∫ |F_r - F_c| dx` and `∫ (F_r - F_c)² dx` of a numerical column, found with the distinct counts.
    var cdfGapSums: (abs: Double, squared: Double)?

    public init(kind: ColumnKind, reference: DataColumn, current: DataColumn) {
        self.kind = kind
        self.integerDtype = reference.dtype == .int64 && current.dtype == .int64
        let refNumbers = reference.cleanedNumbers
        let curNumbers = current.cleanedNumbers
        if let refNumbers, let curNumbers {
            // Both sides numeric: categories are the numbers themselves (counted from the sorted values).
            self.referenceInOrder = refNumbers
            self.currentInOrder = curNumbers
            let walk: SortedNumbers.PooledWalk
            if let pair = SortedNumbers.sortedDecimalPair(refNumbers, curNumbers) {
                self.reference = pair.reference
                self.current = pair.current
                walk = pair.walk
            } else {
                self.reference = SortedNumbers.sorted(refNumbers)
                self.current = SortedNumbers.sorted(curNumbers)
                walk = SortedNumbers.walk(self.reference, self.current)
            }
            self.referenceText = []
            self.currentText = []
            self.nReference = refNumbers.count
            self.nCurrent = curNumbers.count
            self.distinctReference = walk.distinctReference
            self.distinctCombined = walk.distinctCombined
            self.cdfGapSums = (walk.gapSum, walk.squaredGapSum)
            if kind != .numerical {
                self.cdfGapSums = nil
                self.reference = []
                self.current = []
                self.referenceInOrder = []
                self.currentInOrder = []
                self.referenceText = refNumbers.map { .number($0) }
                self.currentText = curNumbers.map { .number($0) }
            }
        } else if kind != .numerical, case .categories(let rc, let rl) = reference.values,
            case .categories(let cc, let cl) = current.values
        {
            let counts = CategoryCounts(referenceCodes: rc, levels: rl, currentCodes: cc, levels: cl)
            self.referenceInOrder = []
            self.currentInOrder = []
            self.reference = []
            self.current = []
            self.referenceText = []
            self.currentText = []
            self.encoded = (reference, current, counts)
            self.nReference = counts.nReference
            self.nCurrent = counts.nCurrent
            self.distinctReference = counts.reference.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            self.distinctCombined = counts.keys.count
        } else {
            self.referenceInOrder = refNumbers ?? []
            self.currentInOrder = curNumbers ?? []
            self.reference = kind == .numerical ? SortedNumbers.sorted(referenceInOrder) : []
            self.current = kind == .numerical ? SortedNumbers.sorted(currentInOrder) : []
            self.referenceText = reference.cleanedCategories
            self.currentText = current.cleanedCategories
            self.nReference = referenceText.count
            self.nCurrent = currentText.count
            var refCounts: [CategoryValue: Int] = [:]
            for v in referenceText { refCounts[v, default: 0] += 1 }
            var combined = Set(refCounts.keys)
            for v in currentText { combined.insert(v) }
            self.distinctReference = refCounts.count
            self.distinctCombined = combined.count
        }
    }

    /// Cleaned reference values as categories.
    public var referenceCategories: [CategoryValue] {
        if let encoded { return encoded.reference.cleanedCategories }
        return referenceText.isEmpty && !referenceInOrder.isEmpty ? referenceInOrder.map { .number($0) } : referenceText
    }

    /// Cleaned current values as categories.
    public var currentCategories: [CategoryValue] {
        if let encoded { return encoded.current.cleanedCategories }
        return currentText.isEmpty && !currentInOrder.isEmpty ? currentInOrder.map { .number($0) } : currentText
    }

    /// Counts per category over the sorted union of categories.
    var categoryCounts: CategoryCounts {
        if let encoded { return encoded.counts }
        if referenceText.isEmpty && currentText.isEmpty && (!reference.isEmpty || !current.isEmpty) {
            return CategoryCounts(sortedReference: reference, sortedCurrent: current)
        }
        return CategoryCounts(reference: referenceCategories, current: currentCategories)
    }
}

/// The outcome of one test on one column.
public struct StatTestResult: Sendable {
    public var test: StatTestKind
    public var score: Double
    public var threshold: Double
    public var driftDetected: Bool
    /// The raw statistic when the score is a permutation p-value (TVD, empirical_mmd).
    public var statistic: Double?
}

/// Evidently's drift tests (RULES.md §5).
public enum StatTests {
    /// Runs `test` on `sample` with `threshold` (the test's default when nil).
    public static func run(_ test: StatTestKind, on sample: ColumnSample, threshold: Double? = nil) throws(DriftError)
        -> StatTestResult
    {
        guard sample.nReference > 0, sample.nCurrent > 0 else {
            throw .invalid("the column has no values left after dropping missing and infinite values")
        }
        let threshold = threshold ?? test.defaultThreshold
        var statistic: Double?
        let score: Double
        let numeric = sample.kind == .numerical
        switch test {
        case .ks: score = try ks(sample.numbers())
        case .chisquare: score = chiSquare(sample.categoryCounts)
        case .z: score = zTest(sample.referenceCategories, sample.currentCategories)
        case .wasserstein:
            let numbers = try sample.numbers()
            let gap = sample.cdfGapSums?.abs ?? cdfGapSum(numbers.r, numbers.c, squared: false)
            score = gap / max(populationStd(numbers.r), 0.001)
        case .psi: score = psi(binnedFractions(sample))
        case .jensenshannon: score = jensenShannon(binnedFractions(sample))
        case .klDiv: score = klDivergence(binnedFractions(sample))
        case .hellinger:
            score = numeric ? hellingerNumerical(sample) : hellingerCategorical(sample)
        case .anderson: score = try anderson(sample.numbers())
        case .cramerVonMises: score = try cramerVonMises(sample.numbers())
        case .mannw: score = try mannWhitneyLess(sample.numbers())
        case .tTest: score = try tTest(sample.numbers())
        case .ed:
            let numbers = try sample.numbers()
            score = 2.0.squareRoot() * (sample.cdfGapSums?.squared ?? cdfGapSum(numbers.r, numbers.c, squared: true)).squareRoot()
        case .es: score = try eppsSingleton(sample.numbers())
        case .empiricalMMD:
            _ = try sample.numbers()
            let r = try empiricalMMD((sample.referenceInOrder, sample.currentInOrder))
            score = r.pValue
            statistic = r.statistic
        case .fisherExact: score = try fisherExact(sample)
        case .gTest: score = try gTest(sample.categoryCounts)
        case .tvd:
            let r = tvd(sample)
            score = r.pValue
            statistic = r.statistic
        }
        return StatTestResult(
            test: test, score: score, threshold: threshold,
            driftDetected: test.rule.drifted(score: score, threshold: threshold), statistic: statistic)
    }

    // MARK: - Numerical tests

    /// Two-sided two-sample KS p-value (scipy `ks_2samp`, method "auto").
    static func ks(_ s: (r: [Double], c: [Double])) -> Double {
        let d = ksStatistic(s.r, s.c)
        return KolmogorovDistribution.twoSamplePValue(d: d, n1: s.r.count, n2: s.c.count).pValue
    }

    /// `max |F_r - F_c|` over pooled points, as scipy evaluates it (per-point divisions).
    static func ksStatistic(_ r: [Double], _ c: [Double]) -> Double {
        let n1 = Double(r.count)
        let n2 = Double(c.count)
        var i = 0
        var j = 0
        var maxS = -Double.infinity
        var minS = Double.infinity
        while i < r.count || j < c.count {
            let x: Double
            if j >= c.count || (i < r.count && r[i] <= c[j]) { x = r[i] } else { x = c[j] }
            while i < r.count && r[i] <= x { i += 1 }
            while j < c.count && c[j] <= x { j += 1 }
            let diff = Double(i) / n1 - Double(j) / n2
            maxS = max(maxS, diff)
            minS = min(minS, diff)
        }
        let neg = min(max(-minS, 0), 1)
        return neg > maxS ? neg : maxS
    }

    /// `∫ |F_r - F_c|^p dx` over the pooled sample's gaps (scipy `_cdf_distance` before the root).
    static func cdfGapSum(_ r: [Double], _ c: [Double], squared: Bool) -> Double {
        // Walks the pooled sample in order without building it: at each distinct value x (after counting
        // every r and c <= x), the gap to the next pooled value weighs |F_r - F_c|. Repeated values give
        // zero-width gaps, which the pooled walk skipped too, so the terms and their order are the same.
        let n1 = Double(r.count)
        let n2 = Double(c.count)
        var i = 0
        var j = 0
        var sum = CompensatedSum()
        while i < r.count || j < c.count {
            let x = j >= c.count || (i < r.count && r[i] <= c[j]) ? r[i] : c[j]
            while i < r.count && r[i] <= x { i += 1 }
            while j < c.count && c[j] <= x { j += 1 }
            guard i < r.count || j < c.count else { break }
            let next = j >= c.count || (i < r.count && r[i] <= c[j]) ? r[i] : c[j]
            let delta = next - x
            if delta == 0 { continue }
            let diff = Double(i) / n1 - Double(j) / n2
            sum.add(squared ? diff * diff * delta : abs(diff) * delta)
        }
        return sum.value
    }

    static func populationStd(_ v: [Double]) -> Double {
        let n = Double(v.count)
        let mean = CompensatedSum.of(v) / n
        return (CompensatedSum.of(v.lazy.map { ($0 - mean) * ($0 - mean) }) / n).squareRoot()
    }

    /// Average ranks (1-based) of `values` in sorted order, ties averaged.
    static func averageRanks(sorted values: [Double]) -> [Double] {
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < values.count {
            var j = i
            while j + 1 < values.count && values[j + 1] == values[i] { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j { ranks[k] = rank }
            i = j + 1
        }
        return ranks
    }

    /// Merges two sorted arrays, remembering which side each element came from (reference first on ties).
    static func mergeSorted(_ r: [Double], _ c: [Double]) -> (values: [Double], fromReference: [Bool]) {
        var values: [Double] = []
        var from: [Bool] = []
        values.reserveCapacity(r.count + c.count)
        from.reserveCapacity(r.count + c.count)
        var i = 0
        var j = 0
        while i < r.count || j < c.count {
            if j >= c.count || (i < r.count && r[i] <= c[j]) {
                values.append(r[i])
                from.append(true)
                i += 1
            } else {
                values.append(c[j])
                from.append(false)
                j += 1
            }
        }
        return (values, from)
    }

    static func cramerVonMises(_ s: (r: [Double], c: [Double])) -> Double {
        let nx = Double(s.r.count)
        let ny = Double(s.c.count)
        let merged = mergeSorted(s.r, s.c)
        let ranks = averageRanks(sorted: merged.values)
        var u = CompensatedSum()
        var v = CompensatedSum()
        var ix = 0.0
        var iy = 0.0
        for (rank, fromR) in zip(ranks, merged.fromReference) {
            if fromR {
                ix += 1
                u.add((rank - ix) * (rank - ix))
            } else {
                iy += 1
                v.add((rank - iy) * (rank - iy))
            }
        }
        let uStat = nx * u.value + ny * v.value
        let k = nx * ny
        let n = nx + ny
        let t = uStat / (k * n) - (4 * k - 1) / (6 * n)
        // Evidently's copy: the exact distribution is only used when max(n1, n2) <= 20 (not implemented:
        // the asymptotic p-value is used for every size).
        let et = (1 + 1 / n) / 6
        var vt = (n + 1) * (4 * k * n - 3 * (nx * nx + ny * ny) - 2 * k)
        vt = vt / (45 * n * n * 4 * k)
        let tn = 1.0 / 6 + (t - et) / (45 * vt).squareRoot()
        if tn < 0.003 { return 1 }
        return max(0, 1 - CramerVonMisesDistribution.cdfLimit(tn))
    }

    /// Mann–Whitney U, alternative "less" (x = reference, y = current).
    static func mannWhitneyLess(_ s: (r: [Double], c: [Double])) -> Double {
        let n1 = Double(s.r.count)
        let n2 = Double(s.c.count)
        let merged = mergeSorted(s.r, s.c)
        let ranks = averageRanks(sorted: merged.values)
        var r1 = CompensatedSum()
        for (rank, fromR) in zip(ranks, merged.fromReference) where fromR { r1.add(rank) }
        let u1 = r1.value - n1 * (n1 + 1) / 2
        let u2 = n1 * n2 - u1
        var tieTerm = 0.0
        var hasTies = false
        var i = 0
        let values = merged.values
        while i < values.count {
            var j = i
            while j + 1 < values.count && values[j + 1] == values[i] { j += 1 }
            let t = Double(j - i + 1)
            if t > 1 { hasTies = true }
            tieTerm += t * t * t - t
            i = j + 1
        }
        let n = n1 + n2
        if (s.r.count > 8 && s.c.count > 8) || hasTies {
            let mu = n1 * n2 / 2
            let sd = (n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
            let z = (u2 - mu - 0.5) / sd
            return NormalDistribution.sf(z)
        }
        return mannWhitneyExactSF(u: u2, n1: s.r.count, n2: s.c.count)
    }

    /// `P(U >= u)` under the null, from the Gaussian binomial coefficients' generating function.
    static func mannWhitneyExactSF(u: Double, n1: Int, n2: Int) -> Double {
        let m = min(n1, n2)
        let n = max(n1, n2)
        let degree = m * n
        var poly = [Double](repeating: 0, count: degree + 1)
        poly[0] = 1
        // ∏_{i=1..m} (1 - q^{n+i}) / (1 - q^i)
        for i in 1...max(m, 1) where m > 0 {
            // multiply by (1 - q^{n+i})
            let shift = n + i
            if shift <= degree {
                for d in stride(from: degree, through: shift, by: -1) { poly[d] -= poly[d - shift] }
            }
            // divide by (1 - q^i): running sum with stride i
            for d in i...degree { poly[d] += poly[d - i] }
        }
        let total = CompensatedSum.of(poly)
        let start = Int(u.rounded(.up))
        guard start <= degree else { return 0 }
        let tail = CompensatedSum.of(poly[max(start, 0)...])
        return min(max(tail / total, 0), 1)
    }

    /// Student's two-sample t-test (pooled variance), two-sided.
    static func tTest(_ s: (r: [Double], c: [Double])) -> Double {
        let n1 = Double(s.r.count)
        let n2 = Double(s.c.count)
        let m1 = CompensatedSum.of(s.r) / n1
        let m2 = CompensatedSum.of(s.c) / n2
        let v1 = CompensatedSum.of(s.r.lazy.map { ($0 - m1) * ($0 - m1) }) / (n1 - 1)
        let v2 = CompensatedSum.of(s.c.lazy.map { ($0 - m2) * ($0 - m2) }) / (n2 - 1)
        let df = n1 + n2 - 2
        let svar = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
        let t = (m1 - m2) / (svar * (1 / n1 + 1 / n2)).squareRoot()
        if t.isNaN { return .nan }
        return min(1, 2 * BetaFunctions.studentTSF(abs(t), degreesOfFreedom: df))
    }

    /// k-sample Anderson–Darling (midrank), p-value interpolated and capped to [0.001, 0.25].
    static func anderson(_ s: (r: [Double], c: [Double])) throws(DriftError) -> Double {
        let samples = [s.r, s.c]
        var z = s.r + s.c
        z.sort()
        let nTotal = z.count
        let nd = Double(nTotal)
        var distinct: [Double] = []
        var multiplicity: [Double] = []
        var below: [Double] = []
        var i = 0
        while i < nTotal {
            var j = i
            while j + 1 < nTotal && z[j + 1] == z[i] { j += 1 }
            distinct.append(z[i])
            multiplicity.append(Double(j - i + 1))
            below.append(Double(i))
            i = j + 1
        }
        guard distinct.count >= 2 else {
            throw .invalid("anderson_ksamp needs more than one distinct observation")
        }
        var a2 = 0.0
        for sample in samples {
            let ni = Double(sample.count)
            var inner = 0.0
            for (j, zj) in distinct.enumerated() {
                let lj = multiplicity[j]
                let bj = below[j] + lj / 2
                let le = Double(Binning.upperBound(sample, zj))
                let eq = le - Double(Binning.lowerBound(sample, zj))
                let mij = le - eq / 2
                let num = nd * mij - bj * ni
                inner += lj / nd * num * num / (bj * (nd - bj) - nd * lj / 4)
            }
            a2 += inner / ni
        }
        a2 *= (nd - 1) / nd
        let k = 2.0
        let hH = samples.reduce(0.0) { $0 + 1 / Double($1.count) }
        // hs_cs = cumsum of 1/(N-1), 1/(N-2), ..., 1/2
        var cumsum: [Double] = []
        var acc = 0.0
        var d = nTotal - 1
        while d > 1 {
            acc += 1 / Double(d)
            cumsum.append(acc)
            d -= 1
        }
        let h = (cumsum.last ?? 0) + 1
        var g = 0.0
        for (idx, value) in cumsum.enumerated() { g += value / Double(idx + 2) }
        let a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * hH
        let b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * hH - 8 * h + 4 * g - 6
        let c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * hH + 4 * h
        let dd = (2 * h + 6) * k * k - 4 * h * k
        let sigmasq = (a * nd * nd * nd + b * nd * nd + c * nd + dd) / ((nd - 1) * (nd - 2) * (nd - 3))
        let m = k - 1
        let standardized = (a2 - m) / sigmasq.squareRoot()
        return AndersonDarlingDistribution.pValue(standardized: standardized, samples: 2)
    }

    /// numpy `percentile(..., method="linear")` on sorted values.
    static func percentileLinear(sorted a: [Double], _ q: Double) -> Double {
        let index = q / 100 * Double(a.count - 1)
        let lo = Int(index.rounded(.down))
        let hi = min(lo + 1, a.count - 1)
        let t = index - Double(lo)
        let x = a[lo]
        let y = a[hi]
        let diff = y - x
        return t >= 0.5 ? y - diff * (1 - t) : x + diff * t
    }

    /// Epps–Singleton test with t = (0.4, 0.8) (scipy `epps_singleton_2samp`).
    static func eppsSingleton(_ s: (r: [Double], c: [Double])) throws(DriftError) -> Double {
        let nx = s.r.count
        let ny = s.c.count
        guard nx >= 5, ny >= 5 else {
            throw .invalid("Epps-Singleton test needs at least 5 values on each side")
        }
        var pooled = s.r + s.c
        pooled.sort()
        let iqr = percentileLinear(sorted: pooled, 75) - percentileLinear(sorted: pooled, 25)
        guard iqr != 0 else {
            throw .invalid("Epps-Singleton test: the interquartile range (IQR) of the pooled sample is zero")
        }
        let sigma = iqr / 2
        let ts = [0.4 / sigma, 0.8 / sigma]
        func features(_ v: Double) -> [Double] {
            [Double.cos(ts[0] * v), Double.cos(ts[1] * v), Double.sin(ts[0] * v), Double.sin(ts[1] * v)]
        }
        func meanAndCov(_ sample: [Double]) -> ([Double], [Double]) {
            let n = Double(sample.count)
            let rows = sample.map(features)
            var mean = [Double](repeating: 0, count: 4)
            for a in 0..<4 { mean[a] = CompensatedSum.of(rows.lazy.map { $0[a] }) / n }
            var cov = [Double](repeating: 0, count: 16)
            for a in 0..<4 {
                for b in a..<4 {
                    let v = CompensatedSum.of(rows.lazy.map { ($0[a] - mean[a]) * ($0[b] - mean[b]) }) / n
                    cov[a * 4 + b] = v
                    cov[b * 4 + a] = v
                }
            }
            return (mean, cov)
        }
        let (mx, cx) = meanAndCov(s.r)
        let (my, cy) = meanAndCov(s.c)
        let n = Double(nx + ny)
        var est = [Double](repeating: 0, count: 16)
        for i in 0..<16 { est[i] = (n / Double(nx)) * cx[i] + (n / Double(ny)) * cy[i] }
        let (values, vectors) = SymmetricEigen.decompose(est, size: 4)
        let maxAbs = values.map { abs($0) }.max() ?? 0
        let cutoff = 1e-15 * maxAbs
        var inverseValues = values.map { abs($0) > cutoff ? 1 / $0 : 0 }
        let invMax = inverseValues.map { abs($0) }.max() ?? 0
        let rankTol = invMax * 4 * Double.ulpOfOne
        let rank = inverseValues.filter { abs($0) > rankTol }.count
        if rank == 0 { inverseValues = [0, 0, 0, 0] }
        let g = (0..<4).map { mx[$0] - my[$0] }
        // w = n gᵀ V diag(1/λ) Vᵀ g
        var w = 0.0
        for e in 0..<4 {
            var proj = 0.0
            for a in 0..<4 { proj += vectors[a * 4 + e] * g[a] }
            w += proj * proj * inverseValues[e]
        }
        w *= n
        if max(nx, ny) < 25 {
            let corr = 1.0 / (1.0 + Double.pow(n, -0.45) + 10.1 * (Double.pow(Double(nx), -1.7) + Double.pow(Double(ny), -1.7)))
            w *= corr
        }
        return GammaFunctions.chiSquareSF(w, degreesOfFreedom: Double(rank))
    }

    /// Maximum number of pooled values for `empirical_mmd`, whose kernel matrix is (n1+n2)².
    public static let mmdMaxPooled = 6000

    /// Permutation test on the unbiased squared MMD with an RBF kernel: 100 permutations of the pooled
    /// sample (reference then current, in file order) drawn as numpy's legacy `np.random.permutation` does
    /// after `np.random.seed(20240601)` (the oracle's seed; Evidently itself does not seed, so its own
    /// p-value varies from run to run).
    static func empiricalMMD(_ s: (r: [Double], c: [Double])) throws(DriftError) -> (statistic: Double, pValue: Double) {
        let n1 = s.r.count
        let n2 = s.c.count
        let n = n1 + n2
        guard n <= mmdMaxPooled else {
            throw .invalid("empirical_mmd builds an (n_ref+n_cur)² kernel matrix; \(n) values exceed the limit of \(mmdMaxPooled)")
        }
        guard n1 > 1, n2 > 1 else { throw .invalid("empirical_mmd needs at least 2 values on each side") }
        // Kernel width: median ("nearest") of all n1² squared reference differences.
        var dists = [Double](repeating: 0, count: n1 * n1)
        for i in 0..<n1 {
            for j in 0..<n1 {
                let d = s.r[i] - s.r[j]
                dists[i * n1 + j] = d * d
            }
        }
        dists.sort()
        let virtualIndex = 0.5 * Double(dists.count - 1)
        let median = dists[Int(virtualIndex.rounded(.toNearestOrEven))]
        let sigma2 = median == 0 ? 0.5 : 0.5 * median
        let pooled = s.r + s.c
        var kernel = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where i != j {
                let d = pooled[i] - pooled[j]
                kernel[i * n + j] = Double.exp(-(d * d) / (2 * sigma2))
            }
        }
        func mmd(_ index: [Int]) -> Double {
            var xx = CompensatedSum()
            var yy = CompensatedSum()
            var xy = CompensatedSum()
            for a in 0..<n {
                let row = index[a] * n
                for b in 0..<n {
                    let k = kernel[row + index[b]]
                    if a < n1 {
                        if b < n1 { xx.add(k) } else { xy.add(k) }
                    } else if b >= n1 {
                        yy.add(k)
                    }
                }
            }
            let d1 = Double(n1)
            let d2 = Double(n2)
            return xx.value / (d1 * (d1 - 1)) + yy.value / (d2 * (d2 - 1)) - 2 * xy.value / (d1 * d2)
        }
        var index = Array(0..<n)
        let observed = mmd(index)
        var rng = MersenneTwister(seed: 20_240_601)
        var count = 0
        for _ in 0..<100 {
            index = Array(0..<n)
            rng.shuffle(&index)
            if mmd(index) >= observed { count += 1 }
        }
        return (observed, Double(count) / 100)
    }

    // MARK: - Categorical tests

    /// Goodness-of-fit chi-square: observed = current counts, expected = reference counts × n2/n1.
    static func chiSquare(_ t: CategoryCounts) -> Double {
        let norm = Double(t.nCurrent) / Double(t.nReference)
        var stat = CompensatedSum()
        for (o, r) in zip(t.current, t.reference) {
            let e = Double(r) * norm
            let diff = Double(o) - e
            stat.add(diff * diff / e)
        }
        let x = stat.value
        if x.isNaN { return .nan }
        return GammaFunctions.chiSquareSF(x, degreesOfFreedom: Double(t.keys.count - 1))
    }

    /// Two-proportion z-test: the first sorted key is 0, every other value 1.
    static func zTest(_ r: [CategoryValue], _ c: [CategoryValue]) -> Double {
        let rs = Set(r)
        let cs = Set(c)
        if rs.count == 1 && cs.count == 1 && rs == cs { return 1 }
        guard let first = rs.union(cs).min() else { return .nan }
        let n1 = Double(r.count)
        let n2 = Double(c.count)
        let p1 = Double(r.reduce(0) { $0 + ($1 == first ? 0 : 1) }) / n1
        let p2 = Double(c.reduce(0) { $0 + ($1 == first ? 0 : 1) }) / n2
        let p = (p1 * n1 + p2 * n2) / (n1 + n2)
        let z = (p1 - p2) / (p * (1 - p) * (1 / n1 + 1 / n2)).squareRoot()
        return 2 * (1 - NormalDistribution.cdf(abs(z)))
    }

    /// G-test (`power_divergence`, log-likelihood) of current counts against unscaled reference counts.
    static func gTest(_ t: CategoryCounts) throws(DriftError) -> Double {
        let obs = Double(t.nCurrent)
        let exp = Double(t.nReference)
        if abs(obs - exp) / min(obs, exp) > 1.4901161193847656e-08 {
            throw .invalid(
                "g_test needs reference and current of the same size (the sum of the observed frequencies must agree with the sum of the expected frequencies); got \(t.nReference) and \(t.nCurrent)"
            )
        }
        var g = CompensatedSum()
        for (o, e) in zip(t.current, t.reference) where o > 0 {
            g.add(Double(o) * Double.log(Double(o) / Double(e)))
        }
        let stat = 2 * g.value
        return GammaFunctions.chiSquareSF(stat, degreesOfFreedom: Double(t.keys.count - 1))
    }

    static func fisherExact(_ sample: ColumnSample) throws(DriftError) -> Double {
        guard sample.nReference == sample.nCurrent else {
            throw .invalid(
                "fisher_exact needs reference and current of the same length; got \(sample.nReference) and \(sample.nCurrent)")
        }
        let keys = Set(sample.referenceCategories).union(sample.currentCategories).sorted()
        guard Set(sample.referenceCategories).count <= 2, Set(sample.currentCategories).count <= 2, keys.count <= 2 else {
            throw .invalid("Expects binary data for both reference and current, but found unique categories > 2")
        }
        let one = keys.last
        let onesCur = sample.currentCategories.reduce(0) { $0 + ($1 == one ? 1 : 0) }
        let onesRef = sample.referenceCategories.reduce(0) { $0 + ($1 == one ? 1 : 0) }
        if keys.count < 2 { return 1 }
        return HypergeometricDistribution.fisherExactTwoSided(
            onesCur, sample.nCurrent - onesCur, onesRef, sample.nReference - onesRef)
    }

    static func tvdStatistic(_ ref: [Int], _ cur: [Int], _ n1: Double, _ n2: Double) -> Double {
        var s = CompensatedSum()
        for (r, c) in zip(ref, cur) { s.add(abs(Double(r) / n1 - Double(c) / n2)) }
        return 0.5 * s.value
    }

    /// Total variation distance with a 1000-permutation p-value (Slipway's own shuffles seeded 0; Evidently's
    /// exact permutation scheme is not replayed, so the p-value is approximate).
    static func tvd(_ sample: ColumnSample) -> (statistic: Double, pValue: Double) {
        let t = sample.categoryCounts
        let n1 = Double(t.nReference)
        let n2 = Double(t.nCurrent)
        let observed = tvdStatistic(t.reference, t.current, n1, n2)
        var keyIndex: [CategoryValue: Int] = [:]
        for (i, k) in t.keys.enumerated() { keyIndex[k] = i }
        var pooled = (sample.referenceCategories + sample.currentCategories).map { keyIndex[$0] ?? 0 }
        var rng = MersenneTwister(seed: 0)
        var count = 0
        for _ in 0..<1000 {
            rng.shuffle(&pooled)
            var rc = [Int](repeating: 0, count: t.keys.count)
            var cc = [Int](repeating: 0, count: t.keys.count)
            for (i, k) in pooled.enumerated() {
                if i < t.nReference { rc[k] += 1 } else { cc[k] += 1 }
            }
            if tvdStatistic(rc, cc, n1, n2) >= observed { count += 1 }
        }
        return (observed, Double(count) / 1000)
    }

    // MARK: - Binned tests (PSI, KL, JS) and Hellinger

    /// The reference and current fractions of RULES.md §6.1 (before the empty-bin fill).
    static func binnedFractions(_ sample: ColumnSample) -> (r: [Double], c: [Double]) {
        let n1 = Double(sample.nReference)
        let n2 = Double(sample.nCurrent)
        if sample.kind == .numerical && sample.distinctReference > 20 {
            let lo = min(sample.reference.first ?? 0, sample.current.first ?? 0)
            let hi = max(sample.reference.last ?? 0, sample.current.last ?? 0)
            let edges = Binning.sturgesEdges(
                min: lo, max: hi, count: sample.reference.count + sample.current.count, integerDtype: sample.integerDtype)
            let rc = Binning.histogram(sorted: sample.reference, edges: edges)
            let cc = Binning.histogram(sorted: sample.current, edges: edges)
            return (rc.map { Double($0) / n1 }, cc.map { Double($0) / n2 })
        }
        let t = sample.categoryCounts
        return (t.reference.map { Double($0) / n1 }, t.current.map { Double($0) / n2 })
    }

    static func psi(_ f: (r: [Double], c: [Double])) -> Double {
        let r = Binning.fillEmpty(f.r)
        let c = Binning.fillEmpty(f.c)
        var s = CompensatedSum()
        for (a, b) in zip(r, c) { s.add((a - b) * Double.log(a / b)) }
        return s.value
    }

    static func normalized(_ v: [Double]) -> [Double] {
        let total = CompensatedSum.of(v)
        return v.map { $0 / total }
    }

    static func klDivergence(_ f: (r: [Double], c: [Double])) -> Double {
        let r = normalized(Binning.fillEmpty(f.r))
        let c = normalized(Binning.fillEmpty(f.c))
        var s = CompensatedSum()
        for (a, b) in zip(r, c) where a > 0 { s.add(a * Double.log(a / b)) }
        return s.value
    }

    static func jensenShannon(_ f: (r: [Double], c: [Double])) -> Double {
        let r = normalized(f.r)
        let c = normalized(f.c)
        var left = CompensatedSum()
        var right = CompensatedSum()
        for (a, b) in zip(r, c) {
            let m = (a + b) / 2
            if a > 0 { left.add(a * Double.log(a / m)) }
            if b > 0 { right.add(b * Double.log(b / m)) }
        }
        return max((left.value + right.value) / 2, 0).squareRoot()
    }

    static func hellingerCategorical(_ sample: ColumnSample) -> Double {
        let t = sample.categoryCounts
        let n1 = Double(t.nReference)
        let n2 = Double(t.nCurrent)
        var bc = CompensatedSum()
        for (r, c) in zip(t.reference, t.current) { bc.add((Double(r) / n1 * (Double(c) / n2)).squareRoot()) }
        return (1 - min(max(bc.value, 0), 1)).squareRoot()
    }

    static func hellingerNumerical(_ sample: ColumnSample) -> Double {
        let distinct = SortedNumbers.distinctValues(merging: sample.reference, sample.current)
        guard let lo = distinct.first, let hi = distinct.last else { return .nan }
        let edges = Binning.sturgesEdges(min: lo, max: hi, count: distinct.count, integerDtype: sample.integerDtype)
        let rc = Binning.histogram(sorted: sample.reference, edges: edges)
        let cc = Binning.histogram(sorted: sample.current, edges: edges)
        let n1 = Double(rc.reduce(0, +))
        let n2 = Double(cc.reduce(0, +))
        let nb = edges.count - 1
        let w = (edges[nb] - edges[0]) / Double(nb)
        var bc = CompensatedSum()
        for i in 0..<nb {
            let width = edges[i + 1] - edges[i]
            let hr = Double(rc[i]) / width / n1
            let hc = Double(cc[i]) / width / n2
            bc.add((hr * hc).squareRoot() * w)
        }
        return (1 - min(max(bc.value, 0), 1)).squareRoot()
    }
}

extension ColumnSample {
    /// The sorted numbers of both sides; a numerical test on a non-numerical column is an error.
    func numbers() throws(DriftError) -> (r: [Double], c: [Double]) {
        guard kind == .numerical else { throw .invalid("this test needs a numerical column") }
        return (reference, current)
    }
}

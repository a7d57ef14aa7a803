/// Reference and current distributions of one column, for plots (not used by any test): fractions per
/// equal-width bin over the combined range (numerical), or per category (categorical, most frequent first).
public struct DriftHistogram: Sendable, Equatable, Codable {
    /// Bin labels: the lower edge of each bin for numerical columns, the category for categorical ones.
    public var labels: [String]
    /// Bin edges (numerical: `labels.count + 1` edges; categorical: empty).
    public var edges: [Double]
    public var reference: [Double]
    public var current: [Double]

    public init(labels: [String], edges: [Double], reference: [Double], current: [Double]) {
        self.labels = labels
        self.edges = edges
        self.reference = reference
        self.current = current
    }

    /// Bins used for numerical plots.
    public static let numericalBins = 24
    /// Categories shown; the rest are summed into one "other" bar.
    public static let maxCategories = 16

    /// The histogram of a prepared sample.
    static func of(_ sample: ColumnSample) -> DriftHistogram {
        if sample.kind == .numerical, sample.distinctCombined > maxCategories,
            let lo = min(sample.reference.first ?? .infinity, sample.current.first ?? .infinity) as Double?,
            let hi = max(sample.reference.last ?? -.infinity, sample.current.last ?? -.infinity) as Double?,
            lo.isFinite, hi.isFinite, hi > lo
        {
            let bins = numericalBins
            let step = (hi - lo) / Double(bins)
            var edges = (0..<bins).map { lo + Double($0) * step }
            edges.append(hi)
            let r = Binning.histogram(sorted: sample.reference, edges: edges)
            let c = Binning.histogram(sorted: sample.current, edges: edges)
            return DriftHistogram(
                labels: edges.dropLast().map { shortNumber($0) }, edges: edges,
                reference: r.map { Double($0) / Double(max(sample.nReference, 1)) },
                current: c.map { Double($0) / Double(max(sample.nCurrent, 1)) })
        }
        let counts = sample.categoryCounts
        let order = counts.keys.indices.sorted {
            let a = counts.reference[$0] + counts.current[$0]
            let b = counts.reference[$1] + counts.current[$1]
            return a != b ? a > b : counts.keys[$0] < counts.keys[$1]
        }
        var labels: [String] = []
        var r: [Double] = []
        var c: [Double] = []
        let n1 = Double(max(counts.nReference, 1))
        let n2 = Double(max(counts.nCurrent, 1))
        for (rank, k) in order.enumerated() {
            if rank < maxCategories {
                labels.append(counts.keys[k].description)
                r.append(Double(counts.reference[k]) / n1)
                c.append(Double(counts.current[k]) / n2)
            } else {
                if labels.count == maxCategories {
                    labels.append("other")
                    r.append(0)
                    c.append(0)
                }
                r[maxCategories] += Double(counts.reference[k]) / n1
                c[maxCategories] += Double(counts.current[k]) / n2
            }
        }
        return DriftHistogram(labels: labels, edges: [], reference: r, current: c)
    }

    /// A number in at most 4 significant digits, for axis labels.
    public static func shortNumber(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        if v == 0 { return "0" }
        let magnitude = abs(v)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            var exponent = 0
            var m = magnitude
            while m >= 10 {
                m /= 10
                exponent += 1
            }
            while m < 1 {
                m *= 10
                exponent -= 1
            }
            let rounded = (m * 100).rounded() / 100
            return (v < 0 ? "-" : "") + trimmed(rounded) + "e" + String(exponent)
        }
        let decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return trimmed((v * scale).rounded() / scale)
    }

    private static func trimmed(_ v: Double) -> String {
        var s = "\(v)"
        if s.contains("e") { return s }
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}

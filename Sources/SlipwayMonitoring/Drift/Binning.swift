import RealModule

/// The binning Evidently's PSI, KL and Jensen–Shannon share, and Hellinger's own bins (RULES.md §6).
enum Binning {
    /// Sturges edges as numpy `histogram_bin_edges(x, bins="sturges")` computes them.
    static func sturgesEdges(min lo0: Double, max hi0: Double, count n: Int, integerDtype: Bool) -> [Double] {
        var lo = lo0
        var hi = hi0
        var nbins = 1
        if lo == hi {
            lo -= 0.5
            hi += 0.5
        } else {
            var width = (hi0 - lo0) / (Double.log2(Double(n)) + 1.0)
            if integerDtype && width < 1 { width = 1 }
            nbins = max(Int(((hi - lo) / width).rounded(.up)), 1)
        }
        let step = (hi - lo) / Double(nbins)
        var edges = (0..<nbins).map { Double($0) * step + lo }
        edges.append(hi)
        return edges
    }

    /// Counts of sorted values per bin [edge_i, edge_{i+1}), the last bin closed (numpy `histogram`).
    static func histogram(sorted values: [Double], edges: [Double]) -> [Int] {
        let nb = edges.count - 1
        var cum = [Int](repeating: 0, count: nb + 1)
        for i in 0..<nb { cum[i] = lowerBound(values, edges[i]) }
        cum[nb] = upperBound(values, edges[nb])
        return (0..<nb).map { cum[$0 + 1] - cum[$0] }
    }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Replaces exact zeros by `min(nonzero)/1e6` when that minimum is <= 1e-4, else by 1e-4.
    static func fillEmpty(_ v: [Double]) -> [Double] {
        guard v.contains(0) else { return v }
        let nonzero = v.filter { $0 != 0 }
        guard let m = nonzero.min() else { return v }
        let eps = m <= 0.0001 ? m / 1e6 : 0.0001
        return v.map { $0 == 0 ? eps : $0 }
    }
}

/// Counts of categories on each side, over the sorted union of keys.
struct CategoryCounts {
    var keys: [CategoryValue]
    var reference: [Int]
    var current: [Int]
    var nReference: Int
    var nCurrent: Int

    init(reference r: [CategoryValue], current c: [CategoryValue]) {
        var rc: [CategoryValue: Int] = [:]
        var cc: [CategoryValue: Int] = [:]
        for v in r { rc[v, default: 0] += 1 }
        for v in c { cc[v, default: 0] += 1 }
        keys = Set(rc.keys).union(cc.keys).sorted()
        reference = keys.map { rc[$0] ?? 0 }
        current = keys.map { cc[$0] ?? 0 }
        nReference = r.count
        nCurrent = c.count
    }
}

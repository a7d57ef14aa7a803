import SlipwayTensor

/// ArgMax/ArgMin over one axis of a tensor viewed as `[outer, n, inner]`.
enum ArgReductionKernel {
    /// The index along the axis of the largest (or smallest) element for every (outer, inner) position.
    ///
    /// Ties go to the first index, or the last with `selectLast`. NaN ranks above every number (numpy's
    /// argmax/argmin both return the first NaN).
    static func argReduce<T: ReductionScalar>(
        _ x: [T], outer: Int, n: Int, inner: Int, largest: Bool, selectLast: Bool
    ) throws(EngineError) -> [Int64] {
        guard n > 0 else { throw EngineError.invalidInput("cannot take the arg-max/min of an empty axis") }
        guard x.count == outer * n * inner else {
            throw EngineError.runtime("arg reduction: \(x.count) elements do not fit \(outer)×\(n)×\(inner)")
        }
        var result = [Int64](repeating: 0, count: outer * inner)
        var best = [T](repeating: T.zero, count: inner)
        for o in 0..<outer {
            let base = o * n * inner
            let out = o * inner
            for i in 0..<inner { best[i] = x[base + i] }
            for k in 1..<max(n, 1) {
                let row = base + k * inner
                for i in 0..<inner {
                    let v = x[row + i]
                    if isBetter(v, than: best[i], largest: largest, selectLast: selectLast) {
                        best[i] = v
                        result[out + i] = Int64(k)
                    }
                }
            }
        }
        return result
    }

    @inline(__always)
    static func isBetter<T: ReductionScalar>(_ v: T, than b: T, largest: Bool, selectLast: Bool) -> Bool {
        if b.reductionIsNaN { return selectLast && v.reductionIsNaN }
        if v.reductionIsNaN { return true }
        if largest { return selectLast ? v >= b : v > b }
        return selectLast ? v <= b : v < b
    }
}

import SlipwayTensor

/// Cumulative sums along one axis of a tensor viewed as `[outer, n, inner]`.
enum CumSumKernel {
    /// Running sums along the axis; `exclusive` leaves out the element itself, `reverse` runs from the end.
    static func cumulativeSum<T: ReductionScalar>(
        _ x: [T], outer: Int, n: Int, inner: Int, exclusive: Bool, reverse: Bool
    ) throws(EngineError) -> [T] {
        guard x.count == outer * n * inner else {
            throw EngineError.runtime("CumSum: \(x.count) elements do not fit \(outer)×\(n)×\(inner)")
        }
        var out = [T](repeating: T.zero, count: x.count)
        guard n > 0 else { return out }
        for o in 0..<outer {
            let base = o * n * inner
            for step in 0..<n {
                let j = reverse ? n - 1 - step : step
                let row = base + j * inner
                if step == 0 {
                    if !exclusive { for i in 0..<inner { out[row + i] = x[row + i] } }
                    continue
                }
                let previous = base + (reverse ? j + 1 : j - 1) * inner
                if exclusive {
                    for i in 0..<inner { out[row + i] = T.reductionAdd(out[previous + i], x[previous + i]) }
                } else {
                    for i in 0..<inner { out[row + i] = T.reductionAdd(out[previous + i], x[row + i]) }
                }
            }
        }
        return out
    }
}

/// Neumaier-compensated summation, close to exact, so that sums agree with numpy's pairwise sums.
struct CompensatedSum {
    private(set) var sum = 0.0
    private var compensation = 0.0

    @inline(__always)
    mutating func add(_ x: Double) {
        let t = sum + x
        if !t.isFinite || !x.isFinite {
            // inf or NaN: plain IEEE addition, no compensation (inf - inf would turn into NaN).
            sum = t
            compensation = 0
            return
        }
        if abs(sum) >= abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    var value: Double { sum.isFinite ? sum + compensation : sum }

    @inline(__always)
    static func of<S: Sequence>(_ values: S) -> Double where S.Element == Double {
        var s = CompensatedSum()
        for v in values { s.add(v) }
        return s.value
    }
}

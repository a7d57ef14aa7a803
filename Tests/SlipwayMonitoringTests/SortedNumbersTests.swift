import SlipwayMonitoring
import Testing

/// The large-column paths of a numerical sample (the radix sorts: fixed decimals as 32-bit integers, any
/// doubles as 64-bit keys; the one walk for distinct counts and CDF gaps) against the standard library and
/// a plain computation, on columns big enough to take them.
@Suite struct SortedNumbersTests {
    /// Ascending, -0.0 before 0.0 (the radix order of equal values), compared bit for bit.
    static func expected(_ values: [Double]) -> [UInt64] {
        values.sorted { $0 < $1 || ($0 == $1 && $0.sign == .minus && $1.sign == .plus) }.map(\.bitPattern)
    }

    /// `∫ |F_r - F_c| dx` over the pooled sample, plainly.
    static func cdfGap(_ r: [Double], _ c: [Double]) -> Double {
        let pooled = (r + c).sorted()
        let rs = r.sorted()
        let cs = c.sorted()
        var total = 0.0
        var i = 0
        var j = 0
        for k in 0..<(pooled.count - 1) {
            let x = pooled[k]
            while i < rs.count && rs[i] <= x { i += 1 }
            while j < cs.count && cs[j] <= x { j += 1 }
            total += abs(Double(i) / Double(rs.count) - Double(j) / Double(cs.count)) * (pooled[k + 1] - x)
        }
        return total
    }

    static func columns() -> [(String, [Double])] {
        var g = SystemRandomNumberGenerator()
        let n = 6000
        func decimals(_ digits: Int, _ range: ClosedRange<Double>) -> [Double] {
            (0..<n).map { _ in
                let v = Double.random(in: range, using: &g)
                var scale = 1.0
                for _ in 0..<digits { scale *= 10 }
                return Double(String(format6((v * scale).rounded() / scale, digits))) ?? v
            }
        }
        return [
            ("six decimals", decimals(6, 0...30)),
            ("negative two decimals", decimals(2, -500...500)),
            ("integers with repeats", (0..<n).map { _ in Double(Int.random(in: -20...20, using: &g)) }),
            ("full precision", (0..<n).map { _ in Double.random(in: -1...1, using: &g) }),
            ("minus zero", (0..<n).map { i in i % 5 == 0 ? -0.0 : Double(i % 7) }),
            ("wide range", (0..<n).map { i in i % 2 == 0 ? Double(i) * 1e12 : -Double(i) / 3 }),
            ("tiny and huge", (0..<n).map { i in [5e-324, 1e308, -1e308, 1e-300, 2.5][i % 5] }),
            ("nine decimals over a wide range", decimals(9, 0...10)),
            ("one value", Array(repeating: 4.25, count: n)),
        ]
    }

    /// `v` with `digits` fraction digits, as a decimal string.
    static func format6(_ v: Double, _ digits: Int) -> String {
        let negative = v < 0
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let m = Int64((abs(v) * scale).rounded())
        let s = String(m)
        let padded = String(repeating: "0", count: max(0, digits + 1 - s.count)) + s
        let cut = padded.index(padded.endIndex, offsetBy: -digits)
        return (negative ? "-" : "") + padded[..<cut] + (digits > 0 ? "." + padded[cut...] : "")
    }

    @Test func largeColumnsSortAndWalkExactly() throws {
        for (label, reference) in Self.columns() {
            let current = reference.map { $0 + (label == "one value" ? 0 : 0.5) }.shuffled()
            let sample = ColumnSample(
                kind: .numerical, reference: DataColumn(name: "x", dtype: .float64, values: .numeric(reference)),
                current: DataColumn(name: "x", dtype: .float64, values: .numeric(current)))
            #expect(sample.reference.map(\.bitPattern) == Self.expected(reference), "\(label): reference order")
            #expect(sample.current.map(\.bitPattern) == Self.expected(current), "\(label): current order")
            #expect(sample.distinctReference == Set(reference).count, "\(label)")
            #expect(sample.distinctCombined == Set(reference + current).count, "\(label)")
            let result = try StatTests.run(.wasserstein, on: sample)
            let gap = Self.cdfGap(reference, current)
            let mean = reference.reduce(0, +) / Double(reference.count)
            let std = (reference.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(reference.count)).squareRoot()
            let plain = gap / max(std, 0.001)
            if plain.isFinite && result.score.isFinite {
                #expect(abs(result.score - plain) <= 1e-9 * max(1, abs(plain)), "\(label): \(result.score) vs \(plain)")
            }
        }
    }
}

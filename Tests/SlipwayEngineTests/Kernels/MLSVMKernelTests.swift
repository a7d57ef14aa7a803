import Testing

@testable import SlipwayEngine

/// The transposed SVM products against their bounds-checked reference twin on random sizes.
@Suite struct MLSVMKernelTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) * 4 - 2 }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    @Test func productsMatchReferenceBitForBit() {
        var rng = SplitMix(state: 11)
        for _ in 0..<200 {
            let rows = 1 + rng.below(20)
            let k = 1 + rng.below(40)
            let m = 1 + rng.below(70)
            let x = (0..<(rows * k)).map { _ in rng.unit() }
            let vectors = (0..<(m * k)).map { _ in rng.unit() }
            let t = MLSVMKernels.transpose(vectors, m: m, k: k)
            #expect(t.count == m * k)
            let dots = MLSVMKernels.dots(x: x, rows: rows, k: k, vectorsT: t, m: m)
            let distances = MLSVMKernels.squaredDistances(x: x, rows: rows, k: k, vectorsT: t, m: m)
            #expect(dots == MLSVMKernels.reference(x: x, rows: rows, k: k, vectorsT: t, m: m, squaredDistance: false))
            #expect(distances == MLSVMKernels.reference(x: x, rows: rows, k: k, vectorsT: t, m: m, squaredDistance: true))
            // The reference itself against the untransposed definition.
            let r = rng.below(rows)
            let v = rng.below(m)
            var sum: Float = 0
            for j in 0..<k { sum += x[r * k + j] * vectors[v * k + j] }
            #expect(dots[r * m + v] == sum)
        }
    }

    @Test func shortInputsFallBackToReference() {
        let t = MLSVMKernels.transpose([1, 2, 3, 4], m: 2, k: 2)
        #expect(t == [1, 3, 2, 4])
        // x too short for 2 rows: the reference twin reads missing values as 0 instead of trapping.
        #expect(MLSVMKernels.dots(x: [1, 1, 1], rows: 2, k: 2, vectorsT: t, m: 2) == [3, 7, 1, 3])
    }
}

import SlipwayTensor
import Testing

@testable import SlipwayEngine

/// The fast reduction kernels against their plain reference twins, on random shapes and axes.
@Suite struct ReductionKernelTests {
    @Test func reduceMatchesReferenceForFloats() throws {
        var random = ReductionTestRandom(seed: 42)
        for _ in 0..<200 {
            let shape = random.shape(maxRank: 5, maxDim: 6)
            let axes = Set(shape.indices.filter { _ in random.int(0...1) == 1 })
            let x = random.floats(shape.reduce(1, *))
            let layout = ReductionLayout(shape: shape, axes: axes)
            #expect(
                reductionClose(
                    try ReductionKernels.reduce(x, layout, ReductionSum.self),
                    ReductionKernels.referenceReduce(x, shape: shape, axes: axes, ReductionSum.self), tolerance: 1e-5))
            #expect(
                reductionClose(
                    try ReductionKernels.reduce(x, layout, ReductionSumSquare.self),
                    ReductionKernels.referenceReduce(x, shape: shape, axes: axes, ReductionSumSquare.self), tolerance: 1e-5))
            #expect(
                try ReductionKernels.reduce(x, layout, ReductionMax.self)
                    == ReductionKernels.referenceReduce(x, shape: shape, axes: axes, ReductionMax.self))
            #expect(
                try ReductionKernels.reduce(x, layout, ReductionMin.self)
                    == ReductionKernels.referenceReduce(x, shape: shape, axes: axes, ReductionMin.self))
            let shift = try ReductionKernels.reduce(x, layout, ReductionMax.self)
            #expect(
                reductionClose(
                    try ReductionKernels.sumExpShifted(x, layout, shift: shift),
                    ReductionKernels.referenceSumExpShifted(x, shape: shape, axes: axes, shift: shift), tolerance: 1e-5))
        }
    }

    @Test func reduceMatchesReferenceExactlyForIntegers() throws {
        var random = ReductionTestRandom(seed: 3)
        for _ in 0..<200 {
            let shape = random.shape(maxRank: 4, maxDim: 7)
            let axes = Set(shape.indices.filter { _ in random.int(0...1) == 1 })
            let x = (0..<shape.reduce(1, *)).map { _ in Int32(truncatingIfNeeded: random.next()) }
            let layout = ReductionLayout(shape: shape, axes: axes)
            #expect(
                try ReductionKernels.reduce(x, layout, ReductionSum.self)
                    == ReductionKernels.referenceReduce(x, shape: shape, axes: axes, ReductionSum.self))
            #expect(
                try ReductionKernels.reduce(x, layout, ReductionProduct.self)
                    == ReductionKernels.referenceReduce(x, shape: shape, axes: axes, ReductionProduct.self))
            #expect(
                try ReductionKernels.reduce(x, layout, ReductionSumAbs.self)
                    == ReductionKernels.referenceReduce(x, shape: shape, axes: axes, ReductionSumAbs.self))
        }
    }

    @Test func layoutCoversEveryElementOnce() {
        var random = ReductionTestRandom(seed: 11)
        for _ in 0..<100 {
            let shape = random.shape(maxRank: 5, maxDim: 4)
            let axes = Set(shape.indices.filter { _ in random.int(0...1) == 1 })
            let layout = ReductionLayout(shape: shape, axes: axes)
            var seen = [Int](repeating: 0, count: shape.reduce(1, *))
            for base in layout.outerOffsets {
                for r in layout.reducedOffsets {
                    for i in 0..<layout.inner {
                        for j in 0..<layout.run { seen[base + r + i + j] += 1 }
                    }
                }
            }
            #expect(seen.allSatisfy { $0 == 1 }, "\(shape) axes \(axes)")
            #expect(layout.outerOffsets.count * layout.inner == layout.outputCount)
        }
    }

    @Test func layoutRejectsAForeignInput() {
        let layout = ReductionLayout(shape: [2, 3], axes: [1])
        #expect(throws: EngineError.self) { _ = try ReductionKernels.reduce([Float](repeating: 0, count: 5), layout, ReductionSum.self) }
    }

    @Test func batchedMatMulMatchesReference() throws {
        var random = ReductionTestRandom(seed: 5)
        for _ in 0..<100 {
            let (batch, m, k, n) = (random.int(1...3), random.int(1...6), random.int(0...7), random.int(1...6))
            let a = random.floats(batch * m * k)
            let b = random.floats(batch * k * n)
            #expect(
                reductionClose(
                    try ReductionKernels.batchedMatMul(a, b, batch: batch, m: m, k: k, n: n),
                    ReductionKernels.referenceBatchedMatMul(a, b, batch: batch, m: m, k: k, n: n), tolerance: 1e-5))
            let ai = a.map { Int64($0 * 100) }
            let bi = b.map { Int64($0 * 100) }
            #expect(
                try ReductionKernels.batchedMatMul(ai, bi, batch: batch, m: m, k: k, n: n)
                    == ReductionKernels.referenceBatchedMatMul(ai, bi, batch: batch, m: m, k: k, n: n))
        }
        #expect(throws: EngineError.self) { _ = try ReductionKernels.batchedMatMul([Float(1)], [1, 2], batch: 1, m: 1, k: 2, n: 1) }
    }

    @Test func topKMatchesFullSort() throws {
        var random = ReductionTestRandom(seed: 9)
        for _ in 0..<100 {
            let (outer, n, inner) = (random.int(1...3), random.int(1...40), random.int(1...3))
            let k = random.int(0...n)
            // Few distinct values, so ties are common.
            let x = (0..<outer * n * inner).map { _ in Float(random.int(0...5)) }
            for largest in [true, false] {
                let fast = try TopKKernel.select(x, outer: outer, n: n, inner: inner, k: k, largest: largest)
                let reference = TopKKernel.referenceSelect(x, outer: outer, n: n, inner: inner, k: k, largest: largest)
                #expect(fast.offsets == reference.offsets)
                #expect(fast.indices == reference.indices)
            }
        }
    }
}

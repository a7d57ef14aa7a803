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

    @Test func pairScoresMatchReferenceBitForBit() {
        var rng = SplitMix(state: 23)
        for _ in 0..<200 {
            let k = 2 + rng.below(5)
            let perClass = (0..<k).map { _ in rng.below(9) }
            var starts: [Int] = []
            var total = 0
            for c in perClass {
                starts.append(total)
                total += c
            }
            let rows = 1 + rng.below(4)
            let kernels = (0..<(rows * total)).map { _ in rng.unit() }
            let coefficients = (0..<((k - 1) * total)).map { _ in rng.unit() }
            let rho = (0..<(k * (k - 1) / 2)).map { _ in rng.unit() }
            for r in 0..<rows {
                var fast = [Float](repeating: 9, count: rho.count), slow = fast
                var fastVotes = [Int](repeating: 7, count: k), slowVotes = fastVotes
                let a = MLSVMKernels.pairScores(
                    kernels: kernels, offset: r * total, vectorCount: total, coefficients: coefficients, vectorsPerClass: perClass,
                    startingVector: starts, rho: rho, into: &fast, votes: &fastVotes)
                let b = MLSVMKernels.pairScoresReference(
                    kernels: kernels, offset: r * total, vectorCount: total, coefficients: coefficients, vectorsPerClass: perClass,
                    startingVector: starts, rho: rho, into: &slow, votes: &slowVotes)
                #expect(a && b)
                #expect(fast == slow)
                #expect(fastVotes == slowVotes)
            }
        }
        // Arguments that do not fit are refused, not read.
        var scores: [Float] = [0], votes = [0, 0]
        #expect(
            !MLSVMKernels.pairScores(
                kernels: [1, 2], offset: 1, vectorCount: 2, coefficients: [1, 1], vectorsPerClass: [1, 1], startingVector: [0, 1],
                rho: [0], into: &scores, votes: &votes))
        #expect(
            !MLSVMKernels.pairScores(
                kernels: [1, 2], offset: 0, vectorCount: 2, coefficients: [1, 1], vectorsPerClass: [1, 2], startingVector: [0, 1],
                rho: [0], into: &scores, votes: &votes))
    }

    @Test func treeAggregationMatchesReferenceBitForBit() {
        var rng = SplitMix(state: 31)
        for _ in 0..<200 {
            let nodes = 1 + rng.below(30), targets = 1 + rng.below(4)
            var starts: [Int32] = [], counts: [Int32] = [], weightTargets: [Int32] = [], values: [Float] = []
            for _ in 0..<nodes {
                let c = rng.below(4)
                starts.append(Int32(weightTargets.count))
                counts.append(Int32(c))
                for _ in 0..<c {
                    // Now and then a target or leaf out of range: both versions skip it.
                    weightTargets.append(Int32(rng.below(targets + (rng.below(10) == 0 ? 2 : 0))))
                    values.append(rng.unit())
                }
            }
            let rows = 1 + rng.below(12), firstRow = rng.below(3)
            let leaves = (0..<rows).map { _ in Int32(rng.below(nodes + (rng.below(8) == 0 ? 3 : 0))) }
            var fast = (0..<((firstRow + rows) * targets)).map { _ in rng.unit() }, slow = fast
            var fastHas = [Bool](repeating: false, count: fast.count), slowHas = fastHas
            MLTreeAggregation.addWeights(
                leaves: leaves, count: rows, firstRow: firstRow, targets: targets, weightStart: starts, weightCount: counts,
                weightTargets: weightTargets, weightValues: values, score: &fast, has: &fastHas)
            MLTreeAggregation.addWeightsReference(
                leaves: leaves, count: rows, firstRow: firstRow, targets: targets, weightStart: starts, weightCount: counts,
                weightTargets: weightTargets, weightValues: values, score: &slow, has: &slowHas)
            #expect(fast == slow)
            #expect(fastHas == slowHas)
            // One weight per node at most: the single-weight kernel, its twin and the general kernel agree.
            let leafTarget = (0..<nodes).map { i in counts[i] == 0 ? Int32(-1) : weightTargets[Int(starts[i])] }
            let leafValue = (0..<nodes).map { i in counts[i] == 0 ? Float(0) : values[Int(starts[i])] }
            let oneCounts = counts.map { Swift.min($0, 1) }
            var general = (0..<((firstRow + rows) * targets)).map { Float($0) * 0.25 }, single = general, twin = general
            var generalHas = [Bool](repeating: false, count: general.count), singleHas = generalHas, twinHas = generalHas
            MLTreeAggregation.addWeights(
                leaves: leaves, count: rows, firstRow: firstRow, targets: targets, weightStart: starts, weightCount: oneCounts,
                weightTargets: weightTargets, weightValues: values, score: &general, has: &generalHas)
            MLTreeAggregation.addSingleWeights(
                leaves: leaves, count: rows, firstRow: firstRow, targets: targets, leafTarget: leafTarget, leafValue: leafValue,
                score: &single, has: &singleHas)
            MLTreeAggregation.addSingleWeightsReference(
                leaves: leaves, count: rows, firstRow: firstRow, targets: targets, leafTarget: leafTarget, leafValue: leafValue,
                score: &twin, has: &twinHas)
            #expect(single == general && single == twin)
            #expect(singleHas == generalHas && singleHas == twinHas)
        }
    }
}

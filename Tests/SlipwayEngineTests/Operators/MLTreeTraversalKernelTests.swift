import Testing

@testable import SlipwayEngine

/// The unchecked tree walk against its bounds-checked reference twin on random forests and inputs.
@Suite struct MLTreeTraversalKernelTests {
    /// A deterministic generator so failures reproduce.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// A random complete-ish forest of `trees` trees of depth up to `depth` over `features` features.
    static func randomForest(
        _ rng: inout SplitMix, trees: Int, depth: Int, features: Int, modes: [MLNodeMode], missing: Bool
    ) throws -> MLTreeModel<Float> {
        var b = MLTreeBuilder<Float>(op: "test")
        func grow(_ level: Int) throws -> Int {
            if level == depth || (level > 1 && rng.below(4) == 0) {
                let leaf = try b.addNode(feature: 0, threshold: 0, mode: .leaf, missingTrue: false)
                b.model.weightStart[leaf] = Int32(b.model.weightValues.count)
                b.model.weightCount[leaf] = 1
                b.model.weightTargets.append(0)
                b.model.weightValues.append(rng.unit())
                return leaf
            }
            let mode = modes[rng.below(modes.count)]
            let set: [Float]? = mode == .member ? [Float(rng.below(4)), Float(rng.below(4))] : nil
            let threshold = mode == .eq || mode == .neq ? Float(rng.below(4)) : rng.unit() * 4
            let node = try b.addNode(
                feature: rng.below(features), threshold: threshold, mode: mode, missingTrue: missing && rng.below(2) == 0,
                memberSet: set)
            let t = try grow(level + 1)
            let f = try grow(level + 1)
            b.model.forest.trueChild[node] = Int32(t)
            b.model.forest.falseChild[node] = Int32(f)
            return node
        }
        for _ in 0..<trees { b.model.forest.roots.append(Int32(try grow(0))) }
        return try b.finish(requireLeafWeights: true)
    }

    /// Mode sets covering each path of the fast walk: uniform x <= t with and without NaN tracking, another
    /// uniform mode, and mixed modes with set membership.
    static let cases: [(modes: [MLNodeMode], missing: Bool)] = [
        ([.leq], false), ([.leq], true), ([.lt], true), ([.gte], false), ([.leq, .lt, .gte, .gt, .eq, .neq, .member], true),
    ]

    @Test(arguments: 0..<5)
    func fastWalkMatchesReference(caseIndex: Int) throws {
        let (modes, missing) = Self.cases[caseIndex]
        var rng = SplitMix(state: UInt64(caseIndex) &+ 7)
        let features = 5
        let model = try Self.randomForest(&rng, trees: 20, depth: 8, features: features, modes: modes, missing: missing)
        #expect(model.forest.uniformMode == (modes.count == 1 ? modes[0] : nil))
        let rows = 300
        var x = (0..<(rows * features)).map { _ in rng.below(3) == 0 ? Float(rng.below(4)) : rng.unit() * 4 }
        for i in stride(from: 0, to: x.count, by: 13) { x[i] = .nan }
        var fast = [Int32](repeating: -1, count: 64)
        var reference = [Int32](repeating: -2, count: 64)
        for root in model.forest.roots {
            for first in stride(from: 0, to: rows, by: 64) {
                let count = min(64, rows - first)
                MLTreeTraversal.leaves(model.forest, root: root, x: x, stride: features, firstRow: first, rowCount: count, into: &fast)
                MLTreeTraversal.leavesReference(
                    model.forest, root: root, x: x, stride: features, firstRow: first, rowCount: count, into: &reference)
                #expect(Array(fast[0..<count]) == Array(reference[0..<count]))
            }
        }
    }
}

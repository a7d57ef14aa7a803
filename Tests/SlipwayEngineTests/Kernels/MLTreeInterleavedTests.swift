import Testing

@testable import SlipwayEngine

/// The interleaved four-row walk over packed nodes against the bounds-checked reference, including
/// row counts that leave a remainder and one-leaf trees.
@Suite struct MLTreeInterleavedTests {
    @Test(arguments: [MLNodeMode.leq, .lt, .gte, .gt])
    func interleavedWalkMatchesReference(mode: MLNodeMode) throws {
        // Depth 4: every tree takes the level-by-level walk; depth 12: most take the four-row walk.
        for depth in [4, 12] {
            try check(mode: mode, depth: depth)
        }
    }

    func check(mode: MLNodeMode, depth: Int) throws {
        var rng = MLTreeTraversalKernelTests.SplitMix(state: UInt64(mode.rawValue) &+ 99 &+ UInt64(depth))
        let features = 7
        let model = try MLTreeTraversalKernelTests.randomForest(
            &rng, trees: 25, depth: depth, features: features, modes: [mode], missing: false)
        #expect(model.forest.packed.count == model.forest.nodeCount)
        let shallow = model.forest.roots.filter { model.forest.rootHeights[Int($0)] >= 0 }.count
        #expect(depth <= MLTreeTraversal.levelWalkDepth ? shallow == model.forest.roots.count : shallow < model.forest.roots.count)
        let rows = 203
        var x = (0..<(rows * features)).map { _ in rng.unit() * 4 }
        for i in Swift.stride(from: 5, to: x.count, by: 17) { x[i] = .nan }
        var fast = [Int32](repeating: -1, count: 128)
        var reference = [Int32](repeating: -2, count: 128)
        // The same forest over Double (packed nodes of another stride: children are byte offsets).
        let wide = Self.widened(model.forest)
        let xWide = x.map(Double.init)
        var fastWide = [Int32](repeating: -3, count: 128)
        for root in model.forest.roots {
            var first = 0
            while first < rows {
                let count = min(1 + rng.below(127), rows - first)
                MLTreeTraversal.leaves(model.forest, root: root, x: x, stride: features, firstRow: first, rowCount: count, into: &fast)
                MLTreeTraversal.leavesReference(
                    model.forest, root: root, x: x, stride: features, firstRow: first, rowCount: count, into: &reference)
                MLTreeTraversal.leaves(wide, root: root, x: xWide, stride: features, firstRow: first, rowCount: count, into: &fastWide)
                #expect(Array(fast[0..<count]) == Array(reference[0..<count]))
                #expect(Array(fastWide[0..<count]) == Array(reference[0..<count]))
                first += count
            }
        }
    }

    /// `forest` with Double thresholds (exact), packed anew.
    static func widened(_ forest: MLForest<Float>) -> MLForest<Double> {
        var wide = MLForest<Double>()
        wide.featureIds = forest.featureIds
        wide.thresholds = forest.thresholds.map(Double.init)
        wide.modes = forest.modes
        wide.missingTrue = forest.missingTrue
        wide.trueChild = forest.trueChild
        wide.falseChild = forest.falseChild
        wide.memberSets = forest.memberSets
        wide.setStarts = forest.setStarts
        wide.setValues = forest.setValues.map(Double.init)
        wide.roots = forest.roots
        wide.uniformMode = forest.uniformMode
        wide.hasMissingTracks = forest.hasMissingTracks
        wide.maxFeatureId = forest.maxFeatureId
        wide.pack()
        return wide
    }

    /// Four trees at a time for one row, against the reference tree by tree: uniform modes with and without
    /// missing-value tracks (rows with and without NaN) and mixed modes (the per-tree fallback).
    @Test(arguments: [([MLNodeMode.leq], false), ([.leq], true), ([.lt], true), ([.gt], false), ([.leq, .eq, .member], true)])
    func acrossTreesMatchesReference(modes: [MLNodeMode], missing: Bool) throws {
        var rng = MLTreeTraversalKernelTests.SplitMix(state: 4242 &+ UInt64(modes.count) &+ (missing ? 1 : 0))
        let features = 9
        for trees in [1, 3, 4, 13, 50] {
            let model = try MLTreeTraversalKernelTests.randomForest(
                &rng, trees: trees, depth: 11, features: features, modes: modes, missing: missing)
            let rows = 40
            var x = (0..<(rows * features)).map { _ in rng.unit() * 4 }
            for i in Swift.stride(from: 3, to: x.count, by: 23) { x[i] = .nan }
            var fast = [Int32](repeating: -1, count: trees)
            var reference = [Int32](repeating: -2, count: 1)
            for row in 0..<rows {
                let noNaN = MLTreeTraversal.rowsHaveNoNaN(x, stride: features, firstRow: row, rowCount: 1)
                #expect(noNaN == !x[(row * features)..<((row + 1) * features)].contains { $0.isNaN })
                MLTreeTraversal.leavesAcrossTrees(model.forest, x: x, stride: features, row: row, into: &fast, rowHasNoNaN: noNaN)
                var fastWide = [Int32](repeating: -3, count: trees)
                MLTreeTraversal.leavesAcrossTrees(
                    Self.widened(model.forest), x: x.map(Double.init), stride: features, row: row, into: &fastWide, rowHasNoNaN: noNaN)
                for (t, root) in model.forest.roots.enumerated() {
                    MLTreeTraversal.leavesReference(model.forest, root: root, x: x, stride: features, firstRow: row, rowCount: 1, into: &reference)
                    #expect(fast[t] == reference[0], "tree \(t) of \(trees), row \(row)")
                    #expect(fastWide[t] == reference[0], "tree \(t) of \(trees), row \(row), Double")
                }
            }
        }
    }

    @Test func oneLeafTree() throws {
        var b = MLTreeBuilder<Float>(op: "test")
        let leaf = try b.addNode(feature: 0, threshold: 0, mode: .leaf, missingTrue: false)
        b.model.weightStart[leaf] = 0
        b.model.weightCount[leaf] = 1
        b.model.weightTargets.append(0)
        b.model.weightValues.append(1)
        b.model.forest.roots.append(Int32(leaf))
        let model = try b.finish(requireLeafWeights: true)
        var out = [Int32](repeating: -1, count: 6)
        MLTreeTraversal.leaves(model.forest, root: 0, x: [Float](repeating: 1, count: 12), stride: 2, firstRow: 0, rowCount: 6, into: &out)
        #expect(out == [0, 0, 0, 0, 0, 0])
    }
}

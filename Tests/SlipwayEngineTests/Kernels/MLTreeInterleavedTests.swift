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
        for root in model.forest.roots {
            var first = 0
            while first < rows {
                let count = min(1 + rng.below(127), rows - first)
                MLTreeTraversal.leaves(model.forest, root: root, x: x, stride: features, firstRow: first, rowCount: count, into: &fast)
                MLTreeTraversal.leavesReference(
                    model.forest, root: root, x: x, stride: features, firstRow: first, rowCount: count, into: &reference)
                #expect(Array(fast[0..<count]) == Array(reference[0..<count]))
                first += count
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

import SlipwayTensor

// The engine shared by TreeEnsembleClassifier, TreeEnsembleRegressor (ai.onnx.ml 1-3) and TreeEnsemble
// (ai.onnx.ml 5): building the flattened forest from either attribute layout, walking it block by block,
// and aggregating leaf weights exactly as onnxruntime's `TreeEnsembleCommon` and its aggregators do
// (scores accumulated in the threshold type, trees in order, then base values and the post transform).

/// How leaf values of different trees combine for one target.
enum MLAggregate: Sendable {
    case average, sum, min, max

    init(name: String, op: String) throws {
        switch name {
        case "AVERAGE": self = .average
        case "SUM": self = .sum
        case "MIN": self = .min
        case "MAX": self = .max
        default: throw EngineError.invalidModel("\(op): attribute 'aggregate_function' is '\(name)', expected AVERAGE, SUM, MIN or MAX")
        }
    }

    init(code: Int, op: String) throws {
        switch code {
        case 0: self = .average
        case 1: self = .sum
        case 2: self = .min
        case 3: self = .max
        default: throw EngineError.invalidModel("\(op): attribute 'aggregate_function' is \(code), expected 0 to 3")
        }
    }
}

/// A forest plus the leaf weights of each leaf.
struct MLTreeModel<T: BinaryFloatingPoint & Sendable>: Sendable {
    var forest = MLForest<T>()
    /// Per node: the first of its weights in `weightTargets`/`weightValues`, and how many (leaves only).
    var weightStart: [Int32] = []
    var weightCount: [Int32] = []
    /// Per node: the leaf's first weight (what onnxruntime uses when there is a single target).
    var leafValue: [T] = []
    /// Per node: the target of its only weight (-1: no weight), when no node has more than one weight
    /// (a forest of one weight per leaf, e.g. scikit-learn's binary classifiers); else empty.
    var leafTarget: [Int32] = []
    var weightTargets: [Int32] = []
    var weightValues: [T] = []
    var targetCount = 1

    var treeCount: Int { forest.roots.count }
}

/// Builds `MLTreeModel`s from node attributes and checks them (every child exists, no cycles).
struct MLTreeBuilder<T: BinaryFloatingPoint & Sendable> {
    let op: String
    var model = MLTreeModel<T>()
    var modeCount: [UInt8: Int] = [:]

    init(op: String) { self.op = op }

    /// Appends a node; returns its index.
    mutating func addNode(feature: Int, threshold: T, mode: MLNodeMode, missingTrue: Bool, memberSet: [T]? = nil) throws -> Int {
        if mode != .leaf {
            guard feature >= 0, feature <= Int(Int32.max) else {
                throw EngineError.invalidModel("\(op): node \(model.forest.nodeCount) has invalid feature id \(feature)")
            }
            model.forest.maxFeatureId = Swift.max(model.forest.maxFeatureId, feature)
            modeCount[mode.rawValue, default: 0] += 1
            if missingTrue { model.forest.hasMissingTracks = true }
        }
        model.forest.featureIds.append(mode == .leaf ? 0 : Int32(feature))
        model.forest.thresholds.append(threshold)
        model.forest.modes.append(mode.rawValue)
        model.forest.missingTrue.append(missingTrue)
        model.forest.trueChild.append(0)
        model.forest.falseChild.append(0)
        if let memberSet {
            model.forest.memberSets.append(Int32(model.forest.setStarts.count - 1))
            model.forest.setValues += memberSet
            model.forest.setStarts.append(Int32(model.forest.setValues.count))
        } else {
            model.forest.memberSets.append(-1)
        }
        model.weightStart.append(0)
        model.weightCount.append(0)
        model.leafValue.append(0)
        return model.forest.nodeCount - 1
    }

    /// Finishes the model: checks children, cycles and leaf weights; picks the uniform mode.
    mutating func finish(requireLeafWeights: Bool) throws -> MLTreeModel<T> {
        let n = model.forest.nodeCount
        guard n <= Int(Int32.max) else { throw EngineError.invalidModel("\(op): too many nodes") }
        var indegree = [Int](repeating: 0, count: n)
        for i in 0..<n where model.forest.modes[i] != MLNodeMode.leaf.rawValue {
            for c in [model.forest.trueChild[i], model.forest.falseChild[i]] {
                guard c >= 0, Int(c) < n, Int(c) != i else {
                    throw EngineError.invalidModel("\(op): node \(i) points to an invalid child \(c)")
                }
                indegree[Int(c)] += 1
            }
        }
        // Kahn's algorithm: the child graph must be acyclic so every walk ends at a leaf.
        var ready = (0..<n).filter { indegree[$0] == 0 }
        var seen = 0
        while let i = ready.popLast() {
            seen += 1
            guard model.forest.modes[i] != MLNodeMode.leaf.rawValue else { continue }
            for c in [Int(model.forest.trueChild[i]), Int(model.forest.falseChild[i])] {
                indegree[c] -= 1
                if indegree[c] == 0 { ready.append(c) }
            }
        }
        guard seen == n else { throw EngineError.invalidModel("\(op): the trees contain a cycle") }
        if requireLeafWeights {
            for i in 0..<n where model.forest.modes[i] == MLNodeMode.leaf.rawValue && model.weightCount[i] == 0 {
                throw EngineError.invalidModel("\(op): leaf node \(i) has no target or class weight")
            }
        }
        for i in 0..<n where model.weightCount[i] > 0 {
            model.leafValue[i] = model.weightValues[Int(model.weightStart[i])]
        }
        if model.weightCount.allSatisfy({ $0 <= 1 }) {
            model.leafTarget = (0..<n).map { i in model.weightCount[i] == 1 ? model.weightTargets[Int(model.weightStart[i])] : -1 }
        }
        if modeCount.count == 1, let only = modeCount.keys.first, only != MLNodeMode.member.rawValue {
            model.forest.uniformMode = MLNodeMode(rawValue: only)
        }
        model.forest.pack()
        return model
    }

    /// The forest of the ai.onnx.ml 1-3 attributes (`nodes_*` with tree and node ids, `target_*`/`class_*`).
    static func fromV3(
        _ a: Attributes, op: String, weightPrefix: String, targetCount: Int
    ) throws -> MLTreeModel<T> {
        var b = MLTreeBuilder<T>(op: op)
        b.model.targetCount = targetCount
        let treeIds = try a.ints("nodes_treeids") ?? []
        let nodeIds = try a.ints("nodes_nodeids") ?? []
        let featureIds = try a.ints("nodes_featureids") ?? []
        let modeNames = try a.strings("nodes_modes") ?? []
        let values = try a.mlValues("nodes_values", op: op) ?? []
        let trueIds = try a.ints("nodes_truenodeids") ?? []
        let falseIds = try a.ints("nodes_falsenodeids") ?? []
        let missing = try a.ints("nodes_missing_value_tracks_true") ?? []
        let count = treeIds.count
        for (name, list) in [
            ("nodes_nodeids", nodeIds.count), ("nodes_featureids", featureIds.count), ("nodes_modes", modeNames.count),
            ("nodes_values", values.count), ("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count),
        ] where list != count {
            throw EngineError.invalidModel("\(op): attribute '\(name)' has \(list) entries but 'nodes_treeids' has \(count)")
        }
        guard count > 0 else { throw EngineError.invalidModel("\(op): the ensemble has no nodes") }
        var index: [Int64: Int] = [:]
        func key(_ tree: Int, _ node: Int) -> Int64 { (Int64(truncatingIfNeeded: tree) << 32) ^ Int64(UInt32(truncatingIfNeeded: node)) }
        var previousTree: Int? = nil
        for i in 0..<count {
            let mode: MLNodeMode
            switch modeNames[i] {
            case "BRANCH_LEQ": mode = .leq
            case "BRANCH_LT": mode = .lt
            case "BRANCH_GTE": mode = .gte
            case "BRANCH_GT": mode = .gt
            case "BRANCH_EQ": mode = .eq
            case "BRANCH_NEQ": mode = .neq
            case "LEAF": mode = .leaf
            default: throw EngineError.invalidModel("\(op): node \(i) has unknown mode '\(modeNames[i])'")
            }
            let node = try b.addNode(
                feature: featureIds[i], threshold: T(values[i]), mode: mode, missingTrue: i < missing.count && missing[i] == 1)
            guard index.updateValue(node, forKey: key(treeIds[i], nodeIds[i])) == nil else {
                throw EngineError.invalidModel("\(op): node \(nodeIds[i]) of tree \(treeIds[i]) is defined twice")
            }
            // onnxruntime starts a new tree wherever the tree id changes from the previous node's.
            if previousTree != treeIds[i] { b.model.forest.roots.append(Int32(node)) }
            previousTree = treeIds[i]
        }
        for i in 0..<count where b.model.forest.modes[i] != MLNodeMode.leaf.rawValue {
            guard let t = index[key(treeIds[i], trueIds[i])], let f = index[key(treeIds[i], falseIds[i])] else {
                throw EngineError.invalidModel(
                    "\(op): node \(nodeIds[i]) of tree \(treeIds[i]) points to a missing node (\(trueIds[i]) or \(falseIds[i]))")
            }
            b.model.forest.trueChild[i] = Int32(t)
            b.model.forest.falseChild[i] = Int32(f)
        }
        // Leaf weights, sorted by (tree, node) then by position, as onnxruntime orders them.
        let wTrees = try a.ints("\(weightPrefix)_treeids") ?? []
        let wNodes = try a.ints("\(weightPrefix)_nodeids") ?? []
        let wIds = try a.ints("\(weightPrefix)_ids") ?? []
        let wValues = try a.mlValues("\(weightPrefix)_weights", op: op) ?? []
        guard wNodes.count == wIds.count, wTrees.count == wIds.count, wValues.count == wIds.count else {
            throw EngineError.invalidModel(
                "\(op): attributes '\(weightPrefix)_ids', '_nodeids', '_treeids' and '_weights' must have the same length")
        }
        var order: [(tree: Int, node: Int, position: Int)] = []
        order.reserveCapacity(wIds.count)
        for i in 0..<wIds.count { order.append((wTrees[i], wNodes[i], i)) }
        order.sort { ($0.tree, $0.node, $0.position) < ($1.tree, $1.node, $1.position) }
        for entry in order {
            let i = entry.position
            guard wIds[i] >= 0, wIds[i] < targetCount else {
                throw EngineError.invalidModel("\(op): '\(weightPrefix)_ids' value \(wIds[i]) is outside [0, \(targetCount))")
            }
            guard let node = index[key(entry.tree, entry.node)] else {
                throw EngineError.invalidModel("\(op): weight \(i) refers to missing node \(entry.node) of tree \(entry.tree)")
            }
            // Weights on interior nodes are ignored, as onnxruntime does (old converters wrote some).
            guard b.model.forest.modes[node] == MLNodeMode.leaf.rawValue else { continue }
            if b.model.weightCount[node] == 0 { b.model.weightStart[node] = Int32(b.model.weightTargets.count) }
            b.model.weightCount[node] += 1
            b.model.weightTargets.append(Int32(wIds[i]))
            b.model.weightValues.append(T(wValues[i]))
        }
        return try b.finish(requireLeafWeights: true)
    }

    /// The forest of `TreeEnsemble` (ai.onnx.ml 5): interior nodes in `nodes_*`, leaves in `leaf_*`.
    static func fromV5(_ a: Attributes, op: String, targetCount: Int) throws -> MLTreeModel<T> {
        var b = MLTreeBuilder<T>(op: op)
        b.model.targetCount = targetCount
        let featureIds = try a.ints("nodes_featureids") ?? []
        let trueIds = try a.ints("nodes_truenodeids") ?? []
        let falseIds = try a.ints("nodes_falsenodeids") ?? []
        let trueLeafs = try a.ints("nodes_trueleafs") ?? []
        let falseLeafs = try a.ints("nodes_falseleafs") ?? []
        let missing = try a.ints("nodes_missing_value_tracks_true") ?? []
        let roots = try a.ints("tree_roots") ?? []
        let leafTargets = try a.ints("leaf_targetids") ?? []
        guard let modesTensor = try a.tensor("nodes_modes"), let modes = modesTensor.integers() else {
            throw EngineError.invalidModel("\(op): attribute 'nodes_modes' (a uint8 tensor) is required")
        }
        guard let splitsTensor = try a.tensor("nodes_splits"), let splits = splitsTensor.doubles() else {
            throw EngineError.invalidModel("\(op): attribute 'nodes_splits' (a tensor) is required")
        }
        guard let weightsTensor = try a.tensor("leaf_weights"), let leafWeights = weightsTensor.doubles() else {
            throw EngineError.invalidModel("\(op): attribute 'leaf_weights' (a tensor) is required")
        }
        let members = try a.tensor("membership_values")?.doubles() ?? []
        let count = featureIds.count
        for (name, list) in [
            ("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count), ("nodes_trueleafs", trueLeafs.count),
            ("nodes_falseleafs", falseLeafs.count), ("nodes_modes", modes.count), ("nodes_splits", splits.count),
        ] where list != count {
            throw EngineError.invalidModel("\(op): attribute '\(name)' has \(list) entries but 'nodes_featureids' has \(count)")
        }
        guard leafWeights.count == leafTargets.count else {
            throw EngineError.invalidModel("\(op): 'leaf_weights' has \(leafWeights.count) entries but 'leaf_targetids' has \(leafTargets.count)")
        }
        guard !missing.isEmpty ? missing.count == count : true else {
            throw EngineError.invalidModel("\(op): 'nodes_missing_value_tracks_true' must have one entry per node")
        }
        // Membership sets, NaN-delimited, in the order BRANCH_MEMBER nodes appear.
        var memberCursor = 0
        for i in 0..<count {
            let mode: MLNodeMode
            switch modes[i] {
            case 0: mode = .leq
            case 1: mode = .lt
            case 2: mode = .gte
            case 3: mode = .gt
            case 4: mode = .eq
            case 5: mode = .neq
            case 6: mode = .member
            default: throw EngineError.invalidModel("\(op): node \(i) has unknown mode \(modes[i]), expected 0 to 6")
            }
            var set: [T]? = nil
            if mode == .member {
                var values: [T] = []
                while memberCursor < members.count, !members[memberCursor].isNaN {
                    values.append(T(members[memberCursor]))
                    memberCursor += 1
                }
                memberCursor += 1
                set = values
            }
            _ = try b.addNode(
                feature: featureIds[i], threshold: T(splits[i]), mode: mode, missingTrue: i < missing.count && missing[i] == 1,
                memberSet: set)
        }
        for (j, target) in leafTargets.enumerated() {
            guard target >= 0, target < targetCount else {
                throw EngineError.invalidModel("\(op): 'leaf_targetids' value \(target) is outside [0, \(targetCount))")
            }
            let node = try b.addNode(feature: 0, threshold: 0, mode: .leaf, missingTrue: false)
            b.model.weightStart[node] = Int32(b.model.weightTargets.count)
            b.model.weightCount[node] = 1
            b.model.weightTargets.append(Int32(target))
            b.model.weightValues.append(T(leafWeights[j]))
        }
        func child(_ id: Int, isLeaf: Bool, from i: Int) throws -> Int32 {
            if isLeaf {
                guard id >= 0, id < leafTargets.count else {
                    throw EngineError.invalidModel("\(op): node \(i) points to leaf \(id), but there are \(leafTargets.count) leaves")
                }
                return Int32(count + id)
            }
            guard id >= 0, id < count else {
                throw EngineError.invalidModel("\(op): node \(i) points to node \(id), but there are \(count) nodes")
            }
            return Int32(id)
        }
        for i in 0..<count {
            b.model.forest.trueChild[i] = try child(trueIds[i], isLeaf: trueLeafs[i] != 0, from: i)
            b.model.forest.falseChild[i] = try child(falseIds[i], isLeaf: falseLeafs[i] != 0, from: i)
        }
        guard !roots.isEmpty else { throw EngineError.invalidModel("\(op): attribute 'tree_roots' is required") }
        for root in roots {
            guard root >= 0, root < count else {
                throw EngineError.invalidModel("\(op): 'tree_roots' value \(root) is outside [0, \(count))")
            }
            // A one-leaf tree: a root whose both branches are the same leaf.
            if trueLeafs[root] != 0, falseLeafs[root] != 0, trueIds[root] == falseIds[root] {
                b.model.forest.roots.append(b.model.forest.trueChild[root])
            } else {
                b.model.forest.roots.append(Int32(root))
            }
        }
        return try b.finish(requireLeafWeights: false)
    }
}

/// Per-row, per-target scores in onnxruntime's `ScoreValue` form: a value and whether any leaf set it.
struct MLTreeScores<T: BinaryFloatingPoint & Sendable> {
    var score: [T]
    var has: [Bool]
}

extension MLTreeModel {
    /// Walks every row through every tree and aggregates the leaf weights per target, block by block.
    ///
    /// Rows are processed in blocks of 128; within a block trees run in order, so each row sums its trees
    /// in tree order as onnxruntime's single-threaded path does. With one target, onnxruntime adds each
    /// leaf's first weight and (for SUM/AVERAGE) never marks the score as set; with several targets every
    /// weight is added to its target and marks it. Fewer than four rows are walked row by row, four trees at a
    /// time (``MLTreeTraversal/leavesAcrossTrees``), then aggregated in the same tree order through ``add``; the
    /// block loops below keep their aggregation inline (through ``add`` they measured 5–30% slower at batch 64).
    @_specialize(exported:false,where T == Float)
    @_specialize(exported:false,where T == Double)
    func accumulate(x: [T], rows: Int, stride: Int, aggregate: MLAggregate) -> MLTreeScores<T> {
        let n = targetCount
        if n > 1, rows >= 4, aggregate == .sum || aggregate == .average {
            return accumulateWeights(x: x, rows: rows, stride: stride)
        }
        // Local arrays (not the struct's fields) so the inner loops index plain uniquely held buffers.
        var score = [T](repeating: 0, count: rows * n)
        var has = [Bool](repeating: false, count: rows * n)
        if rows < 4 {
            var treeLeaves = [Int32](repeating: 0, count: treeCount)
            for row in 0..<rows {
                let noNaN = MLTreeTraversal.rowsHaveNoNaN(x, stride: stride, firstRow: row, rowCount: 1)
                MLTreeTraversal.leavesAcrossTrees(forest, x: x, stride: stride, row: row, into: &treeLeaves, rowHasNoNaN: noNaN)
                for t in 0..<treeCount {
                    add(leaves: treeLeaves, from: t, count: 1, firstRow: row, aggregate: aggregate, score: &score, has: &has)
                }
            }
            return MLTreeScores<T>(score: score, has: has)
        }
        let block = 128
        var leaves = [Int32](repeating: 0, count: block)
        var start = 0
        while start < rows {
            let count = Swift.min(block, rows - start)
            for root in forest.roots {
                MLTreeTraversal.leaves(forest, root: root, x: x, stride: stride, firstRow: start, rowCount: count, into: &leaves)
                if n == 1 {
                    switch aggregate {
                    case .sum, .average:
                        for r in 0..<count { score[start + r] += leafValue[Int(leaves[r])] }
                    case .min:
                        for r in 0..<count {
                            let v = leafValue[Int(leaves[r])]
                            if !has[start + r] || v < score[start + r] { score[start + r] = v }
                            has[start + r] = true
                        }
                    case .max:
                        for r in 0..<count {
                            let v = leafValue[Int(leaves[r])]
                            if !has[start + r] || v > score[start + r] { score[start + r] = v }
                            has[start + r] = true
                        }
                    }
                } else {
                    for r in 0..<count {
                        let leaf = Int(leaves[r])
                        let first = Int(weightStart[leaf])
                        let end = first + Int(weightCount[leaf])
                        let base = (start + r) * n
                        switch aggregate {
                        case .sum, .average:
                            for w in first..<end {
                                let k = base + Int(weightTargets[w])
                                score[k] += weightValues[w]
                                has[k] = true
                            }
                        case .min:
                            for w in first..<end {
                                let k = base + Int(weightTargets[w])
                                let v = weightValues[w]
                                if !has[k] || v < score[k] { score[k] = v }
                                has[k] = true
                            }
                        case .max:
                            for w in first..<end {
                                let k = base + Int(weightTargets[w])
                                let v = weightValues[w]
                                if !has[k] || v > score[k] { score[k] = v }
                                has[k] = true
                            }
                        }
                    }
                }
            }
            start += count
        }
        let scores = MLTreeScores<T>(score: score, has: has)
        return scores
    }

    /// The block loop of ``accumulate`` for several targets and SUM/AVERAGE: each tree's leaf weights go
    /// through ``MLTreeAggregation/addWeights`` (same order: rows' trees in tree order, each leaf's weights in
    /// order). A separate function, so that the other block loops keep their code as measured.
    @_specialize(exported:false,where T == Float)
    @_specialize(exported:false,where T == Double)
    func accumulateWeights(x: [T], rows: Int, stride: Int) -> MLTreeScores<T> {
        let n = targetCount
        var score = [T](repeating: 0, count: rows * n)
        var has = [Bool](repeating: false, count: rows * n)
        let block = 128
        var leaves = [Int32](repeating: 0, count: block)
        let single = leafTarget.count == forest.nodeCount && leafValue.count == forest.nodeCount
        var start = 0
        while start < rows {
            let count = Swift.min(block, rows - start)
            for root in forest.roots {
                MLTreeTraversal.leaves(forest, root: root, x: x, stride: stride, firstRow: start, rowCount: count, into: &leaves)
                if single {
                    MLTreeAggregation.addSingleWeights(
                        leaves: leaves, count: count, firstRow: start, targets: n, leafTarget: leafTarget, leafValue: leafValue,
                        score: &score, has: &has)
                } else {
                    MLTreeAggregation.addWeights(
                        leaves: leaves, count: count, firstRow: start, targets: n, weightStart: weightStart, weightCount: weightCount,
                        weightTargets: weightTargets, weightValues: weightValues, score: &score, has: &has)
                }
            }
            start += count
        }
        return MLTreeScores<T>(score: score, has: has)
    }

    /// Adds one tree's leaves for rows `firstRow ..< firstRow + count` (`leaves[from + r]` is row
    /// `firstRow + r`'s leaf) into the scores.
    @inline(__always)
    private func add(
        leaves: [Int32], from: Int, count: Int, firstRow start: Int, aggregate: MLAggregate, score: inout [T], has: inout [Bool]
    ) {
        let n = targetCount
        if n == 1 {
            switch aggregate {
            case .sum, .average:
                for r in 0..<count { score[start + r] += leafValue[Int(leaves[from + r])] }
            case .min:
                for r in 0..<count {
                    let v = leafValue[Int(leaves[from + r])]
                    if !has[start + r] || v < score[start + r] { score[start + r] = v }
                    has[start + r] = true
                }
            case .max:
                for r in 0..<count {
                    let v = leafValue[Int(leaves[from + r])]
                    if !has[start + r] || v > score[start + r] { score[start + r] = v }
                    has[start + r] = true
                }
            }
            return
        }
        for r in 0..<count {
            let leaf = Int(leaves[from + r])
            let first = Int(weightStart[leaf])
            let end = first + Int(weightCount[leaf])
            let base = (start + r) * n
            switch aggregate {
            case .sum, .average:
                for w in first..<end {
                    let k = base + Int(weightTargets[w])
                    score[k] += weightValues[w]
                    has[k] = true
                }
            case .min:
                for w in first..<end {
                    let k = base + Int(weightTargets[w])
                    let v = weightValues[w]
                    if !has[k] || v < score[k] { score[k] = v }
                    has[k] = true
                }
            case .max:
                for w in first..<end {
                    let k = base + Int(weightTargets[w])
                    let v = weightValues[w]
                    if !has[k] || v > score[k] { score[k] = v }
                    has[k] = true
                }
            }
        }
    }

    /// Regression output (TreeEnsembleRegressor, TreeEnsemble): base values, averaging and the post transform
    /// applied as onnxruntime's `TreeAggregator{Sum,Average,Min,Max}` finalize their scores. `store` writes
    /// one output value from either the threshold-type value (no transform) or the transformed float.
    @_specialize(exported:false,where T == Float, O == Float)
    @_specialize(exported:false,where T == Double, O == Float)
    @_specialize(exported:false,where T == Double, O == Double)
    func finalizeRegression<O>(
        _ s: MLTreeScores<T>, rows: Int, aggregate: MLAggregate, baseValues: [T], transform: MLPostTransform,
        convert: (T) -> O, convertFloat: (Float) -> O
    ) -> [O] {
        let n = targetCount
        var out: [O] = []
        out.reserveCapacity(rows * n)
        let trees = T(treeCount)
        if n == 1 {
            let origin: T = baseValues.count == 1 ? baseValues[0] : 0
            for r in 0..<rows {
                var v = s.score[r]
                switch aggregate {
                case .sum: v += origin
                case .average: v = v / trees + origin
                case .min, .max: v = s.has[r] ? v + origin : origin
                }
                out.append(transform == .probit ? convertFloat(MLMath.probit(Float(v))) : convert(v))
            }
            return out
        }
        let useBase = baseValues.count == n
        var group = [Float](repeating: 0, count: n)
        var values = [T](repeating: 0, count: n)
        for r in 0..<rows {
            for k in 0..<n {
                var v = s.score[r * n + k]
                switch aggregate {
                case .sum: if useBase { v += baseValues[k] }
                case .average: v = useBase ? v / trees + baseValues[k] : v / trees
                case .min, .max: v = (useBase ? baseValues[k] : 0) + (s.has[r * n + k] ? v : 0)
                }
                // onnxruntime writes a target no leaf reached as 0, base value or not.
                values[k] = s.has[r * n + k] ? v : 0
            }
            if transform == .none {
                for v in values { out.append(convert(v)) }
            } else {
                for k in 0..<n { group[k] = Float(values[k]) }
                MLMath.transformGroup(&group, 0..<n, transform)
                for v in group { out.append(convertFloat(v)) }
            }
        }
        return out
    }
}

/// How a tree node compares its feature with its threshold (onnxruntime's node modes, plus set membership).
enum MLNodeMode: UInt8, Sendable {
    case leq = 0, lt, gte, gt, eq, neq, member, leaf
}

/// A tree ensemble flattened into struct-of-arrays node arrays, built once when the operator is created.
///
/// Node `i` is a leaf when `modes[i] == MLNodeMode.leaf`; otherwise it compares `x[featureIds[i]]` with
/// `thresholds[i]` (or, for `member`, looks the value up in set `memberSets[i]`) and continues at
/// `trueChild[i]` or `falseChild[i]`. A NaN feature goes to the true child when `missingTrue[i]`.
/// The builder guarantees every child index is a valid node and the child graph is acyclic; the caller
/// guarantees `maxFeatureId < stride`.
struct MLForest<T: BinaryFloatingPoint & Sendable>: Sendable {
    var featureIds: [Int32] = []
    var thresholds: [T] = []
    var modes: [UInt8] = []
    var missingTrue: [Bool] = []
    var trueChild: [Int32] = []
    var falseChild: [Int32] = []
    /// For `member` nodes: index of the node's set in `setStarts` (else -1).
    var memberSets: [Int32] = []
    /// Set `s` holds `setValues[setStarts[s] ..< setStarts[s + 1]]`.
    var setStarts: [Int32] = [0]
    var setValues: [T] = []
    /// The first node of each tree, in aggregation order.
    var roots: [Int32] = []
    /// The one comparison mode shared by every interior node, when there is one (and it is not `member`).
    var uniformMode: MLNodeMode? = nil
    /// Whether any node sends NaN to its true child.
    var hasMissingTracks = false
    /// The largest feature index an interior node reads (-1 when there are none).
    var maxFeatureId = -1

    var nodeCount: Int { modes.count }
}

/// Finds the leaf each row reaches in one tree. `leaves` and `leavesReference` compute the same thing;
/// the first reads through unchecked pointers (bounds established by `MLForest`'s invariants).
enum MLTreeTraversal {
    /// Writes into `leaves[0 ..< rowCount]` the leaf that rows `firstRow ..< firstRow + rowCount` of `x`
    /// (row-major, `stride` features per row) reach in the tree rooted at `root`.
    @_specialize(exported:false,where T == Float)
    @_specialize(exported:false,where T == Double)
    static func leaves<T>(
        _ forest: MLForest<T>, root: Int32, x: [T], stride: Int, firstRow: Int, rowCount: Int, into leaves: inout [Int32]
    ) {
        guard rowCount > 0, leaves.count >= rowCount, (firstRow + rowCount) * stride <= x.count,
            forest.maxFeatureId < stride, root >= 0, Int(root) < forest.nodeCount
        else {
            leavesReference(forest, root: root, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves)
            return
        }
        let leafMode = MLNodeMode.leaf.rawValue
        // Safe because: every pointer below comes from a `withUnsafeBufferPointer` on an array that outlives
        // the closure and is not resized; node indices are `root` or child indices, which the builder checked
        // are < nodeCount; feature indices are <= maxFeatureId < stride (checked above); row offsets are
        // < (firstRow + rowCount) * stride <= x.count (checked above); `leaves` has >= rowCount slots.
        x.withUnsafeBufferPointer { xp in
            forest.featureIds.withUnsafeBufferPointer { feature in
                forest.thresholds.withUnsafeBufferPointer { threshold in
                    forest.modes.withUnsafeBufferPointer { mode in
                        forest.trueChild.withUnsafeBufferPointer { trueChild in
                            forest.falseChild.withUnsafeBufferPointer { falseChild in
                                forest.missingTrue.withUnsafeBufferPointer { missing in
                                    leaves.withUnsafeMutableBufferPointer { out in
                                        /// Walks every row with one comparison for all nodes; NaN follows
                                        /// `missing` when the forest tracks missing values.
                                        @inline(__always)
                                        func walk(tracksMissing: Bool, _ hit: (T, T) -> Bool) {
                                            for r in 0..<rowCount {
                                                let base = (firstRow + r) * stride
                                                var i = Int(root)
                                                while mode[i] != leafMode {
                                                    let v = xp[base + Int(feature[i])]
                                                    let goTrue = hit(v, threshold[i]) || (tracksMissing && missing[i] && v.isNaN)
                                                    i = Int(goTrue ? trueChild[i] : falseChild[i])
                                                }
                                                out[r] = Int32(i)
                                            }
                                        }
                                        let m = forest.hasMissingTracks
                                        switch forest.uniformMode {
                                        case .leq?:
                                            // The common case (scikit-learn, LightGBM): x <= t.
                                            if m { walk(tracksMissing: true, <=) } else { walk(tracksMissing: false, <=) }
                                        case .lt?: walk(tracksMissing: m, <)
                                        case .gte?: walk(tracksMissing: m, >=)
                                        case .gt?: walk(tracksMissing: m, >)
                                        case .eq?: walk(tracksMissing: m, ==)
                                        case .neq?: walk(tracksMissing: m, !=)
                                        default:
                                            for r in 0..<rowCount {
                                                let base = (firstRow + r) * stride
                                                var i = Int(root)
                                                while mode[i] != leafMode {
                                                    let v = xp[base + Int(feature[i])]
                                                    let t = threshold[i]
                                                    let hit: Bool
                                                    switch mode[i] {
                                                    case 0: hit = v <= t
                                                    case 1: hit = v < t
                                                    case 2: hit = v >= t
                                                    case 3: hit = v > t
                                                    case 4: hit = v == t
                                                    case 5: hit = v != t
                                                    default: hit = forest.contains(set: forest.memberSets[i], v)
                                                    }
                                                    i = Int(hit || (missing[i] && v.isNaN) ? trueChild[i] : falseChild[i])
                                                }
                                                out[r] = Int32(i)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The plain, bounds-checked twin of ``leaves(_:root:x:stride:firstRow:rowCount:into:)``.
    static func leavesReference<T>(
        _ forest: MLForest<T>, root: Int32, x: [T], stride: Int, firstRow: Int, rowCount: Int, into leaves: inout [Int32]
    ) {
        for r in 0..<rowCount {
            let base = (firstRow + r) * stride
            var i = Int(root)
            while forest.modes[i] != MLNodeMode.leaf.rawValue {
                let v = x[base + Int(forest.featureIds[i])]
                let t = forest.thresholds[i]
                let hit: Bool
                switch MLNodeMode(rawValue: forest.modes[i]) ?? .leaf {
                case .leq: hit = v <= t
                case .lt: hit = v < t
                case .gte: hit = v >= t
                case .gt: hit = v > t
                case .eq: hit = v == t
                case .neq: hit = v != t
                case .member, .leaf: hit = forest.contains(set: forest.memberSets[i], v)
                }
                i = Int(hit || (forest.missingTrue[i] && v.isNaN) ? forest.trueChild[i] : forest.falseChild[i])
            }
            leaves[r] = Int32(i)
        }
    }
}

extension MLForest {
    /// Whether `value` is in membership set `set` (sets are small: a linear scan).
    @inline(__always)
    func contains(set: Int32, _ value: T) -> Bool {
        guard set >= 0, Int(set) + 1 < setStarts.count else { return false }
        let start = Int(setStarts[Int(set)])
        let end = Int(setStarts[Int(set) + 1])
        for k in start..<end where setValues[k] == value { return true }
        return false
    }
}

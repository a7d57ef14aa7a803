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

    /// The nodes packed one struct per node (one cache line holds several), for the interleaved walk;
    /// filled by ``pack()``, empty until then. Children are byte offsets into this array (node index times
    /// the struct's stride); a leaf's children are itself.
    var packed: [MLPackedNode<T>] = []

    var nodeCount: Int { modes.count }

    /// Per node: for tree roots, the number of steps from the root to its deepest leaf when that is at most
    /// ``MLTreeTraversal/levelWalkDepth`` (else -1); -1 for other nodes. Filled by ``pack()``.
    var rootHeights: [Int32] = []

    /// Fills ``packed`` and ``rootHeights`` from the per-field arrays (call once children and roots are final).
    mutating func pack() {
        rootHeights = [Int32](repeating: -1, count: nodeCount)
        for root in roots where root >= 0 && Int(root) < nodeCount {
            // Depth-first, giving up past the level-walk limit (so shared subtrees cannot blow up the work).
            var stack: [(node: Int, depth: Int)] = [(Int(root), 0)]
            var height = 0
            while let (node, depth) = stack.popLast() {
                height = Swift.max(height, depth)
                if height > MLTreeTraversal.levelWalkDepth { break }
                guard modes[node] != MLNodeMode.leaf.rawValue else { continue }
                for child in [trueChild[node], falseChild[node]] where child >= 0 && Int(child) < nodeCount {
                    stack.append((Int(child), depth + 1))
                }
            }
            if height <= MLTreeTraversal.levelWalkDepth { rootHeights[Int(root)] = Int32(height) }
        }
        packed = []
        // Children are byte offsets into `packed` (a step then adds an offset instead of scaling an index), so
        // every offset must fit an Int32; a forest too large for that keeps the unpacked walk.
        guard nodeCount <= Int(Int32.max) / MemoryLayout<MLPackedNode<T>>.stride else { return }
        packed.reserveCapacity(nodeCount)
        for i in 0..<nodeCount {
            let leaf = modes[i] == MLNodeMode.leaf.rawValue
            let (t, f) = leaf ? (Int32(i), Int32(i)) : (trueChild[i], falseChild[i])
            packed.append(
                MLPackedNode(
                    threshold: thresholds[i], feature: leaf ? 0 : featureIds[i], trueChild: MLPackedNode<T>.offset(t),
                    falseChild: MLPackedNode<T>.offset(f)))
        }
    }
}

/// One tree node in the packed layout: what the walk reads at each step, side by side.
struct MLPackedNode<T: BinaryFloatingPoint & Sendable>: Sendable {
    var threshold: T
    var feature: Int32
    var trueChild: Int32
    var falseChild: Int32

    /// The byte offset of node `index` in a packed array (children and walks hold offsets, results indices).
    static func offset(_ index: Int32) -> Int32 { index &* Int32(MemoryLayout<Self>.stride) }
    /// The node index at byte offset `offset`.
    static func index(_ offset: Int32) -> Int32 { offset / Int32(MemoryLayout<Self>.stride) }
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
        if let mode = forest.uniformMode, !forest.hasMissingTracks, forest.packed.count == forest.nodeCount, stride > 0 {
            let height = forest.rootHeights.count == forest.nodeCount ? Int(forest.rootHeights[Int(root)]) : -1
            if height >= 0 {
                switch mode {
                case .leq:
                    levels(forest.packed, root: root, height: height, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, <=)
                    return
                case .lt:
                    levels(forest.packed, root: root, height: height, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, <)
                    return
                case .gte:
                    levels(forest.packed, root: root, height: height, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, >=)
                    return
                case .gt:
                    levels(forest.packed, root: root, height: height, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, >)
                    return
                default: break
                }
            }
            switch mode {
            case .leq:
                interleaved(forest.packed, root: root, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, <=)
                return
            case .lt:
                interleaved(forest.packed, root: root, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, <)
                return
            case .gte:
                interleaved(forest.packed, root: root, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, >=)
                return
            case .gt:
                interleaved(forest.packed, root: root, x: x, stride: stride, firstRow: firstRow, rowCount: rowCount, into: &leaves, >)
                return
            default: break
            }
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

    /// Trees at most this deep are walked level by level (``levels``), deeper ones four rows at a time.
    static let levelWalkDepth = 8

    /// Walks all rows through a shallow tree level by level: `height` steps, each moving every row one node
    /// down (a row at a leaf stays, a leaf's children being itself). No exit tests, and the rows of one
    /// level are independent, so their loads overlap. Same bounds as ``interleaved``.
    @inline(__always)
    static func levels<T>(
        _ nodes: [MLPackedNode<T>], root: Int32, height: Int, x: [T], stride: Int, firstRow: Int, rowCount: Int,
        into leaves: inout [Int32], _ hit: (T, T) -> Bool
    ) {
        // Safe because: as in `interleaved` (node indices are the root or checked children, features are
        // < stride, rows end within x, `leaves` holds >= rowCount slots); no pointer escapes.
        x.withUnsafeBufferPointer { xb in
            nodes.withUnsafeBufferPointer { nb in
                leaves.withUnsafeMutableBufferPointer { ob in
                    guard let xp = xb.baseAddress, let np = nb.baseAddress.map(UnsafeRawPointer.init), let out = ob.baseAddress
                    else { return }
                    // Byte offsets during the walk (children are offsets), node indices at the end.
                    for r in 0..<rowCount { out[r] = MLPackedNode<T>.offset(root) }
                    let x0 = xp + firstRow * stride
                    for _ in 0..<height {
                        // The row pointer advances by `stride` (no multiply, no overflow check per step).
                        var row = x0
                        for r in 0..<rowCount {
                            let n = np.load(fromByteOffset: Int(out[r]), as: MLPackedNode<T>.self)
                            out[r] = hit(row[Int(n.feature)], n.threshold) ? n.trueChild : n.falseChild
                            row += stride
                        }
                    }
                    for r in 0..<rowCount { out[r] = MLPackedNode<T>.index(out[r]) }
                }
            }
        }
    }

    /// Walks four rows at a time through one tree of packed nodes, branch-free: each step moves every row
    /// to the child its comparison picks, and a row at a leaf stays there (a leaf's children are itself),
    /// so the four walks end together when no row moves. Interior nodes never point to themselves (the
    /// builder checks it), so "no row moved" means every row is at its leaf. Rows left over are walked
    /// one by one. The caller checked the bounds ``leaves(_:root:x:stride:firstRow:rowCount:into:)`` needs;
    /// the packed array holds one node per node index, and a leaf reads feature 0 < stride.
    @inline(__always)
    static func interleaved<T>(
        _ nodes: [MLPackedNode<T>], root: Int32, x: [T], stride: Int, firstRow: Int, rowCount: Int,
        into leaves: inout [Int32], _ hit: (T, T) -> Bool
    ) {
        // Safe because: byte offsets are the root's (checked < nodeCount == nodes.count by the caller, times the
        // stride, which `pack()` checked fits Int32) or
        // children, which the builder checked are < nodeCount; features are <= maxFeatureId < stride or 0
        // for leaves (stride > 0); rows are < firstRow + rowCount, whose end * stride <= x.count (checked by
        // the caller); `leaves` has >= rowCount slots (checked by the caller). No pointer escapes.
        x.withUnsafeBufferPointer { xb in
            nodes.withUnsafeBufferPointer { nb in
                leaves.withUnsafeMutableBufferPointer { ob in
                    guard let xp = xb.baseAddress, let np = nb.baseAddress.map(UnsafeRawPointer.init), let out = ob.baseAddress
                    else { return }
                    let start = MLPackedNode<T>.offset(root)
                    var r = 0
                    while r + 4 <= rowCount {
                        let x0 = xp + (firstRow + r) * stride
                        let found = walkFour(np, from: (start, start, start, start), rows: (x0, x0 + stride, x0 + 2 * stride, x0 + 3 * stride), hit)
                        out[r] = MLPackedNode<T>.index(found.0)
                        out[r + 1] = MLPackedNode<T>.index(found.1)
                        out[r + 2] = MLPackedNode<T>.index(found.2)
                        out[r + 3] = MLPackedNode<T>.index(found.3)
                        r += 4
                    }
                    while r < rowCount {
                        out[r] = MLPackedNode<T>.index(walkOne(np, from: start, row: xp + (firstRow + r) * stride, hit))
                        r += 1
                    }
                }
            }
        }
    }

    /// Walks four chains of packed nodes in lockstep, branch-free: chain `k` starts at node `from.k` and reads
    /// its features from `rows.k`; each step moves every chain to the child its comparison picks, and a chain
    /// at a leaf stays there (a leaf's children are itself), so the walk ends when no chain moves. The four
    /// chains' loads are independent, which hides their latency. Callers guarantee the bounds (node indices
    /// are starts or children < nodes; features <= maxFeatureId < the row's length, or 0 for leaves). Chains are
    /// byte offsets into the packed nodes (`np`), as the nodes' children are.
    @inline(__always)
    static func walkFour<T: BinaryFloatingPoint & Sendable>(
        _ np: UnsafeRawPointer, from: (Int32, Int32, Int32, Int32),
        rows: (UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>), _ hit: (T, T) -> Bool
    ) -> (Int32, Int32, Int32, Int32) {
        var (i0, i1, i2, i3) = from
        let (x0, x1, x2, x3) = rows
        while true {
            let n0 = np.load(fromByteOffset: Int(i0), as: MLPackedNode<T>.self)
            let n1 = np.load(fromByteOffset: Int(i1), as: MLPackedNode<T>.self)
            let n2 = np.load(fromByteOffset: Int(i2), as: MLPackedNode<T>.self)
            let n3 = np.load(fromByteOffset: Int(i3), as: MLPackedNode<T>.self)
            let j0 = hit(x0[Int(n0.feature)], n0.threshold) ? n0.trueChild : n0.falseChild
            let j1 = hit(x1[Int(n1.feature)], n1.threshold) ? n1.trueChild : n1.falseChild
            let j2 = hit(x2[Int(n2.feature)], n2.threshold) ? n2.trueChild : n2.falseChild
            let j3 = hit(x3[Int(n3.feature)], n3.threshold) ? n3.trueChild : n3.falseChild
            if (j0 ^ i0) | (j1 ^ i1) | (j2 ^ i2) | (j3 ^ i3) == 0 { return (i0, i1, i2, i3) }
            i0 = j0
            i1 = j1
            i2 = j2
            i3 = j3
        }
    }

    /// One chain of ``walkFour``: the leaf reached from node `from` with the features at `row`.
    @inline(__always)
    static func walkOne<T: BinaryFloatingPoint & Sendable>(_ np: UnsafeRawPointer, from: Int32, row: UnsafePointer<T>, _ hit: (T, T) -> Bool) -> Int32
    {
        var i = from
        while true {
            let n = np.load(fromByteOffset: Int(i), as: MLPackedNode<T>.self)
            let j = hit(row[Int(n.feature)], n.threshold) ? n.trueChild : n.falseChild
            if j == i { return i }
            i = j
        }
    }

    /// Whether rows `firstRow ..< firstRow + rowCount` of `x` hold no NaN (so missing-value tracks cannot apply).
    static func rowsHaveNoNaN<T: BinaryFloatingPoint>(_ x: [T], stride: Int, firstRow: Int, rowCount: Int) -> Bool {
        let start = Swift.max(0, firstRow * stride)
        let end = Swift.min(x.count, (firstRow + rowCount) * stride)
        guard start < end else { return true }
        var nan = false
        for i in start..<end { nan = nan || x[i].isNaN }
        return !nan
    }

    /// Writes into `treeLeaves[t]` the leaf that row `row` of `x` reaches in tree `t` (roots in
    /// `forest.roots` order), for every tree. With a few rows there is no row-level parallelism to hide the
    /// latency of each node load, so this walks four trees at a time instead (the four chains of loads are
    /// independent). Same result as ``leaves(_:root:x:stride:firstRow:rowCount:into:)``
    /// tree by tree, which it falls back to when the forest has no packed uniform-mode layout (or tracks missing
    /// values and the row holds a NaN).
    @_specialize(exported:false,where T == Float)
    @_specialize(exported:false,where T == Double)
    static func leavesAcrossTrees<T>(
        _ forest: MLForest<T>, x: [T], stride: Int, row: Int, into treeLeaves: inout [Int32], rowHasNoNaN: Bool
    ) {
        let trees = forest.roots.count
        guard trees > 0, treeLeaves.count >= trees else { return }
        let packedReady =
            forest.packed.count == forest.nodeCount && stride > 0 && row >= 0 && (row + 1) * stride <= x.count
            && forest.maxFeatureId < stride && (!forest.hasMissingTracks || rowHasNoNaN)
            && forest.roots.allSatisfy { $0 >= 0 && Int($0) < forest.nodeCount }
        if packedReady, let mode = forest.uniformMode {
            switch mode {
            case .leq: return acrossTrees(forest.packed, roots: forest.roots, x: x, base: row * stride, into: &treeLeaves, <=)
            case .lt: return acrossTrees(forest.packed, roots: forest.roots, x: x, base: row * stride, into: &treeLeaves, <)
            case .gte: return acrossTrees(forest.packed, roots: forest.roots, x: x, base: row * stride, into: &treeLeaves, >=)
            case .gt: return acrossTrees(forest.packed, roots: forest.roots, x: x, base: row * stride, into: &treeLeaves, >)
            default: break
            }
        }
        var one: [Int32] = [0]
        for t in 0..<trees {
            leaves(forest, root: forest.roots[t], x: x, stride: stride, firstRow: row, rowCount: 1, into: &one)
            treeLeaves[t] = one[0]
        }
    }

    /// The four-trees-at-a-time walk of one row over packed nodes (see ``leavesAcrossTrees``). A leaf's
    /// children are itself, so each group of four ends when no walk moves.
    @inline(__always)
    static func acrossTrees<T>(
        _ nodes: [MLPackedNode<T>], roots: [Int32], x: [T], base: Int, into treeLeaves: inout [Int32], _ hit: (T, T) -> Bool
    ) {
        // Safe because: the caller checked every root < nodeCount == nodes.count (so its byte offset fits Int32, as
        // `pack()` checked), children are byte offsets of nodes < nodeCount (builder invariant), features are
        // <= maxFeatureId < stride or 0 for leaves, the row's features base ..< base + stride lie within x, and
        // treeLeaves holds >= roots.count slots. No pointer escapes.
        x.withUnsafeBufferPointer { xb in
            nodes.withUnsafeBufferPointer { nb in
                roots.withUnsafeBufferPointer { rb in
                    treeLeaves.withUnsafeMutableBufferPointer { ob in
                        guard let xr = xb.baseAddress.map({ $0 + base }), let np = nb.baseAddress.map(UnsafeRawPointer.init),
                            let rp = rb.baseAddress, let out = ob.baseAddress
                        else { return }
                        let trees = rb.count
                        typealias Node = MLPackedNode<T>
                        var t = 0
                        while t + 4 <= trees {
                            let found = walkFour(
                                np, from: (Node.offset(rp[t]), Node.offset(rp[t + 1]), Node.offset(rp[t + 2]), Node.offset(rp[t + 3])),
                                rows: (xr, xr, xr, xr), hit)
                            out[t] = Node.index(found.0)
                            out[t + 1] = Node.index(found.1)
                            out[t + 2] = Node.index(found.2)
                            out[t + 3] = Node.index(found.3)
                            t += 4
                        }
                        while t < trees {
                            out[t] = Node.index(walkOne(np, from: Node.offset(rp[t]), row: xr, hit))
                            t += 1
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

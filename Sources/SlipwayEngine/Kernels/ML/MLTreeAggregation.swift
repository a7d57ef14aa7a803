/// Adds leaf weights into per-row, per-target scores (SUM/AVERAGE aggregation with several targets).
///
/// `addWeights` and `addWeightsReference` compute the same thing in the same order (rows in order, each leaf's
/// weights in order); the first reads through pointers after checking every index once per row and weight.
enum MLTreeAggregation {
    /// For every `r` in `0..<count`: leaf `leaves[r]`'s weights `w` in `weightStart[leaf] ..< + weightCount[leaf]`
    /// are added to `score[(firstRow + r) * targets + weightTargets[w]]`, which is marked in `has`.
    /// A leaf or weight whose index is out of range is skipped (the builder never produces one).
    @_specialize(exported:false,where T == Float)
    @_specialize(exported:false,where T == Double)
    static func addWeights<T: BinaryFloatingPoint>(
        leaves: [Int32], count: Int, firstRow: Int, targets: Int, weightStart: [Int32], weightCount: [Int32],
        weightTargets: [Int32], weightValues: [T], score: inout [T], has: inout [Bool]
    ) {
        guard
            weightArgumentsFit(
                leaves: leaves, count: count, firstRow: firstRow, targets: targets, weightStart: weightStart, weightCount: weightCount,
                weightTargets: weightTargets, weightValues: weightValues, score: score, has: has)
        else { return }
        let nodes = weightStart.count
        let weights = weightTargets.count
        leaves.withUnsafeBufferPointer { lb in
            weightStart.withUnsafeBufferPointer { sb in
                weightCount.withUnsafeBufferPointer { cb in
                    weightTargets.withUnsafeBufferPointer { tb in
                        weightValues.withUnsafeBufferPointer { vb in
                            score.withUnsafeMutableBufferPointer { ob in
                                has.withUnsafeMutableBufferPointer { hb in
                                    // Safe because: r < count <= leaves.count; a leaf is used only when it is in
                                    // 0..<nodes (the length of weightStart and weightCount); its weight range only
                                    // when it lies in 0..<weights (the length of weightTargets and weightValues);
                                    // a target only when it is in 0..<targets, so the score index stays below
                                    // (firstRow + count) * targets <= score.count == has.count. No pointer escapes.
                                    guard let lp = lb.baseAddress, let sp = sb.baseAddress, let cp = cb.baseAddress,
                                        let tp = tb.baseAddress, let vp = vb.baseAddress, let op = ob.baseAddress,
                                        let hp = hb.baseAddress
                                    else { return }
                                    for r in 0..<count {
                                        let leaf = Int(lp[r])
                                        guard leaf >= 0, leaf < nodes else { continue }
                                        let first = Int(sp[leaf])
                                        let end = first + Int(cp[leaf])
                                        guard first >= 0, first <= end, end <= weights else { continue }
                                        let base = (firstRow + r) * targets
                                        for w in first..<end {
                                            let target = Int(tp[w])
                                            guard target >= 0, target < targets else { continue }
                                            op[base + target] += vp[w]
                                            hp[base + target] = true
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

    /// The sizes both ``addWeights`` and its twin need before they touch anything.
    static func weightArgumentsFit<T>(
        leaves: [Int32], count: Int, firstRow: Int, targets: Int, weightStart: [Int32], weightCount: [Int32],
        weightTargets: [Int32], weightValues: [T], score: [T], has: [Bool]
    ) -> Bool {
        count > 0 && targets > 0 && count <= leaves.count && firstRow >= 0 && (firstRow + count) * targets <= score.count
            && score.count == has.count && weightStart.count == weightCount.count && weightTargets.count == weightValues.count
    }

    /// The plain, bounds-checked twin of ``addWeights``.
    static func addWeightsReference<T: BinaryFloatingPoint>(
        leaves: [Int32], count: Int, firstRow: Int, targets: Int, weightStart: [Int32], weightCount: [Int32],
        weightTargets: [Int32], weightValues: [T], score: inout [T], has: inout [Bool]
    ) {
        guard
            weightArgumentsFit(
                leaves: leaves, count: count, firstRow: firstRow, targets: targets, weightStart: weightStart, weightCount: weightCount,
                weightTargets: weightTargets, weightValues: weightValues, score: score, has: has)
        else { return }
        for r in 0..<count {
            let leaf = Int(leaves[r])
            guard leaf >= 0, leaf < weightStart.count else { continue }
            let first = Int(weightStart[leaf])
            let end = first + Int(weightCount[leaf])
            guard first >= 0, first <= end, end <= weightTargets.count else { continue }
            for w in first..<end {
                let target = Int(weightTargets[w])
                guard target >= 0, target < targets else { continue }
                score[(firstRow + r) * targets + target] += weightValues[w]
                has[(firstRow + r) * targets + target] = true
            }
        }
    }

    /// ``addWeights`` for forests whose nodes hold at most one weight: `leafTarget[leaf]` (-1: none) and
    /// `leafValue[leaf]` are that weight's target and value. Same result as ``addWeights`` on the same forest.
    @_specialize(exported:false,where T == Float)
    @_specialize(exported:false,where T == Double)
    static func addSingleWeights<T: BinaryFloatingPoint>(
        leaves: [Int32], count: Int, firstRow: Int, targets: Int, leafTarget: [Int32], leafValue: [T], score: inout [T],
        has: inout [Bool]
    ) {
        guard
            singleWeightArgumentsFit(
                leaves: leaves, count: count, firstRow: firstRow, targets: targets, leafTarget: leafTarget, leafValue: leafValue,
                score: score, has: has)
        else { return }
        let nodes = UInt(leafTarget.count)
        leaves.withUnsafeBufferPointer { lb in
            leafTarget.withUnsafeBufferPointer { tb in
                leafValue.withUnsafeBufferPointer { vb in
                    score.withUnsafeMutableBufferPointer { ob in
                        has.withUnsafeMutableBufferPointer { hb in
                            // Safe because: r < count <= leaves.count; a leaf is used only when it is in 0..<nodes
                            // (the length of leafTarget and leafValue); a target only when it is in 0..<targets, so
                            // the score index stays below (firstRow + count) * targets <= score.count == has.count.
                            guard let lp = lb.baseAddress, let tp = tb.baseAddress, let vp = vb.baseAddress,
                                let op = ob.baseAddress.map({ $0 + firstRow * targets }),
                                let hp = hb.baseAddress.map({ $0 + firstRow * targets })
                            else { return }
                            let targetLimit = UInt(targets)
                            for r in 0..<count {
                                let leaf = UInt(bitPattern: Int(lp[r]))
                                guard leaf < nodes else { continue }
                                let target = UInt(bitPattern: Int(tp[Int(leaf)]))
                                guard target < targetLimit else { continue }
                                let k = r * targets + Int(target)
                                op[k] += vp[Int(leaf)]
                                hp[k] = true
                            }
                        }
                    }
                }
            }
        }
    }

    /// The sizes both ``addSingleWeights`` and its twin need before they touch anything.
    static func singleWeightArgumentsFit<T>(
        leaves: [Int32], count: Int, firstRow: Int, targets: Int, leafTarget: [Int32], leafValue: [T], score: [T], has: [Bool]
    ) -> Bool {
        count > 0 && targets > 0 && count <= leaves.count && firstRow >= 0 && (firstRow + count) * targets <= score.count
            && score.count == has.count && leafTarget.count == leafValue.count
    }

    /// The plain, bounds-checked twin of ``addSingleWeights``.
    static func addSingleWeightsReference<T: BinaryFloatingPoint>(
        leaves: [Int32], count: Int, firstRow: Int, targets: Int, leafTarget: [Int32], leafValue: [T], score: inout [T],
        has: inout [Bool]
    ) {
        guard
            singleWeightArgumentsFit(
                leaves: leaves, count: count, firstRow: firstRow, targets: targets, leafTarget: leafTarget, leafValue: leafValue,
                score: score, has: has)
        else { return }
        for r in 0..<count {
            let leaf = Int(leaves[r])
            guard leaf >= 0, leaf < leafTarget.count else { continue }
            let target = Int(leafTarget[leaf])
            guard target >= 0, target < targets else { continue }
            score[(firstRow + r) * targets + target] += leafValue[leaf]
            has[(firstRow + r) * targets + target] = true
        }
    }
}

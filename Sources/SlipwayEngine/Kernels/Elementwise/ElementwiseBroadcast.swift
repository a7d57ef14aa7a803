import SlipwayTensor

/// How several input shapes broadcast (numpy rules) to one output, with adjacent axes merged so the
/// kernels loop over as few, as long, rows as possible.
///
/// Axes of output size 1 are dropped; neighbouring axes are merged when every input is either full on
/// both or broadcast on both. `[N, C, H, W] + [1, C, 1, 1]` becomes dims `[N, C, H*W]`, the second
/// input reading with strides `[0, 1, 0]`. Every stride is 0 (broadcast) or the input's own stride.
struct ElementwiseBroadcast: Sendable, Equatable {
    /// The numpy-broadcast output shape.
    let outputShape: [Int]
    /// The merged iteration dimensions (at least one; their product is ``count``).
    let dims: [Int]
    /// Per input, its stride along each merged dimension (0 where it is broadcast).
    let strides: [[Int]]
    /// Per input, how many elements it must hold.
    let inputCounts: [Int]
    /// Output element count.
    let count: Int

    /// Plans the broadcast of `shapes`, or returns nil when they do not broadcast.
    init?(_ shapes: [[Int]]) {
        if shapes.count == 2, let quick = ElementwiseBroadcast(quickPair: shapes[0], shapes[1]) {
            self = quick
            return
        }
        // Written with few allocations: it runs on every call of every broadcasting operator.
        // The full/broadcast pattern of an axis is a bit mask over the inputs (at most 64 of them).
        let n = shapes.count
        guard n <= 64 else { return nil }
        var rank = 0
        for shape in shapes where shape.count > rank { rank = shape.count }
        var out = [Int](repeating: 1, count: rank)
        var counts: [Int] = []
        counts.reserveCapacity(n)
        for shape in shapes {
            guard let c = Shape.elementCount(shape) else { return nil }
            counts.append(c)
            let offset = rank - shape.count
            for (i, d) in shape.enumerated() {
                let current = out[offset + i]
                if current == d || d == 1 { continue }
                guard current == 1 else { return nil }
                out[offset + i] = d
            }
        }
        guard let total = Shape.elementCount(out) else { return nil }
        // Merge axes with equal "full / broadcast" patterns; drop output axes of size 1.
        var dims: [Int] = []
        var masks: [UInt64] = []
        for axis in 0..<rank where out[axis] != 1 {
            var mask: UInt64 = 0
            for (k, shape) in shapes.enumerated() {
                let offset = rank - shape.count
                if axis >= offset && shape[axis - offset] != 1 { mask |= 1 << UInt64(k) }
            }
            if let last = masks.last, last == mask {
                dims[dims.count - 1] *= out[axis]
            } else {
                dims.append(out[axis])
                masks.append(mask)
            }
        }
        if dims.isEmpty {
            dims = [1]
            masks = [0]
        }
        var strides: [[Int]] = []
        strides.reserveCapacity(n)
        for input in 0..<n {
            var s = [Int](repeating: 0, count: dims.count)
            var acc = 1
            let bit: UInt64 = 1 << UInt64(input)
            for d in Swift.stride(from: dims.count - 1, through: 0, by: -1) where masks[d] & bit != 0 {
                s[d] = acc
                acc *= dims[d]
            }
            strides.append(s)
        }
        self.outputShape = out
        self.dims = dims
        self.strides = strides
        self.inputCounts = counts
        self.count = total
    }

    /// The common binary cases planned without the general axis merge (it allocates a dozen small
    /// arrays, which dominates small tensors): equal shapes, or one side a single value whose rank does
    /// not exceed the other's. Returns nil for every other pair. The plan is one dimension of the
    /// output's element count; the general planner gives the same iteration (strides may differ only
    /// when every extent is 1, where they are never multiplied by a non-zero index).
    private init?(quickPair a: [Int], _ b: [Int]) {
        guard let ca = Shape.elementCount(a), let cb = Shape.elementCount(b) else { return nil }
        if a == b {
            self.init(outputShape: a, dims: [ca], strides: ElementwiseBroadcast.bothContiguous, inputCounts: [ca, cb], count: ca)
        } else if cb == 1 && b.count <= a.count {
            self.init(outputShape: a, dims: [ca], strides: ElementwiseBroadcast.secondRepeated, inputCounts: [ca, cb], count: ca)
        } else if ca == 1 && a.count <= b.count {
            self.init(outputShape: b, dims: [cb], strides: ElementwiseBroadcast.firstRepeated, inputCounts: [ca, cb], count: cb)
        } else {
            return nil
        }
    }

    /// The output shape of the pairs ``ElementwiseKernels/quickBinary(_:_:_:)`` handles: equal shapes, or
    /// one side a single value whose rank does not exceed the other's; nil otherwise.
    static func quickShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        if a == b { return a }
        guard let ca = Shape.elementCount(a), let cb = Shape.elementCount(b) else { return nil }
        if cb == 1 && b.count <= a.count { return a }
        if ca == 1 && a.count <= b.count { return b }
        return nil
    }

    private init(outputShape: [Int], dims: [Int], strides: [[Int]], inputCounts: [Int], count: Int) {
        self.outputShape = outputShape
        self.dims = dims
        self.strides = strides
        self.inputCounts = inputCounts
        self.count = count
    }

    private static let bothContiguous: [[Int]] = [[1], [1]]
    private static let secondRepeated: [[Int]] = [[1], [0]]
    private static let firstRepeated: [[Int]] = [[0], [1]]
}

/// Loops over broadcast inputs. Each fast kernel here has a plain, safe `...Reference` twin that
/// `Tests/SlipwayEngineTests/Kernels/ElementwiseKernelTests.swift` compares it with on random shapes.
enum ElementwiseKernels {
    // MARK: - Binary

    /// `f(a, b)` over the broadcast of `a` and `b` described by `plan` (planned from their shapes).
    ///
    /// Fast paths: same shape, either side a single value, and otherwise rows along the last merged
    /// dimension with each side contiguous or repeated.
    static func binary<A, B, R>(
        _ a: [A], _ b: [B], _ plan: ElementwiseBroadcast, _ f: (A, B) -> R
    ) throws(ElementwiseKernelError) -> [R] {
        guard plan.strides.count == 2, a.count == plan.inputCounts[0], b.count == plan.inputCounts[1] else {
            throw ElementwiseKernelError(
                "inputs hold \(a.count) and \(b.count) elements, the broadcast plan expects \(plan.inputCounts)")
        }
        let count = plan.count
        if count == 0 { return [] }
        let dims = plan.dims
        let sa = plan.strides[0]
        let sb = plan.strides[1]
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Array(unsafeUninitializedCapacity: count) { out, initialized in
                    // Safe because: every offset is below count (output) or the input's element count, both
                    // checked above against the plan, whose strides describe exactly those shapes.
                    guard let x = pa.baseAddress, let y = pb.baseAddress, let o = out.baseAddress else { return }
                    let inner = dims[dims.count - 1]
                    let ia = sa[sa.count - 1]
                    let ib = sb[sb.count - 1]
                    let outerRank = dims.count - 1
                    var index = Array(repeating: 0, count: outerRank)
                    var offA = 0
                    var offB = 0
                    var offO = 0
                    while offO < count {
                        // One row of `inner` elements.
                        let xa = x + offA
                        let yb = y + offB
                        let oo = o + offO
                        switch (ia, ib) {
                        case (1, 1):
                            for i in 0..<inner { (oo + i).initialize(to: f(xa[i], yb[i])) }
                        case (1, 0):
                            let v = yb[0]
                            for i in 0..<inner { (oo + i).initialize(to: f(xa[i], v)) }
                        case (0, 1):
                            let v = xa[0]
                            for i in 0..<inner { (oo + i).initialize(to: f(v, yb[i])) }
                        default:
                            for i in 0..<inner { (oo + i).initialize(to: f(xa[i * ia], yb[i * ib])) }
                        }
                        offO += inner
                        // Advance the outer index (odometer), updating the input offsets.
                        var axis = outerRank - 1
                        while axis >= 0 {
                            index[axis] += 1
                            offA += sa[axis]
                            offB += sb[axis]
                            if index[axis] < dims[axis] { break }
                            offA -= sa[axis] * dims[axis]
                            offB -= sb[axis] * dims[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                    initialized = count
                }
            }
        }
    }

    /// The largest operand (in elements) ``quickBinary(_:_:_:)`` handles; larger ones take the planned kernel.
    static let quickBinaryLimit = 256

    /// `f(a, b)` for the pairs that need no broadcast plan (see ``ElementwiseBroadcast/quickShape(_:_:)``):
    /// element by element when both hold the same count, else against the side holding one value; nil when
    /// the counts fit neither. Plain safe code: for small tensors the plan costs more than the loop.
    static func quickBinary<A, B, R>(_ a: [A], _ b: [B], _ f: (A, B) -> R) -> [R]? {
        // Past a few hundred elements the vectorised planned kernel wins (transformer_block b64: 1640 µs → 780 µs).
        guard max(a.count, b.count) <= quickBinaryLimit else { return nil }
        var out: [R] = []
        if a.count == b.count {
            out.reserveCapacity(a.count)
            for i in a.indices { out.append(f(a[i], b[i])) }
        } else if b.count == 1 {
            let v = b[0]
            out.reserveCapacity(a.count)
            for x in a { out.append(f(x, v)) }
        } else if a.count == 1 {
            let v = a[0]
            out.reserveCapacity(b.count)
            for y in b { out.append(f(v, y)) }
        } else {
            return nil
        }
        return out
    }

    /// The safe reference for ``binary(_:_:_:_:)``: one broadcast index walk per input.
    static func binaryReference<A, B, R>(_ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], _ f: (A, B) -> R) -> [R]? {
        guard let out = Shape.broadcast(aShape, bShape) else { return nil }
        let ia = Array(BroadcastIndexer(shape: aShape, target: out))
        let ib = Array(BroadcastIndexer(shape: bShape, target: out))
        return zip(ia, ib).map { f(a[$0], b[$1]) }
    }

    // MARK: - Ternary

    /// `f(a, b, c)` over the broadcast of three inputs (Where, Clip with tensor bounds).
    static func ternary<A, B, C, R>(
        _ a: [A], _ b: [B], _ c: [C], _ plan: ElementwiseBroadcast, _ f: (A, B, C) -> R
    ) throws(ElementwiseKernelError) -> [R] {
        guard plan.strides.count == 3, a.count == plan.inputCounts[0], b.count == plan.inputCounts[1],
            c.count == plan.inputCounts[2]
        else {
            throw ElementwiseKernelError(
                "inputs hold \(a.count), \(b.count) and \(c.count) elements, the broadcast plan expects \(plan.inputCounts)")
        }
        let count = plan.count
        if count == 0 { return [] }
        let dims = plan.dims
        let sa = plan.strides[0]
        let sb = plan.strides[1]
        let sc = plan.strides[2]
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeBufferPointer { pc in
                    Array(unsafeUninitializedCapacity: count) { out, initialized in
                        // Safe because: offsets stay below each buffer's count, checked above against the plan.
                        guard let x = pa.baseAddress, let y = pb.baseAddress, let z = pc.baseAddress, let o = out.baseAddress
                        else { return }
                        let inner = dims[dims.count - 1]
                        let ia = sa[sa.count - 1]
                        let ib = sb[sb.count - 1]
                        let ic = sc[sc.count - 1]
                        let outerRank = dims.count - 1
                        var index = Array(repeating: 0, count: outerRank)
                        var offA = 0
                        var offB = 0
                        var offC = 0
                        var offO = 0
                        while offO < count {
                            let xa = x + offA
                            let yb = y + offB
                            let zc = z + offC
                            let oo = o + offO
                            if ia == 1 && ib == 1 && ic == 1 {
                                for i in 0..<inner { (oo + i).initialize(to: f(xa[i], yb[i], zc[i])) }
                            } else {
                                for i in 0..<inner { (oo + i).initialize(to: f(xa[i * ia], yb[i * ib], zc[i * ic])) }
                            }
                            offO += inner
                            var axis = outerRank - 1
                            while axis >= 0 {
                                index[axis] += 1
                                offA += sa[axis]
                                offB += sb[axis]
                                offC += sc[axis]
                                if index[axis] < dims[axis] { break }
                                offA -= sa[axis] * dims[axis]
                                offB -= sb[axis] * dims[axis]
                                offC -= sc[axis] * dims[axis]
                                index[axis] = 0
                                axis -= 1
                            }
                        }
                        initialized = count
                    }
                }
            }
        }
    }

    /// The safe reference for ``ternary(_:_:_:_:_:)``.
    static func ternaryReference<A, B, C, R>(
        _ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], _ c: [C], _ cShape: [Int], _ f: (A, B, C) -> R
    ) -> [R]? {
        guard let out = Shape.broadcast([aShape, bShape, cShape]) else { return nil }
        let ia = Array(BroadcastIndexer(shape: aShape, target: out))
        let ib = Array(BroadcastIndexer(shape: bShape, target: out))
        let ic = Array(BroadcastIndexer(shape: cShape, target: out))
        return (0..<ia.count).map { f(a[ia[$0]], b[ib[$0]], c[ic[$0]]) }
    }

    // MARK: - Unary

    /// Replaces every element by `f(element)`, in the array's own buffer when it is uniquely referenced.
    static func mapInPlace<T>(_ values: inout [T], _ f: (T) -> T) {
        values.withUnsafeMutableBufferPointer { buffer in
            // Safe because: the loop stays within the buffer's own count and the pointer does not escape.
            guard let p = buffer.baseAddress else { return }
            for i in 0..<buffer.count { p[i] = f(p[i]) }
        }
    }

    /// The safe reference for ``mapInPlace(_:_:)``.
    static func mapReference<T>(_ values: [T], _ f: (T) -> T) -> [T] { values.map(f) }
}

/// A broadcast plan that does not fit the arrays it is applied to (a bug in the caller, never user input).
struct ElementwiseKernelError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

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
        guard let out = Shape.broadcast(shapes), let total = Shape.elementCount(out) else { return nil }
        var counts: [Int] = []
        for shape in shapes {
            guard let c = Shape.elementCount(shape) else { return nil }
            counts.append(c)
        }
        let rank = out.count
        let padded = shapes.map { Array(repeating: 1, count: rank - $0.count) + $0 }
        // Merge axes with equal "full / broadcast" patterns; drop output axes of size 1.
        var dims: [Int] = []
        var full: [[Bool]] = []  // per merged dim, per input
        for axis in 0..<rank where out[axis] != 1 {
            let pattern = padded.map { $0[axis] != 1 }
            if let last = full.last, last == pattern, let d = dims.last {
                dims[dims.count - 1] = d * out[axis]
            } else {
                dims.append(out[axis])
                full.append(pattern)
            }
        }
        if dims.isEmpty {
            dims = [1]
            full = [Array(repeating: false, count: shapes.count)]
        }
        var strides: [[Int]] = []
        for input in 0..<shapes.count {
            var s = Array(repeating: 0, count: dims.count)
            var acc = 1
            for d in stride(from: dims.count - 1, through: 0, by: -1) where full[d][input] {
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

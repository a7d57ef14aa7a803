import SlipwayTensor

/// The shared reduction kernels: one fast loop nest over a ``ReductionLayout`` for every reduction, and a
/// plain reference twin that walks the input shape index by index (the comparison baseline in tests).
enum ReductionKernels {
    /// Folds the input with `C` along the layout's reduced axes; an empty fold gives `C`'s identity.
    static func reduce<T: ReductionScalar, C: ReductionCombiner>(
        _ x: [T], _ layout: ReductionLayout, _ combiner: C.Type
    ) throws(EngineError) -> [T] {
        try layout.check(x.count)
        let identity = C.identity(T.self)
        var out = [T](repeating: identity, count: layout.outputCount)
        guard layout.outputCount > 0, !layout.reducedOffsets.isEmpty else { return out }
        let inner = layout.inner
        let run = layout.run
        x.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                // Safe because: the layout was checked to be for x.count elements, so every
                // outer + reduced + (i < inner or j < run) offset is inside x, and o * inner + i < outputCount.
                guard let src = source.baseAddress, let dst = destination.baseAddress else { return }
                if inner > 1 {
                    for (o, base) in layout.outerOffsets.enumerated() {
                        let row = dst + o * inner
                        for r in layout.reducedOffsets {
                            let p = src + base + r
                            for i in 0..<inner { row[i] = C.accumulate(row[i], p[i]) }
                        }
                    }
                } else {
                    for (o, base) in layout.outerOffsets.enumerated() {
                        var a0 = identity
                        var a1 = identity
                        var a2 = identity
                        var a3 = identity
                        for r in layout.reducedOffsets {
                            let p = src + base + r
                            var j = 0
                            while j + 4 <= run {
                                a0 = C.accumulate(a0, p[j])
                                a1 = C.accumulate(a1, p[j + 1])
                                a2 = C.accumulate(a2, p[j + 2])
                                a3 = C.accumulate(a3, p[j + 3])
                                j += 4
                            }
                            while j < run {
                                a0 = C.accumulate(a0, p[j])
                                j += 1
                            }
                        }
                        dst[o] = C.merge(C.merge(a0, a1), C.merge(a2, a3))
                    }
                }
            }
        }
        return out
    }

    /// Σ exp(x - shift[output]) along the reduced axes (the second pass of a stable log-sum-exp).
    static func sumExpShifted<T: ReductionScalar>(_ x: [T], _ layout: ReductionLayout, shift: [T]) throws(EngineError) -> [T] {
        try layout.check(x.count)
        guard shift.count == layout.outputCount else {
            throw EngineError.runtime("log-sum-exp shift has \(shift.count) values for \(layout.outputCount) outputs")
        }
        var out = [T](repeating: T.zero, count: layout.outputCount)
        guard layout.outputCount > 0, !layout.reducedOffsets.isEmpty else { return out }
        let inner = layout.inner
        let run = layout.run
        x.withUnsafeBufferPointer { source in
            shift.withUnsafeBufferPointer { shifts in
                out.withUnsafeMutableBufferPointer { destination in
                    // Safe because: as in `reduce`, offsets stay inside x (layout checked) and output/shift
                    // indices stay below outputCount (shift.count checked).
                    guard let src = source.baseAddress, let sh = shifts.baseAddress, let dst = destination.baseAddress else { return }
                    for (o, base) in layout.outerOffsets.enumerated() {
                        if inner > 1 {
                            let row = dst + o * inner
                            let m = sh + o * inner
                            for r in layout.reducedOffsets {
                                let p = src + base + r
                                for i in 0..<inner {
                                    row[i] = T.reductionAdd(row[i], T.reductionSubtract(p[i], m[i]).reductionExp())
                                }
                            }
                        } else {
                            let m = sh[o]
                            var acc = T.zero
                            for r in layout.reducedOffsets {
                                let p = src + base + r
                                for j in 0..<run { acc = T.reductionAdd(acc, T.reductionSubtract(p[j], m).reductionExp()) }
                            }
                            dst[o] = acc
                        }
                    }
                }
            }
        }
        return out
    }

    // MARK: - Reference twins (index-by-index, bounds-checked)

    /// The output index of every input element for a reduction of `shape` over `axes`, in input order.
    static func referenceOutputIndices(shape: [Int], axes: Set<Int>) -> [Int] {
        let total = shape.reduce(1, *)
        let keptShape = shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        let keptStrides = Shape.strides(keptShape)
        var result: [Int] = []
        result.reserveCapacity(total)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<total {
            var o = 0
            var k = 0
            for axis in shape.indices where !axes.contains(axis) {
                o += index[axis] * keptStrides[k]
                k += 1
            }
            result.append(o)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Reference for ``reduce(_:_:_:)``: a sequential fold in input order.
    static func referenceReduce<T: ReductionScalar, C: ReductionCombiner>(
        _ x: [T], shape: [Int], axes: Set<Int>, _ combiner: C.Type
    ) -> [T] {
        let outputCount = shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element).reduce(1, *)
        var out = [T](repeating: C.identity(T.self), count: outputCount)
        for (i, o) in referenceOutputIndices(shape: shape, axes: axes).enumerated() {
            out[o] = C.accumulate(out[o], x[i])
        }
        return out
    }

    /// Reference for ``sumExpShifted(_:_:shift:)``.
    static func referenceSumExpShifted<T: ReductionScalar>(_ x: [T], shape: [Int], axes: Set<Int>, shift: [T]) -> [T] {
        var out = [T](repeating: T.zero, count: shift.count)
        for (i, o) in referenceOutputIndices(shape: shape, axes: axes).enumerated() {
            out[o] = T.reductionAdd(out[o], T.reductionSubtract(x[i], shift[o]).reductionExp())
        }
        return out
    }
}

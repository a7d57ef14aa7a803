import SlipwayTensor

/// Strided gathers into contiguous row-major layouts: the transposes, diagonals and broadcasts Einsum
/// applies to its operands.
enum ReductionGather {
    /// The elements of a strided view of `storage` (see the generic overload), same type.
    static func gather(_ storage: TensorStorage, sizes: [Int], strides: [Int]) throws(EngineError) -> TensorStorage {
        switch storage {
        case .float32(let a): return .float32(try gather(a, sizes: sizes, strides: strides))
        case .float64(let a): return .float64(try gather(a, sizes: sizes, strides: strides))
        case .float16(let a): return .float16(try gather(a, sizes: sizes, strides: strides))
        case .bfloat16(let a): return .bfloat16(try gather(a, sizes: sizes, strides: strides))
        case .int8(let a): return .int8(try gather(a, sizes: sizes, strides: strides))
        case .int16(let a): return .int16(try gather(a, sizes: sizes, strides: strides))
        case .int32(let a): return .int32(try gather(a, sizes: sizes, strides: strides))
        case .int64(let a): return .int64(try gather(a, sizes: sizes, strides: strides))
        case .uint8(let a): return .uint8(try gather(a, sizes: sizes, strides: strides))
        case .uint16(let a): return .uint16(try gather(a, sizes: sizes, strides: strides))
        case .uint32(let a): return .uint32(try gather(a, sizes: sizes, strides: strides))
        case .uint64(let a): return .uint64(try gather(a, sizes: sizes, strides: strides))
        case .bool(let a): return .bool(try gather(a, sizes: sizes, strides: strides))
        case .string(let a): return .string(try gather(a, sizes: sizes, strides: strides))
        case .lowPrecision(let s): return .lowPrecision(s.withCodes(try gather(s.codes, sizes: sizes, strides: strides)))
        }
    }

    /// The elements of a strided view of `x` (`sizes` with element `strides`, 0 = broadcast), contiguous
    /// in row-major order. Returns `x` itself when the view already is `x`'s contiguous layout.
    static func gather<T>(_ x: [T], sizes: [Int], strides: [Int]) throws(EngineError) -> [T] {
        guard sizes.count == strides.count else {
            throw EngineError.runtime("gather: \(sizes.count) sizes but \(strides.count) strides")
        }
        let total = sizes.reduce(1, *)
        if total == 0 { return [] }
        var maxOffset = 0
        for (d, s) in zip(sizes, strides) {
            guard s >= 0 else { throw EngineError.runtime("gather: negative stride \(s)") }
            maxOffset += (d - 1) * s
        }
        guard maxOffset < x.count else {
            throw EngineError.runtime("gather: view \(sizes) with strides \(strides) exceeds \(x.count) elements")
        }
        if total == x.count, isRowMajor(sizes: sizes, strides: strides) { return x }
        guard let lastSize = sizes.last, let lastStride = strides.last else { return [x[0]] }
        let outer = ReductionLayout.offsets(sizes: Array(sizes.dropLast()), strides: Array(strides.dropLast()))
        var result: [T] = []
        result.reserveCapacity(total)
        for base in outer {
            var offset = base
            for _ in 0..<lastSize {
                result.append(x[offset])
                offset += lastStride
            }
        }
        return result
    }

    /// Whether `strides` are the row-major strides of `sizes` (size-1 axes ignored).
    static func isRowMajor(sizes: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for i in stride(from: sizes.count - 1, through: 0, by: -1) where sizes[i] != 1 {
            if strides[i] != expected { return false }
            expected *= sizes[i]
        }
        return true
    }
}

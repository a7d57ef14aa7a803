import SlipwayTensor

/// ArgMax/ArgMin over one axis of a tensor viewed as `[outer, n, inner]`.
enum ArgReductionKernel {
    /// The index along the axis of the largest (or smallest) element for every (outer, inner) position.
    ///
    /// Ties go to the first index, or the last with `selectLast`. NaN ranks above every number (numpy's
    /// argmax/argmin both return the first NaN).
    static func argReduce(
        _ storage: TensorStorage, outer: Int, n: Int, inner: Int, largest: Bool, selectLast: Bool
    ) throws(EngineError) -> [Int64] {
        func run<T: Comparable>(_ x: [T]) throws(EngineError) -> [Int64] {
            try argReduce(x, outer: outer, n: n, inner: inner, largest: largest, selectLast: selectLast)
        }
        switch storage {
        case .float32(let a): return try run(a)
        case .float64(let a): return try run(a)
        case .float16(let a): return try run(a)
        case .bfloat16(let a): return try run(a.map(\.floatValue))
        case .int8(let a): return try run(a)
        case .int16(let a): return try run(a)
        case .int32(let a): return try run(a)
        case .int64(let a): return try run(a)
        case .uint8(let a): return try run(a)
        case .uint16(let a): return try run(a)
        case .uint32(let a): return try run(a)
        case .uint64(let a): return try run(a)
        case .bool, .string, .lowPrecision: throw EngineError.invalidInput("cannot take the arg-max/min of tensor(\(storage.dataType))")
        }
    }

    static func argReduce<T: Comparable>(
        _ x: [T], outer: Int, n: Int, inner: Int, largest: Bool, selectLast: Bool
    ) throws(EngineError) -> [Int64] {
        guard n > 0 else { throw EngineError.invalidInput("cannot take the arg-max/min of an empty axis") }
        guard x.count == outer * n * inner else {
            throw EngineError.runtime("arg reduction: \(x.count) elements do not fit \(outer)×\(n)×\(inner)")
        }
        var result = [Int64](repeating: 0, count: outer * inner)
        guard let first = x.first else { return result }
        var best = [T](repeating: first, count: inner)
        for o in 0..<outer {
            let base = o * n * inner
            let out = o * inner
            for i in 0..<inner { best[i] = x[base + i] }
            for k in 1..<n {
                let row = base + k * inner
                for i in 0..<inner {
                    let v = x[row + i]
                    if isBetter(v, than: best[i], largest: largest, selectLast: selectLast) {
                        best[i] = v
                        result[out + i] = Int64(k)
                    }
                }
            }
        }
        return result
    }

    /// `v != v` is the generic NaN test: true only for floating-point NaN.
    @inline(__always)
    static func isBetter<T: Comparable>(_ v: T, than b: T, largest: Bool, selectLast: Bool) -> Bool {
        if b != b { return selectLast && v != v }
        if v != v { return true }
        if largest { return selectLast ? v >= b : v > b }
        return selectLast ? v <= b : v < b
    }
}

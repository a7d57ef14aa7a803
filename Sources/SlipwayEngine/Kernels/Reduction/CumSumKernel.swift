import SlipwayTensor

/// Cumulative sums along one axis of a tensor viewed as `[outer, n, inner]`.
enum CumSumKernel {
    /// Running sums along the axis, same element type; `exclusive` leaves out the element itself,
    /// `reverse` runs from the end. Float16/bfloat16 accumulate in `Float`; integer sums wrap.
    static func cumulativeSum(
        _ storage: TensorStorage, outer: Int, n: Int, inner: Int, exclusive: Bool, reverse: Bool
    ) throws(EngineError) -> TensorStorage {
        func run<T>(_ x: [T], _ add: (T, T) -> T, zero: T) throws(EngineError) -> [T] {
            try cumulativeSum(x, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse, zero: zero, add: add)
        }
        switch storage {
        case .float32(let a): return .float32(try run(a, +, zero: 0))
        case .float64(let a): return .float64(try run(a, +, zero: 0))
        case .float16(let a): return .float16(try run(a.map { Float($0) }, +, zero: 0).map { Float16($0) })
        case .bfloat16(let a): return .bfloat16(try run(a.map(\.floatValue), +, zero: 0).map { BFloat16($0) })
        case .int8(let a): return .int8(try run(a, &+, zero: 0))
        case .int16(let a): return .int16(try run(a, &+, zero: 0))
        case .int32(let a): return .int32(try run(a, &+, zero: 0))
        case .int64(let a): return .int64(try run(a, &+, zero: 0))
        case .uint8(let a): return .uint8(try run(a, &+, zero: 0))
        case .uint16(let a): return .uint16(try run(a, &+, zero: 0))
        case .uint32(let a): return .uint32(try run(a, &+, zero: 0))
        case .uint64(let a): return .uint64(try run(a, &+, zero: 0))
        case .bool, .string, .lowPrecision: throw EngineError.invalidInput("CumSum cannot add tensor(\(storage.dataType))")
        }
    }

    @inline(__always)
    static func cumulativeSum<T>(
        _ x: [T], outer: Int, n: Int, inner: Int, exclusive: Bool, reverse: Bool, zero: T, add: (T, T) -> T
    ) throws(EngineError) -> [T] {
        guard x.count == outer * n * inner else {
            throw EngineError.runtime("CumSum: \(x.count) elements do not fit \(outer)×\(n)×\(inner)")
        }
        var out = [T](repeating: zero, count: x.count)
        guard n > 0 else { return out }
        for o in 0..<outer {
            let base = o * n * inner
            for step in 0..<n {
                let j = reverse ? n - 1 - step : step
                let row = base + j * inner
                if step == 0 {
                    if !exclusive { for i in 0..<inner { out[row + i] = x[row + i] } }
                    continue
                }
                let previous = base + (reverse ? j + 1 : j - 1) * inner
                if exclusive {
                    for i in 0..<inner { out[row + i] = add(out[previous + i], x[previous + i]) }
                } else {
                    for i in 0..<inner { out[row + i] = add(out[previous + i], x[row + i]) }
                }
            }
        }
        return out
    }
}

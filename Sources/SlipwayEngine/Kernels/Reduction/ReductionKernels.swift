import RealModule
import SlipwayTensor

/// An element type the reduction kernels compute in directly: `Float`, `Double` and the integer types.
///
/// Float16 and bfloat16 tensors are widened to `Float` first. The protocol, its conformances, the
/// combiners and every kernel that uses them live in this one file on purpose: debug builds compile
/// file by file, and generic code only specialises (and vectorises) against bodies in the same file.
/// Integer arithmetic wraps, so no input can make a kernel trap on overflow; the transcendental
/// functions go through `Double` for integers and round back like a numeric cast.
protocol ReductionScalar: NumericElement {
    static var reductionOne: Self { get }
    /// The identity of `max`: -inf, or the type's minimum.
    static var reductionLowest: Self { get }
    /// The identity of `min`: +inf, or the type's maximum.
    static var reductionHighest: Self { get }
    static var reductionIsInteger: Bool { get }
    static func reductionAdd(_ a: Self, _ b: Self) -> Self
    static func reductionSubtract(_ a: Self, _ b: Self) -> Self
    static func reductionMultiply(_ a: Self, _ b: Self) -> Self
    var reductionMagnitude: Self { get }
    var reductionIsNaN: Bool { get }
    var reductionIsFinite: Bool { get }
    /// `self / count`; integers divide with truncation and give 0 for an empty count.
    func reductionDivided(byCount count: Int) -> Self
    func reductionSquareRoot() -> Self
    func reductionLog() -> Self
    func reductionExp() -> Self
}

extension ReductionScalar where Self: Real {
    static var reductionOne: Self { 1 }
    static var reductionLowest: Self { -.infinity }
    static var reductionHighest: Self { .infinity }
    static var reductionIsInteger: Bool { false }
    @inline(__always) static func reductionAdd(_ a: Self, _ b: Self) -> Self { a + b }
    @inline(__always) static func reductionSubtract(_ a: Self, _ b: Self) -> Self { a - b }
    @inline(__always) static func reductionMultiply(_ a: Self, _ b: Self) -> Self { a * b }
    @inline(__always) var reductionMagnitude: Self { magnitude }
    @inline(__always) var reductionIsNaN: Bool { isNaN }
    @inline(__always) var reductionIsFinite: Bool { isFinite }
    func reductionDivided(byCount count: Int) -> Self { self / Self(count) }
    func reductionSquareRoot() -> Self { Self.sqrt(self) }
    func reductionLog() -> Self { Self.log(self) }
    @inline(__always) func reductionExp() -> Self { Self.exp(self) }
}

extension ReductionScalar where Self: FixedWidthInteger {
    static var reductionOne: Self { 1 }
    static var reductionLowest: Self { .min }
    static var reductionHighest: Self { .max }
    static var reductionIsInteger: Bool { true }
    @inline(__always) static func reductionAdd(_ a: Self, _ b: Self) -> Self { a &+ b }
    @inline(__always) static func reductionSubtract(_ a: Self, _ b: Self) -> Self { a &- b }
    @inline(__always) static func reductionMultiply(_ a: Self, _ b: Self) -> Self { a &* b }
    @inline(__always) var reductionMagnitude: Self { self < 0 ? 0 &- self : self }
    @inline(__always) var reductionIsNaN: Bool { false }
    @inline(__always) var reductionIsFinite: Bool { true }
    func reductionDivided(byCount count: Int) -> Self {
        guard count > 0, let divisor = Self(exactly: count) else { return 0 }
        return self / divisor
    }
    func reductionSquareRoot() -> Self { Self(clampingDouble: Double(self).squareRoot()) }
    func reductionLog() -> Self { Self(clampingDouble: Double.log(Double(self))) }
    func reductionExp() -> Self { Self(clampingDouble: Double.exp(Double(self))) }
}

extension Float: ReductionScalar {}
extension Double: ReductionScalar {}
extension Int8: ReductionScalar {}
extension Int16: ReductionScalar {}
extension Int32: ReductionScalar {}
extension Int64: ReductionScalar {}
extension UInt8: ReductionScalar {}
extension UInt16: ReductionScalar {}
extension UInt32: ReductionScalar {}
extension UInt64: ReductionScalar {}

// MARK: - Combiners: how one reduction folds an element into its accumulator

/// One associative reduction step, specialised into the kernels' inner loops.
protocol ReductionCombiner {
    static func identity<T: ReductionScalar>(_ type: T.Type) -> T
    /// Folds element `x` into accumulator `acc` (applying the element map, e.g. squaring).
    static func accumulate<T: ReductionScalar>(_ acc: T, _ x: T) -> T
    /// Merges two partial accumulators.
    static func merge<T: ReductionScalar>(_ a: T, _ b: T) -> T
}

/// Σ x.
enum ReductionSum: ReductionCombiner {
    @inline(__always) static func identity<T: ReductionScalar>(_ type: T.Type) -> T { T.zero }
    @inline(__always) static func accumulate<T: ReductionScalar>(_ acc: T, _ x: T) -> T { T.reductionAdd(acc, x) }
    @inline(__always) static func merge<T: ReductionScalar>(_ a: T, _ b: T) -> T { T.reductionAdd(a, b) }
}

/// Σ x².
enum ReductionSumSquare: ReductionCombiner {
    @inline(__always) static func identity<T: ReductionScalar>(_ type: T.Type) -> T { T.zero }
    @inline(__always) static func accumulate<T: ReductionScalar>(_ acc: T, _ x: T) -> T {
        T.reductionAdd(acc, T.reductionMultiply(x, x))
    }
    @inline(__always) static func merge<T: ReductionScalar>(_ a: T, _ b: T) -> T { T.reductionAdd(a, b) }
}

/// Σ |x|.
enum ReductionSumAbs: ReductionCombiner {
    @inline(__always) static func identity<T: ReductionScalar>(_ type: T.Type) -> T { T.zero }
    @inline(__always) static func accumulate<T: ReductionScalar>(_ acc: T, _ x: T) -> T { T.reductionAdd(acc, x.reductionMagnitude) }
    @inline(__always) static func merge<T: ReductionScalar>(_ a: T, _ b: T) -> T { T.reductionAdd(a, b) }
}

/// Π x.
enum ReductionProduct: ReductionCombiner {
    @inline(__always) static func identity<T: ReductionScalar>(_ type: T.Type) -> T { T.reductionOne }
    @inline(__always) static func accumulate<T: ReductionScalar>(_ acc: T, _ x: T) -> T { T.reductionMultiply(acc, x) }
    @inline(__always) static func merge<T: ReductionScalar>(_ a: T, _ b: T) -> T { T.reductionMultiply(a, b) }
}

/// max x; NaN propagates.
enum ReductionMax: ReductionCombiner {
    @inline(__always) static func identity<T: ReductionScalar>(_ type: T.Type) -> T { T.reductionLowest }
    @inline(__always) static func accumulate<T: ReductionScalar>(_ acc: T, _ x: T) -> T { (x > acc || x.reductionIsNaN) ? x : acc }
    @inline(__always) static func merge<T: ReductionScalar>(_ a: T, _ b: T) -> T { accumulate(a, b) }
}

/// min x; NaN propagates.
enum ReductionMin: ReductionCombiner {
    @inline(__always) static func identity<T: ReductionScalar>(_ type: T.Type) -> T { T.reductionHighest }
    @inline(__always) static func accumulate<T: ReductionScalar>(_ acc: T, _ x: T) -> T { (x < acc || x.reductionIsNaN) ? x : acc }
    @inline(__always) static func merge<T: ReductionScalar>(_ a: T, _ b: T) -> T { accumulate(a, b) }
}

/// What a `Reduce*` operator computes over each set of reduced elements.
enum ReductionKind: Sendable {
    case sum, mean, max, min, product, l1, l2, logSum, logSumExp, sumSquare
}

/// The shared reduction kernels: one fast loop nest over a ``ReductionLayout`` for every reduction, and a
/// plain reference twin that walks the input shape index by index (the comparison baseline in tests).
enum ReductionKernels {
    // MARK: - Entry points on tensor storage (the typed dispatch happens here, next to the loops)

    /// Reduces `storage` over the layout's reduced axes with `kind`; the result has the same element type.
    /// Float16/bfloat16 compute in `Float`; bool (max/min only) as 0/1.
    static func reduce(_ storage: TensorStorage, _ layout: ReductionLayout, kind: ReductionKind) throws(EngineError) -> TensorStorage {
        switch storage {
        case .float32(let a): return .float32(try apply(a, layout, kind))
        case .float64(let a): return .float64(try apply(a, layout, kind))
        case .float16(let a): return .float16(try apply(a.map { Float($0) }, layout, kind).map { Float16($0) })
        case .bfloat16(let a): return .bfloat16(try apply(a.map(\.floatValue), layout, kind).map { BFloat16($0) })
        case .int8(let a): return .int8(try apply(a, layout, kind))
        case .int16(let a): return .int16(try apply(a, layout, kind))
        case .int32(let a): return .int32(try apply(a, layout, kind))
        case .int64(let a): return .int64(try apply(a, layout, kind))
        case .uint8(let a): return .uint8(try apply(a, layout, kind))
        case .uint16(let a): return .uint16(try apply(a, layout, kind))
        case .uint32(let a): return .uint32(try apply(a, layout, kind))
        case .uint64(let a): return .uint64(try apply(a, layout, kind))
        case .bool(let a) where kind == .max || kind == .min:
            return .bool(try apply(a.map { $0 ? UInt8(1) : 0 }, layout, kind).map { $0 != 0 })
        case .bool, .string, .lowPrecision:
            throw EngineError.invalidInput("cannot reduce tensor(\(storage.dataType)) with \(kind)")
        }
    }

    /// `c[p] = a[p] · b[p]` for `batch` pairs of row-major `m×k` and `k×n` matrices of one element type
    /// (float16/bfloat16 must be widened to float32 by the caller).
    static func batchedMatMul(
        _ a: TensorStorage, _ b: TensorStorage, batch: Int, m: Int, k: Int, n: Int
    ) throws(EngineError) -> TensorStorage {
        switch (a, b) {
        case (.float32(let x), .float32(let y)): return .float32(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.float64(let x), .float64(let y)): return .float64(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.int8(let x), .int8(let y)): return .int8(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.int16(let x), .int16(let y)): return .int16(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.int32(let x), .int32(let y)): return .int32(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.int64(let x), .int64(let y)): return .int64(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.uint8(let x), .uint8(let y)): return .uint8(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.uint16(let x), .uint16(let y)): return .uint16(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.uint32(let x), .uint32(let y)): return .uint32(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        case (.uint64(let x), .uint64(let y)): return .uint64(try batchedMatMul(x, y, batch: batch, m: m, k: k, n: n))
        default:
            throw EngineError.invalidInput("cannot multiply tensor(\(a.dataType)) by tensor(\(b.dataType))")
        }
    }

    /// One reduction kind in the compute type `T`.
    static func apply<T: ReductionScalar>(_ x: [T], _ layout: ReductionLayout, _ kind: ReductionKind) throws(EngineError) -> [T] {
        switch kind {
        case .sum: return try reduce(x, layout, ReductionSum.self)
        case .sumSquare: return try reduce(x, layout, ReductionSumSquare.self)
        case .l1: return try reduce(x, layout, ReductionSumAbs.self)
        case .product: return try reduce(x, layout, ReductionProduct.self)
        case .max: return try reduce(x, layout, ReductionMax.self)
        case .min: return try reduce(x, layout, ReductionMin.self)
        case .l2: return try reduce(x, layout, ReductionSumSquare.self).map { $0.reductionSquareRoot() }
        case .mean:
            let count = layout.reducedCount
            return try reduce(x, layout, ReductionSum.self).map { $0.reductionDivided(byCount: count) }
        case .logSum: return try reduce(x, layout, ReductionSum.self).map { $0.reductionLog() }
        case .logSumExp:
            if T.reductionIsInteger {
                return try logSumExp(x.map(\.doubleValue), layout).map { T(clampingDouble: $0) }
            }
            return try logSumExp(x, layout)
        }
    }

    /// log Σ exp(x), shifted by the maximum so large inputs do not overflow; an empty set gives -inf.
    static func logSumExp<T: ReductionScalar>(_ x: [T], _ layout: ReductionLayout) throws(EngineError) -> [T] {
        let maxima = try reduce(x, layout, ReductionMax.self)
        let shift = maxima.map { $0.reductionIsFinite ? $0 : T.zero }
        let sums = try sumExpShifted(x, layout, shift: shift)
        return zip(sums, shift).map { T.reductionAdd($0.reductionLog(), $1) }
    }

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

    // MARK: - Batched matrix multiply (Einsum's contraction)

    /// `c[p] = a[p] · b[p]` for `batch` pairs of row-major `m×k` and `k×n` matrices.
    static func batchedMatMul<T: ReductionScalar>(
        _ a: [T], _ b: [T], batch: Int, m: Int, k: Int, n: Int
    ) throws(EngineError) -> [T] {
        guard a.count == batch * m * k, b.count == batch * k * n else {
            throw EngineError.runtime("batched matmul: operand sizes \(a.count), \(b.count) do not fit \(batch)×\(m)×\(k)×\(n)")
        }
        var c = [T](repeating: T.zero, count: batch * m * n)
        guard !c.isEmpty, k > 0 else { return c }
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    // Safe because: a, b and c hold exactly batch·m·k, batch·k·n and batch·m·n elements (checked
                    // above) and every index below stays inside those bounds.
                    guard let pa = aBuffer.baseAddress, let pb = bBuffer.baseAddress, let pc = cBuffer.baseAddress else { return }
                    for p in 0..<batch {
                        let ap = pa + p * m * k
                        let bp = pb + p * k * n
                        let cp = pc + p * m * n
                        if n == 1 {
                            for i in 0..<m { cp[i] = dot(ap + i * k, bp, count: k) }
                            continue
                        }
                        for i in 0..<m {
                            let row = cp + i * n
                            let aRow = ap + i * k
                            for q in 0..<k {
                                let av = aRow[q]
                                let bRow = bp + q * n
                                for j in 0..<n { row[j] = T.reductionAdd(row[j], T.reductionMultiply(av, bRow[j])) }
                            }
                        }
                    }
                }
            }
        }
        return c
    }

    /// Σ x[i]·y[i] with four partial sums.
    @inline(__always)
    private static func dot<T: ReductionScalar>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, count: Int) -> T {
        // Safe because: callers pass pointers to at least `count` elements of each operand.
        var s0 = T.zero
        var s1 = T.zero
        var s2 = T.zero
        var s3 = T.zero
        var i = 0
        while i + 4 <= count {
            s0 = T.reductionAdd(s0, T.reductionMultiply(x[i], y[i]))
            s1 = T.reductionAdd(s1, T.reductionMultiply(x[i + 1], y[i + 1]))
            s2 = T.reductionAdd(s2, T.reductionMultiply(x[i + 2], y[i + 2]))
            s3 = T.reductionAdd(s3, T.reductionMultiply(x[i + 3], y[i + 3]))
            i += 4
        }
        while i < count {
            s0 = T.reductionAdd(s0, T.reductionMultiply(x[i], y[i]))
            i += 1
        }
        return T.reductionAdd(T.reductionAdd(s0, s1), T.reductionAdd(s2, s3))
    }

    // MARK: - Reference twins (index-by-index, bounds-checked)

    /// Reference for ``batchedMatMul(_:_:batch:m:k:n:)``: the textbook triple loop, bounds-checked.
    static func referenceBatchedMatMul<T: ReductionScalar>(_ a: [T], _ b: [T], batch: Int, m: Int, k: Int, n: Int) -> [T] {
        var c = [T](repeating: T.zero, count: batch * m * n)
        for p in 0..<batch {
            for i in 0..<m {
                for j in 0..<n {
                    var s = T.zero
                    for q in 0..<k {
                        s = T.reductionAdd(s, T.reductionMultiply(a[(p * m + i) * k + q], b[(p * k + q) * n + j]))
                    }
                    c[(p * m + i) * n + j] = s
                }
            }
        }
        return c
    }

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

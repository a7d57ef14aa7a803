import RealModule
import SlipwayTensor

/// An element type the reduction kernels compute in directly: `Float`, `Double` and the integer types.
///
/// Float16 and bfloat16 tensors are widened to `Float` first (see ``reductionTransform(_:_:)``).
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

// MARK: - Dispatch from tensor storage to a typed kernel

/// A computation over the elements of a tensor in its reduction compute type.
protocol ReductionVisitor {
    associatedtype Result
    func visit<T: ReductionScalar>(_ elements: [T]) throws -> Result
}

/// A same-type transform (`[T] -> [T]`) of a tensor's elements in its reduction compute type.
protocol ReductionTransform {
    func apply<T: ReductionScalar>(_ elements: [T]) throws -> [T]
}

/// Runs `visitor` on the storage's elements; float16 and bfloat16 are widened to `Float`.
/// Bool (as 0/1 `UInt8`) is visited only when `allowBool` is set.
func reductionVisit<V: ReductionVisitor>(_ storage: TensorStorage, allowBool: Bool = false, _ visitor: V) throws -> V.Result {
    switch storage {
    case .float32(let a): return try visitor.visit(a)
    case .float64(let a): return try visitor.visit(a)
    case .float16(let a): return try visitor.visit(a.map { Float($0) })
    case .bfloat16(let a): return try visitor.visit(a.map(\.floatValue))
    case .int8(let a): return try visitor.visit(a)
    case .int16(let a): return try visitor.visit(a)
    case .int32(let a): return try visitor.visit(a)
    case .int64(let a): return try visitor.visit(a)
    case .uint8(let a): return try visitor.visit(a)
    case .uint16(let a): return try visitor.visit(a)
    case .uint32(let a): return try visitor.visit(a)
    case .uint64(let a): return try visitor.visit(a)
    case .bool(let a) where allowBool: return try visitor.visit(a.map { $0 ? UInt8(1) : 0 })
    case .bool, .string: throw EngineError.invalidInput("tensor(\(storage.dataType)) is not a numeric type")
    }
}

/// Applies `transform` to the storage's elements and returns storage of the same type
/// (float16/bfloat16 computed in `Float` and rounded back; bool as 0/1 when `allowBool`).
func reductionTransform<F: ReductionTransform>(_ storage: TensorStorage, allowBool: Bool = false, _ transform: F) throws -> TensorStorage {
    switch storage {
    case .float32(let a): return .float32(try transform.apply(a))
    case .float64(let a): return .float64(try transform.apply(a))
    case .float16(let a): return .float16(try transform.apply(a.map { Float($0) }).map { Float16($0) })
    case .bfloat16(let a): return .bfloat16(try transform.apply(a.map(\.floatValue)).map { BFloat16($0) })
    case .int8(let a): return .int8(try transform.apply(a))
    case .int16(let a): return .int16(try transform.apply(a))
    case .int32(let a): return .int32(try transform.apply(a))
    case .int64(let a): return .int64(try transform.apply(a))
    case .uint8(let a): return .uint8(try transform.apply(a))
    case .uint16(let a): return .uint16(try transform.apply(a))
    case .uint32(let a): return .uint32(try transform.apply(a))
    case .uint64(let a): return .uint64(try transform.apply(a))
    case .bool(let a) where allowBool: return .bool(try transform.apply(a.map { $0 ? UInt8(1) : 0 }).map { $0 != 0 })
    case .bool, .string: throw EngineError.invalidInput("tensor(\(storage.dataType)) is not a numeric type")
    }
}

/// The elements of `storage` as `[T]`, widening float16/bfloat16 when `T` is `Float`; nil on a type mismatch.
func reductionElements<T: ReductionScalar>(_ storage: TensorStorage, as type: T.Type) -> [T]? {
    if let direct = T.unwrap(storage) { return direct }
    guard T.self == Float.self else { return nil }
    switch storage {
    case .float16(let a): return a.map { Float($0) } as? [T]
    case .bfloat16(let a): return a.map(\.floatValue) as? [T]
    default: return nil
    }
}

/// Wraps compute-type elements as storage of `dataType` (rounding `Float` back to float16/bfloat16).
func reductionStorage<T: ReductionScalar>(_ elements: [T], as dataType: DataType) throws -> TensorStorage {
    if T.dataType == dataType { return T.wrap(elements) }
    if let floats = elements as? [Float] {
        switch dataType {
        case .float16: return .float16(floats.map { Float16($0) })
        case .bfloat16: return .bfloat16(floats.map { BFloat16($0) })
        default: break
        }
    }
    throw EngineError.runtime("cannot store \(T.dataType) results as \(dataType)")
}

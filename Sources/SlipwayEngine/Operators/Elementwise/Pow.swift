import RealModule
import SlipwayTensor

/// ONNX `Pow`: `X ^ Y` with numpy broadcasting; the result has X's type whatever Y's numeric type.
///
/// Floats follow C `pow` (a negative base with an integral exponent is fine, `pow(x, 0) = 1`);
/// an integer base with an integer exponent is exact with wrapping; an integer base with a float
/// exponent is computed in double and truncated toward zero, as onnxruntime does.
public struct Pow: Operator {
    let core: ElementwiseBinaryCore

    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let y = try inputs.fact(1, "Y")
        let tx = try inputs.dataType(0, "X")
        let ty = try inputs.dataType(1, "Y")
        try requireType(tx, in: .numeric, "Pow input 'X'")
        try requireType(ty, in: .numeric, "Pow input 'Y'")
        var yShape = y.shape
        if let legacy = core.legacy, let xs = x.shape, let ys = y.shape {
            yShape = try legacy.align(ys, toRankOf: xs, one: Dim.fixed(1), "Pow")
        }
        return [ValueFact(tx, shape: try ElementwiseFacts.broadcast([x.shape, yShape], "Pow"))]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        var inputs = inputs
        let (x, y) = try core.operands(&inputs)
        guard let plan = ElementwiseBroadcast([x.shape, y.shape]) else {
            throw EngineError.invalidInput("Pow: shapes \(x.shape) and \(y.shape) do not broadcast")
        }
        let storage: TensorStorage
        switch x.storage {
        case .float32(let a): storage = .float32(try Self.floating(a, y, plan))
        case .float64(let a): storage = .float64(try Self.floating(a, y, plan))
        case .float16(let a): storage = .float16(try Self.floating(a.map { Float($0) }, y, plan).map { Float16($0) })
        case .bfloat16(let a): storage = .bfloat16(try Self.floating(a.map(\.floatValue), y, plan).map { BFloat16($0) })
        case .int8(let a): storage = .int8(try Self.integral(a, y, plan))
        case .int16(let a): storage = .int16(try Self.integral(a, y, plan))
        case .int32(let a): storage = .int32(try Self.integral(a, y, plan))
        case .int64(let a): storage = .int64(try Self.integral(a, y, plan))
        case .uint8(let a): storage = .uint8(try Self.integral(a, y, plan))
        case .uint16(let a): storage = .uint16(try Self.integral(a, y, plan))
        case .uint32(let a): storage = .uint32(try Self.integral(a, y, plan))
        case .uint64(let a): storage = .uint64(try Self.integral(a, y, plan))
        case .bool, .string, .lowPrecision: throw EngineError.invalidInput("Pow: input 'X' has type \(x.dataType), expected a numeric type")
        }
        return [.tensor(Tensor(uncheckedShape: plan.outputShape, storage: storage))]
    }

    /// C `pow` for Float and Double (swift-numerics' `pow(x, y)` rejects negative bases and `0^0`).
    static func pow<T: ElementwiseFloat>(_ x: T, _ y: T) -> T {
        if y == 0 || x == 1 { return 1 }
        if let n = Int(exactly: y) { return T.pow(x, n) }
        if x < 0 {
            // Exponents too large for Int are even integers; infinite operands follow |x|.
            if y.isInfinite || x.isInfinite || y.rounded(.towardZero) == y { return T.pow(-x, y) }
            return .nan
        }
        return T.pow(x, y)
    }

    static func floating<T: ElementwiseFloat>(_ a: [T], _ y: Tensor, _ plan: ElementwiseBroadcast) throws -> [T] {
        let b: [T]
        if let same = y.elements(as: T.self) {
            b = same
        } else if let d = y.doubles() {
            b = d.map { T($0) }
        } else {
            throw EngineError.invalidInput("Pow: input 'Y' has type \(y.dataType), expected a numeric type")
        }
        return try elementwiseBinary(a, b, plan) { pow($0, $1) }
    }

    static func integral<T: IntegerElement>(_ a: [T], _ y: Tensor, _ plan: ElementwiseBroadcast) throws -> [T] {
        if y.dataType.isInteger {
            let b: [Int64]
            switch y.storage {
            case .uint64(let u): b = u.map { Int64(clamping: $0) }
            default: b = (y.integers() ?? []).map { Int64($0) }
            }
            return try elementwiseBinary(a, b, plan) { integerPow($0, $1) }
        }
        guard let d = y.doubles() else {
            throw EngineError.invalidInput("Pow: input 'Y' has type \(y.dataType), expected a numeric type")
        }
        return try elementwiseBinary(a, d, plan) { T(clampingDouble: pow(Double($0), $1)) }
    }

    /// `base ^ exponent` by squaring, wrapping on overflow; negative exponents truncate toward zero.
    static func integerPow<T: FixedWidthInteger>(_ base: T, _ exponent: Int64) -> T {
        if exponent < 0 {
            if base == 1 { return 1 }
            if T.isSigned && base == 0 &- 1 { return exponent & 1 == 0 ? 1 : base }
            return 0
        }
        var result: T = 1
        var b = base
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            e >>= 1
            if e > 0 { b = b &* b }
        }
        return result
    }
}

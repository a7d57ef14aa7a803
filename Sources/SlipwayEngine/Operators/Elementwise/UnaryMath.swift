import RealModule
import SlipwayTensor

/// The unary math functions: one in-place kernel per element type; float16 and bfloat16 are
/// computed in Float.
enum ElementwiseMath: Sendable, ElementwiseUnaryMap {
    case abs, neg, ceil, floor, round, sqrt, exp, log, reciprocal, sign, erf, sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh,
        softsign

    func floats<T: ElementwiseFloat>(_ values: inout [T]) throws {
        switch self {
        case .abs: ElementwiseKernels.mapInPlace(&values) { $0.magnitude }
        case .neg: ElementwiseKernels.mapInPlace(&values) { -$0 }
        case .ceil: ElementwiseKernels.mapInPlace(&values) { $0.rounded(.up) }
        case .floor: ElementwiseKernels.mapInPlace(&values) { $0.rounded(.down) }
        case .round: ElementwiseKernels.mapInPlace(&values) { $0.rounded(.toNearestOrEven) }
        case .sqrt: ElementwiseKernels.mapInPlace(&values) { $0.squareRoot() }
        case .exp:
            if !ElementwiseFastMath.ifFloat(&values, ElementwiseFastMath.exp) { ElementwiseKernels.mapInPlace(&values) { T.exp($0) } }
        case .log: ElementwiseKernels.mapInPlace(&values) { T.log($0) }
        case .reciprocal: ElementwiseKernels.mapInPlace(&values) { 1 / $0 }
        case .sign: ElementwiseKernels.mapInPlace(&values) { $0 > 0 ? 1 : ($0 < 0 ? -1 : ($0.isNaN ? $0 : 0)) }
        case .erf:
            if !ElementwiseFastMath.ifFloat(&values, ElementwiseFastMath.erf) { ElementwiseKernels.mapInPlace(&values) { T.erf($0) } }
        case .sin: ElementwiseKernels.mapInPlace(&values) { T.sin($0) }
        case .cos: ElementwiseKernels.mapInPlace(&values) { T.cos($0) }
        case .tan: ElementwiseKernels.mapInPlace(&values) { T.tan($0) }
        case .asin: ElementwiseKernels.mapInPlace(&values) { T.asin($0) }
        case .acos: ElementwiseKernels.mapInPlace(&values) { T.acos($0) }
        case .atan: ElementwiseKernels.mapInPlace(&values) { T.atan($0) }
        case .sinh: ElementwiseKernels.mapInPlace(&values) { T.sinh($0) }
        case .cosh: ElementwiseKernels.mapInPlace(&values) { T.cosh($0) }
        case .asinh: ElementwiseKernels.mapInPlace(&values) { T.asinh($0) }
        case .acosh: ElementwiseKernels.mapInPlace(&values) { T.acosh($0) }
        case .atanh: ElementwiseKernels.mapInPlace(&values) { T.atanh($0) }
        case .softsign: ElementwiseKernels.mapInPlace(&values) { $0 / (1 + $0.magnitude) }
        }
    }

    func integers<T: IntegerElement>(_ values: inout [T]) throws {
        switch self {
        case .abs: ElementwiseKernels.mapInPlace(&values) { $0 < 0 ? 0 &- $0 : $0 }
        case .neg: ElementwiseKernels.mapInPlace(&values) { 0 &- $0 }
        case .sign: ElementwiseKernels.mapInPlace(&values) { $0 > 0 ? 1 : ($0 < 0 ? 0 &- 1 : 0) }
        case .erf: ElementwiseKernels.mapInPlace(&values) { T(clampingDouble: Double.erf(Double($0))) }
        default: throw EngineError.invalidInput("type \(T.dataType) is not supported here")
        }
    }
}

/// A unary operator whose output has its input's type and shape: type check at load, kernel at run.
struct ElementwiseUnaryCore<Map: ElementwiseUnaryMap & Sendable>: Sendable {
    let map: Map
    let types: Set<DataType>
    let what: String

    init(_ map: Map, types: Set<DataType>, _ what: String) {
        self.map = map
        self.types = types
        self.what = what
    }

    func prepare(_ inputs: [ValueFact?]) throws -> [ValueFact] {
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: types, "\(what) input 'X'")
        return [ValueFact(type, shape: try inputs.fact(0, "X").shape)]
    }

    func run(_ inputs: consuming [Value?]) throws -> [Value] {
        var inputs = inputs
        return [.tensor(try map.apply(try inputs.elementwiseTake(0, "X")))]
    }
}

/// ONNX `Abs`: |x| (every numeric type; the most negative integer stays itself, as in two's complement), elementwise.
public struct Abs: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.abs, types: .numeric, "Abs")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Neg`: -x (floats and signed integers, wrapping), elementwise.
public struct Neg: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.neg, types: Set<DataType>.floatingPoint.union(Set<DataType>.signedIntegers), "Neg")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Ceil`: the smallest integer >= x, elementwise.
public struct Ceil: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.ceil, types: .floatingPoint, "Ceil")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Floor`: the largest integer <= x, elementwise.
public struct Floor: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.floor, types: .floatingPoint, "Floor")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Round`: x rounded to the nearest integer, halves to even, elementwise.
public struct Round: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.round, types: .floatingPoint, "Round")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Sqrt`: the square root of x (NaN for negative x), elementwise.
public struct Sqrt: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.sqrt, types: .floatingPoint, "Sqrt")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Exp`: e raised to x, elementwise.
public struct Exp: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.exp, types: .floatingPoint, "Exp")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Log`: the natural logarithm of x, elementwise.
public struct Log: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.log, types: .floatingPoint, "Log")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Reciprocal`: 1 / x, elementwise.
public struct Reciprocal: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.reciprocal, types: .floatingPoint, "Reciprocal")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Sign`: -1, 0 or 1 by the sign of x (NaN stays NaN), elementwise.
public struct Sign: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.sign, types: .numeric, "Sign")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Erf`: the Gauss error function of x (integers: computed in double, truncated), elementwise.
public struct Erf: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.erf, types: .numeric, "Erf")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Sin`: the sine of x, elementwise.
public struct Sin: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.sin, types: .floatingPoint, "Sin")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Cos`: the cosine of x, elementwise.
public struct Cos: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.cos, types: .floatingPoint, "Cos")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Tan`: the tangent of x, elementwise.
public struct Tan: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.tan, types: .floatingPoint, "Tan")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Asin`: the arcsine of x, elementwise.
public struct Asin: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.asin, types: .floatingPoint, "Asin")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Acos`: the arccosine of x, elementwise.
public struct Acos: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.acos, types: .floatingPoint, "Acos")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Atan`: the arctangent of x, elementwise.
public struct Atan: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.atan, types: .floatingPoint, "Atan")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Sinh`: the hyperbolic sine of x, elementwise.
public struct Sinh: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.sinh, types: .floatingPoint, "Sinh")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Cosh`: the hyperbolic cosine of x, elementwise.
public struct Cosh: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.cosh, types: .floatingPoint, "Cosh")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Asinh`: the inverse hyperbolic sine of x, elementwise.
public struct Asinh: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.asinh, types: .floatingPoint, "Asinh")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Acosh`: the inverse hyperbolic cosine of x, elementwise.
public struct Acosh: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.acosh, types: .floatingPoint, "Acosh")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Atanh`: the inverse hyperbolic tangent of x, elementwise.
public struct Atanh: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.atanh, types: .floatingPoint, "Atanh")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Softsign`: x / (1 + |x|), elementwise.
public struct Softsign: Operator {
    let core = ElementwiseUnaryCore(ElementwiseMath.softsign, types: .floatingPoint, "Softsign")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

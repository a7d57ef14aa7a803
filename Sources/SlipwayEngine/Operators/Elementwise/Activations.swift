import RealModule
import SlipwayTensor

/// The activation functions: one in-place kernel per element type; float16 and bfloat16 are
/// computed in Float. Attribute values are kept in double and converted once per call.
enum ElementwiseActivation: Sendable, ElementwiseUnaryMap {
    case relu
    case leakyRelu(alpha: Double)
    case elu(alpha: Double)
    case selu(alpha: Double, gamma: Double)
    case celu(alpha: Double)
    case sigmoid
    case hardSigmoid(alpha: Double, beta: Double)
    case hardSwish
    case softplus
    case tanh
    case mish
    case gelu(tanhApproximation: Bool)
    case thresholdedRelu(alpha: Double)
    case shrink(lambd: Double, bias: Double)

    func floats<T: ElementwiseFloat>(_ values: inout [T]) throws {
        switch self {
        case .relu:
            if !ElementwiseFastMath.ifFloat(&values, ElementwiseFastMath.relu) { ElementwiseKernels.mapInPlace(&values) { $0 < 0 ? 0 : $0 } }
        case .leakyRelu(let alpha):
            let a = T(alpha)
            ElementwiseKernels.mapInPlace(&values) { $0 < 0 ? a * $0 : $0 }
        case .elu(let alpha):
            let a = T(alpha)
            ElementwiseKernels.mapInPlace(&values) { $0 < 0 ? a * T.expMinusOne($0) : $0 }
        case .selu(let alpha, let gamma):
            let a = T(alpha)
            let g = T(gamma)
            ElementwiseKernels.mapInPlace(&values) { $0 > 0 ? g * $0 : g * (a * T.exp($0) - a) }
        case .celu(let alpha):
            let a = T(alpha)
            ElementwiseKernels.mapInPlace(&values) { $0 > 0 ? $0 : a * T.expMinusOne($0 / a) }
        case .sigmoid:
            ElementwiseKernels.mapInPlace(&values) { Self.sigmoid($0) }
        case .hardSigmoid(let alpha, let beta):
            let a = T(alpha)
            let b = T(beta)
            ElementwiseKernels.mapInPlace(&values) { Swift.max(0, Swift.min(1, a * $0 + b)) }
        case .hardSwish:
            let a = 1 / T(6)
            ElementwiseKernels.mapInPlace(&values) { $0 * Swift.max(0, Swift.min(1, a * $0 + 0.5)) }
        case .softplus:
            ElementwiseKernels.mapInPlace(&values) { Self.softplus($0) }
        case .tanh:
            ElementwiseKernels.mapInPlace(&values) { T.tanh($0) }
        case .mish:
            ElementwiseKernels.mapInPlace(&values) { $0 * T.tanh(Self.softplus($0)) }
        case .gelu(let tanhApproximation):
            if tanhApproximation {
                let c = T.sqrt(2 / T.pi)
                ElementwiseKernels.mapInPlace(&values) { x in 0.5 * x * (1 + T.tanh(c * (x + 0.044715 * x * x * x))) }
            } else {
                let r = 1 / T.sqrt(2)
                ElementwiseKernels.mapInPlace(&values) { x in 0.5 * x * (1 + T.erf(x * r)) }
            }
        case .thresholdedRelu(let alpha):
            let a = T(alpha)
            ElementwiseKernels.mapInPlace(&values) { $0 > a ? $0 : 0 }
        case .shrink(let lambd, let bias):
            let l = T(lambd)
            let b = T(bias)
            ElementwiseKernels.mapInPlace(&values) { $0 < -l ? $0 + b : ($0 > l ? $0 - b : 0) }
        }
    }

    func integers<T: IntegerElement>(_ values: inout [T]) throws {
        switch self {
        case .relu:
            ElementwiseKernels.mapInPlace(&values) { $0 < 0 ? 0 : $0 }
        case .shrink(let lambd, let bias):
            ElementwiseKernels.mapInPlace(&values) { x in
                let d = Double(x)
                return d < -lambd ? T(clampingDouble: d + bias) : (d > lambd ? T(clampingDouble: d - bias) : 0)
            }
        default:
            throw EngineError.invalidInput("type \(T.dataType) is not supported here")
        }
    }

    /// 1 / (1 + e^-x), written so that neither branch overflows.
    static func sigmoid<T: ElementwiseFloat>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exp(-x)) }
        let e = T.exp(x)
        return e / (1 + e)
    }

    /// log(1 + e^x) without overflow for large x.
    static func softplus<T: ElementwiseFloat>(_ x: T) -> T {
        x > 0 ? x + T.log(onePlus: T.exp(-x)) : T.log(onePlus: T.exp(x))
    }
}

/// Reads a float attribute as a double (ONNX stores them as float32).
private func attribute(_ config: OperatorConfiguration, _ name: String, default value: Float) throws -> Double {
    Double(try config.attributes.float(name, default: value))
}

/// ONNX `Relu`: max(0, x) (floats; signed integers from opset 14).
public struct Relu: Operator {
    let core = ElementwiseUnaryCore(ElementwiseActivation.relu, types: Set<DataType>.floatingPoint.union(Set<DataType>.signedIntegers), "Relu")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `LeakyRelu`: x for x >= 0, `alpha * x` otherwise (alpha defaults to 0.01).
public struct LeakyRelu: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        core = ElementwiseUnaryCore(.leakyRelu(alpha: try attribute(config, "alpha", default: 0.01)), types: .floatingPoint, "LeakyRelu")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Elu`: x for x >= 0, `alpha * (e^x - 1)` otherwise (alpha defaults to 1).
public struct Elu: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        core = ElementwiseUnaryCore(.elu(alpha: try attribute(config, "alpha", default: 1)), types: .floatingPoint, "Elu")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Selu`: `gamma * x` for x > 0, `gamma * (alpha * e^x - alpha)` otherwise.
public struct Selu: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        let alpha = try attribute(config, "alpha", default: 1.67326319217681884765625)
        let gamma = try attribute(config, "gamma", default: 1.05070102214813232421875)
        core = ElementwiseUnaryCore(.selu(alpha: alpha, gamma: gamma), types: .floatingPoint, "Selu")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Celu`: `max(0, x) + min(0, alpha * (e^(x / alpha) - 1))` (alpha defaults to 1).
public struct Celu: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        let alpha = try attribute(config, "alpha", default: 1)
        guard alpha != 0 else { throw EngineError.invalidModel("Celu: attribute 'alpha' must not be 0") }
        core = ElementwiseUnaryCore(.celu(alpha: alpha), types: .floatingPoint, "Celu")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Sigmoid`: 1 / (1 + e^-x).
public struct Sigmoid: Operator {
    let core = ElementwiseUnaryCore(ElementwiseActivation.sigmoid, types: .floatingPoint, "Sigmoid")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `HardSigmoid`: `max(0, min(1, alpha * x + beta))` (alpha 0.2, beta 0.5 by default).
public struct HardSigmoid: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        let alpha = try attribute(config, "alpha", default: 0.2)
        let beta = try attribute(config, "beta", default: 0.5)
        core = ElementwiseUnaryCore(.hardSigmoid(alpha: alpha, beta: beta), types: .floatingPoint, "HardSigmoid")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `HardSwish`: `x * max(0, min(1, x / 6 + 0.5))`.
public struct HardSwish: Operator {
    let core = ElementwiseUnaryCore(ElementwiseActivation.hardSwish, types: .floatingPoint, "HardSwish")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Softplus`: log(1 + e^x), computed without overflow.
public struct Softplus: Operator {
    let core = ElementwiseUnaryCore(ElementwiseActivation.softplus, types: .floatingPoint, "Softplus")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Tanh`: the hyperbolic tangent of x.
public struct Tanh: Operator {
    let core = ElementwiseUnaryCore(ElementwiseActivation.tanh, types: .floatingPoint, "Tanh")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Mish`: `x * tanh(softplus(x))`.
public struct Mish: Operator {
    let core = ElementwiseUnaryCore(ElementwiseActivation.mish, types: .floatingPoint, "Mish")
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Gelu`: `0.5 * x * (1 + erf(x / sqrt(2)))`, or its tanh approximation when `approximate = "tanh"`.
public struct Gelu: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        let approximate = try config.attributes.string("approximate", default: "none")
        guard approximate == "none" || approximate == "tanh" else {
            throw EngineError.invalidModel("Gelu: attribute 'approximate' must be \"none\" or \"tanh\", got \"\(approximate)\"")
        }
        core = ElementwiseUnaryCore(.gelu(tanhApproximation: approximate == "tanh"), types: .floatingPoint, "Gelu")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `ThresholdedRelu`: x for x > alpha, 0 otherwise (alpha defaults to 1).
public struct ThresholdedRelu: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        core = ElementwiseUnaryCore(.thresholdedRelu(alpha: try attribute(config, "alpha", default: 1)), types: .floatingPoint, "ThresholdedRelu")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

/// ONNX `Shrink`: `x + bias` for x < -lambd, `x - bias` for x > lambd, 0 otherwise (every numeric type).
public struct Shrink: Operator {
    let core: ElementwiseUnaryCore<ElementwiseActivation>
    public init(_ config: OperatorConfiguration) throws {
        let lambd = try attribute(config, "lambd", default: 0.5)
        let bias = try attribute(config, "bias", default: 0)
        core = ElementwiseUnaryCore(.shrink(lambd: lambd, bias: bias), types: .numeric, "Shrink")
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { try core.prepare(inputs) }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] { try core.run(inputs) }
}

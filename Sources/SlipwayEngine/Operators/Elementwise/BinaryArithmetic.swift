import SlipwayTensor

/// The four arithmetic operators share one broadcasting kernel: float math is IEEE, integer math
/// wraps on overflow, and integer division truncates toward zero like C.
enum ElementwiseArithmetic: Sendable, ElementwiseBinaryMap {
    case add, sub, mul, div

    static let types: Set<DataType> = .numeric

    func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        switch self {
        case .add: T.wrap(try elementwiseBinary(a, b, plan, +))
        case .sub: T.wrap(try elementwiseBinary(a, b, plan, -))
        case .mul: T.wrap(try elementwiseBinary(a, b, plan, *))
        case .div: T.wrap(try elementwiseBinary(a, b, plan, /))
        }
    }

    func float32Quick(_ a: [Float], _ b: [Float]) -> TensorStorage? {
        let result: [Float]?
        switch self {
        case .add: result = ElementwiseKernels.quickBinary(a, b, +)
        case .sub: result = ElementwiseKernels.quickBinary(a, b, -)
        case .mul: result = ElementwiseKernels.quickBinary(a, b, *)
        case .div: result = ElementwiseKernels.quickBinary(a, b, /)
        }
        return result.map { .float32($0) }
    }

    func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        switch self {
        case .add: return T.wrap(try elementwiseBinary(a, b, plan, &+))
        case .sub: return T.wrap(try elementwiseBinary(a, b, plan, &-))
        case .mul: return T.wrap(try elementwiseBinary(a, b, plan, &*))
        case .div:
            if plan.count > 0, b.contains(0) { throw EngineError.invalidInput("Div: integer division by zero (input 'B' holds a 0)") }
            // The most negative value divided by -1 overflows; it wraps to itself as in two's complement.
            return T.wrap(try elementwiseBinary(a, b, plan) { $0.dividedReportingOverflow(by: $1).partialValue })
        }
    }
}

/// ONNX `Add`: `A + B` with numpy broadcasting (legacy `broadcast`/`axis` attributes before opset 7).
public struct Add: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let (type, shape) = try core.prepare(inputs, allowed: ElementwiseArithmetic.types)
        return [ValueFact(type, shape: shape)]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseArithmetic.add)
    }
}

/// ONNX `Sub`: `A - B` with numpy broadcasting (legacy `broadcast`/`axis` attributes before opset 7).
public struct Sub: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let (type, shape) = try core.prepare(inputs, allowed: ElementwiseArithmetic.types)
        return [ValueFact(type, shape: shape)]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseArithmetic.sub)
    }
}

/// ONNX `Mul`: `A * B` with numpy broadcasting (legacy `broadcast`/`axis` attributes before opset 7).
public struct Mul: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let (type, shape) = try core.prepare(inputs, allowed: ElementwiseArithmetic.types)
        return [ValueFact(type, shape: shape)]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseArithmetic.mul)
    }
}

/// ONNX `Div`: `A / B` with numpy broadcasting; integer division truncates toward zero and a zero
/// divisor is an input error.
public struct Div: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let (type, shape) = try core.prepare(inputs, allowed: ElementwiseArithmetic.types)
        return [ValueFact(type, shape: shape)]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseArithmetic.div)
    }
}

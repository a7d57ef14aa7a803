import SlipwayTensor

/// The comparison operators share one broadcasting kernel producing bool; NaN compares false
/// (so `Equal(NaN, NaN)` is false), as in IEEE arithmetic.
enum ElementwiseComparison: Sendable, ElementwiseBinaryMap {
    case equal, greater, less, greaterOrEqual, lessOrEqual

    var types: Set<DataType> {
        self == .equal ? Set<DataType>.numeric.union([.bool, .string]) : .numeric
    }

    func compare<T: Comparable>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        switch self {
        case .equal: .bool(try elementwiseBinary(a, b, plan, ==))
        case .greater: .bool(try elementwiseBinary(a, b, plan, >))
        case .less: .bool(try elementwiseBinary(a, b, plan, <))
        case .greaterOrEqual: .bool(try elementwiseBinary(a, b, plan, >=))
        case .lessOrEqual: .bool(try elementwiseBinary(a, b, plan, <=))
        }
    }

    func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        try compare(a, b, plan)
    }

    func float32Quick(_ a: [Float], _ b: [Float]) -> TensorStorage? {
        let result: [Bool]?
        switch self {
        case .equal: result = ElementwiseKernels.quickBinary(a, b, ==)
        case .greater: result = ElementwiseKernels.quickBinary(a, b, >)
        case .less: result = ElementwiseKernels.quickBinary(a, b, <)
        case .greaterOrEqual: result = ElementwiseKernels.quickBinary(a, b, >=)
        case .lessOrEqual: result = ElementwiseKernels.quickBinary(a, b, <=)
        }
        return result.map { .bool($0) }
    }

    func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        try compare(a, b, plan)
    }

    func bools(_ a: [Bool], _ b: [Bool], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        guard self == .equal else { throw EngineError.invalidInput("bool inputs can only be compared for equality") }
        return .bool(try elementwiseBinary(a, b, plan, ==))
    }

    func strings(_ a: [String], _ b: [String], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        guard self == .equal else { throw EngineError.invalidInput("string inputs can only be compared for equality") }
        return .bool(try elementwiseBinary(a, b, plan, ==))
    }

    func prepare(_ core: ElementwiseBinaryCore, _ inputs: [ValueFact?]) throws -> [ValueFact] {
        let (_, shape) = try core.prepare(inputs, allowed: types)
        return [ValueFact(.bool, shape: shape)]
    }
}

/// ONNX `Equal`: `A == B` as bool, with numpy broadcasting (numbers, bool, and strings from opset 19).
public struct Equal: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseComparison.equal.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseComparison.equal)
    }
}

/// ONNX `Greater`: `A > B` as bool, with numpy broadcasting.
public struct Greater: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseComparison.greater.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseComparison.greater)
    }
}

/// ONNX `Less`: `A < B` as bool, with numpy broadcasting.
public struct Less: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseComparison.less.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseComparison.less)
    }
}

/// ONNX `GreaterOrEqual`: `A >= B` as bool, with numpy broadcasting.
public struct GreaterOrEqual: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseComparison.greaterOrEqual.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseComparison.greaterOrEqual)
    }
}

/// ONNX `LessOrEqual`: `A <= B` as bool, with numpy broadcasting.
public struct LessOrEqual: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseComparison.lessOrEqual.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseComparison.lessOrEqual)
    }
}

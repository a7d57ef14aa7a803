import SlipwayTensor

/// The logical operators on bool tensors, sharing the broadcasting kernel.
enum ElementwiseLogical: Sendable, ElementwiseBinaryMap {
    case and, or, xor

    func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        throw EngineError.invalidInput("logical operators take bool inputs, got \(T.dataType)")
    }

    func bools(_ a: [Bool], _ b: [Bool], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        switch self {
        case .and: .bool(try elementwiseBinary(a, b, plan) { $0 && $1 })
        case .or: .bool(try elementwiseBinary(a, b, plan) { $0 || $1 })
        case .xor: .bool(try elementwiseBinary(a, b, plan, !=))
        }
    }

    static func prepare(_ core: ElementwiseBinaryCore, _ inputs: [ValueFact?]) throws -> [ValueFact] {
        let (_, shape) = try core.prepare(inputs, allowed: [.bool])
        return [ValueFact(.bool, shape: shape)]
    }
}

/// ONNX `And`: logical and of two bool tensors, with numpy broadcasting.
public struct And: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseLogical.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseLogical.and)
    }
}

/// ONNX `Or`: logical or of two bool tensors, with numpy broadcasting.
public struct Or: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseLogical.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseLogical.or)
    }
}

/// ONNX `Xor`: logical exclusive or of two bool tensors, with numpy broadcasting.
public struct Xor: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseLogical.prepare(core, inputs)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseLogical.xor)
    }
}

/// ONNX `Not`: logical negation of a bool tensor (in place when the buffer is not shared).
public struct Not: Operator {
    struct Negate: ElementwiseUnaryMap {
        func floats<T: ElementwiseFloat>(_ values: inout [T]) throws {
            throw EngineError.invalidInput("Not takes a bool input, got \(T.dataType)")
        }
        func bools(_ values: inout [Bool]) throws { ElementwiseKernels.mapInPlace(&values) { !$0 } }
    }

    public init(_ config: OperatorConfiguration) throws {}

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try requireType(try inputs.dataType(0, "X"), in: [.bool], "Not input 'X'")
        return [ValueFact(.bool, shape: try inputs.fact(0, "X").shape)]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        var inputs = inputs
        return [.tensor(try Negate().apply(try inputs.elementwiseTake(0, "X")))]
    }
}

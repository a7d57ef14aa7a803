import SlipwayTensor

/// The bitwise operators on integer tensors, sharing the broadcasting kernel.
enum ElementwiseBitwise: Sendable, ElementwiseBinaryMap {
    case and, or, xor, shiftLeft, shiftRight

    func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        throw EngineError.invalidInput("bitwise operators take integer inputs, got \(T.dataType)")
    }

    func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        switch self {
        case .and: return T.wrap(try elementwiseBinary(a, b, plan, &))
        case .or: return T.wrap(try elementwiseBinary(a, b, plan, |))
        case .xor: return T.wrap(try elementwiseBinary(a, b, plan, ^))
        // Shifting by the bit width or more gives 0 (Swift's smart shifts; C leaves it undefined).
        case .shiftLeft: return T.wrap(try elementwiseBinary(a, b, plan) { $0 << $1 })
        case .shiftRight: return T.wrap(try elementwiseBinary(a, b, plan) { $0 >> $1 })
        }
    }

    static func prepare(_ core: ElementwiseBinaryCore, _ inputs: [ValueFact?], allowed: Set<DataType>) throws -> [ValueFact] {
        let (type, shape) = try core.prepare(inputs, allowed: allowed)
        return [ValueFact(type, shape: shape)]
    }
}

/// ONNX `BitShift`: shifts each element of unsigned-integer `X` left or right (attribute `direction`)
/// by the matching element of `Y`, with numpy broadcasting; shifts of the bit width or more give 0.
public struct BitShift: Operator {
    let core: ElementwiseBinaryCore
    let function: ElementwiseBitwise

    public init(_ config: OperatorConfiguration) throws {
        core = try ElementwiseBinaryCore(config)
        switch try config.attributes.string("direction") {
        case "LEFT": function = .shiftLeft
        case "RIGHT": function = .shiftRight
        case let other:
            throw EngineError.invalidModel(
                "BitShift: attribute 'direction' must be \"LEFT\" or \"RIGHT\", got \(other.map { "\"\($0)\"" } ?? "nothing")")
        }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseBitwise.prepare(core, inputs, allowed: [.uint8, .uint16, .uint32, .uint64])
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, function)
    }
}

/// ONNX `BitwiseAnd`: `A & B` on integers, with numpy broadcasting.
public struct BitwiseAnd: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseBitwise.prepare(core, inputs, allowed: .integers)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseBitwise.and)
    }
}

/// ONNX `BitwiseOr`: `A | B` on integers, with numpy broadcasting.
public struct BitwiseOr: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseBitwise.prepare(core, inputs, allowed: .integers)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseBitwise.or)
    }
}

/// ONNX `BitwiseXor`: `A ^ B` on integers, with numpy broadcasting.
public struct BitwiseXor: Operator {
    let core: ElementwiseBinaryCore
    public init(_ config: OperatorConfiguration) throws { core = try ElementwiseBinaryCore(config) }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try ElementwiseBitwise.prepare(core, inputs, allowed: .integers)
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, ElementwiseBitwise.xor)
    }
}

/// ONNX `BitwiseNot`: `~X` on integers (in place when the buffer is not shared).
public struct BitwiseNot: Operator {
    struct Complement: ElementwiseUnaryMap {
        func floats<T: ElementwiseFloat>(_ values: inout [T]) throws {
            throw EngineError.invalidInput("BitwiseNot takes an integer input, got \(T.dataType)")
        }
        func integers<T: IntegerElement>(_ values: inout [T]) throws { ElementwiseKernels.mapInPlace(&values) { ~$0 } }
    }

    public init(_ config: OperatorConfiguration) throws {}

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: .integers, "BitwiseNot input 'X'")
        return [ValueFact(type, shape: try inputs.fact(0, "X").shape)]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        var inputs = inputs
        return [.tensor(try Complement().apply(try inputs.elementwiseTake(0, "X")))]
    }
}

import SlipwayTensor

/// ONNX `Where`: `condition ? X : Y` elementwise, broadcasting all three inputs (numpy rules);
/// X and Y may be of any one type, strings included.
public struct Where: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try requireType(try inputs.dataType(0, "condition"), in: [.bool], "Where input 'condition'")
        let tx = try inputs.dataType(1, "X")
        try ElementwiseFacts.requireSameType([tx, try inputs.dataType(2, "Y")], names: ["X", "Y"], "Where")
        let shapes = try (0..<3).map { try inputs.fact($0).shape }
        return [ValueFact(tx, shape: try ElementwiseFacts.broadcast(shapes, "Where"))]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        let condition = try inputs.tensor(0, "condition")
        let x = try inputs.tensor(1, "X")
        let y = try inputs.tensor(2, "Y")
        guard let c = condition.elements(as: Bool.self) else {
            throw EngineError.invalidInput("Where: input 'condition' has type \(condition.dataType), expected bool")
        }
        guard let plan = ElementwiseBroadcast([condition.shape, x.shape, y.shape]) else {
            throw EngineError.invalidInput("Where: shapes \(condition.shape), \(x.shape) and \(y.shape) do not broadcast")
        }
        let storage: TensorStorage
        switch (x.storage, y.storage) {
        case (.float32(let a), .float32(let b)): storage = .float32(try Self.select(c, a, b, plan))
        case (.float64(let a), .float64(let b)): storage = .float64(try Self.select(c, a, b, plan))
        case (.float16(let a), .float16(let b)): storage = .float16(try Self.select(c, a, b, plan))
        case (.bfloat16(let a), .bfloat16(let b)): storage = .bfloat16(try Self.select(c, a, b, plan))
        case (.int8(let a), .int8(let b)): storage = .int8(try Self.select(c, a, b, plan))
        case (.int16(let a), .int16(let b)): storage = .int16(try Self.select(c, a, b, plan))
        case (.int32(let a), .int32(let b)): storage = .int32(try Self.select(c, a, b, plan))
        case (.int64(let a), .int64(let b)): storage = .int64(try Self.select(c, a, b, plan))
        case (.uint8(let a), .uint8(let b)): storage = .uint8(try Self.select(c, a, b, plan))
        case (.uint16(let a), .uint16(let b)): storage = .uint16(try Self.select(c, a, b, plan))
        case (.uint32(let a), .uint32(let b)): storage = .uint32(try Self.select(c, a, b, plan))
        case (.uint64(let a), .uint64(let b)): storage = .uint64(try Self.select(c, a, b, plan))
        case (.bool(let a), .bool(let b)): storage = .bool(try Self.select(c, a, b, plan))
        case (.string(let a), .string(let b)): storage = .string(try Self.select(c, a, b, plan))
        case (.lowPrecision(let a), .lowPrecision(let b)) where a.dataType == b.dataType:
            storage = .lowPrecision(a.withCodes(try Self.select(c, a.codes, b.codes, plan)))
        default:
            if x.dataType == y.dataType { throw EngineError.invalidInput("Where: type \(x.dataType) is not supported") }
            throw EngineError.invalidInput("Where: inputs 'X' and 'Y' have types \(x.dataType) and \(y.dataType); they must match")
        }
        return [.tensor(Tensor(uncheckedShape: plan.outputShape, storage: storage))]
    }

    static func select<T>(_ c: [Bool], _ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> [T] {
        do {
            return try ElementwiseKernels.ternary(c, a, b, plan) { $0 ? $1 : $2 }
        } catch {
            throw EngineError.runtime("Where kernel: \(error)")
        }
    }
}

import SlipwayTensor

/// ONNX `CumSum`: running sums of `x` along the axis given by the scalar input `axis`. `exclusive = 1`
/// leaves each element out of its own sum; `reverse = 1` sums from the end of the axis.
///
/// Float16 and bfloat16 accumulate in float32. Integer sums wrap on overflow.
public struct CumSum: Operator {
    let exclusive: Bool
    let reverse: Bool

    static let allowedTypes: Set<DataType> = [.float32, .float64, .float16, .bfloat16, .int32, .int64, .uint32, .uint64]

    public init(_ config: OperatorConfiguration) throws {
        guard config.opsetVersion >= 11 else {
            throw EngineError(.unsupportedOperator, "CumSum does not exist before opset 11 (model imports \(config.opsetVersion))")
        }
        exclusive = try config.attributes.int("exclusive", default: 0) != 0
        reverse = try config.attributes.int("reverse", default: 0) != 0
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "x")
        let dataType = try inputs.dataType(0, "x")
        try requireType(dataType, in: Self.allowedTypes, "CumSum input 'x'")
        let axisFact = try inputs.fact(1, "axis")
        try requireType(try inputs.dataType(1, "axis"), in: [.int32, .int64], "CumSum input 'axis'")
        if let shape = x.shape, let constant = axisFact.constantTensor {
            _ = try Self.axis(constant, rank: shape.count, error: EngineError.invalidModel)
        }
        return [ValueFact(dataType, shape: x.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "x")
        let axis = try Self.axis(try inputs.tensor(1, "axis"), rank: x.rank, error: EngineError.invalidInput)
        let (outer, n, inner) = reductionAxisSplit(x.shape, axis: axis)
        let storage = try CumSumKernel.cumulativeSum(
            x.storage, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse)
        return [.tensor(try Tensor(shape: x.shape, storage: storage))]
    }

    static func axis(_ tensor: Tensor, rank: Int, error: (String) -> EngineError) throws -> Int {
        guard let values = tensor.integers(), values.count == 1, let raw = values.first else {
            throw error("CumSum: input 'axis' must hold exactly one integer, got \(tensor)")
        }
        guard let axis = Shape.normalizeAxis(raw, rank: rank) else {
            throw error("CumSum: axis \(raw) is out of range for an input of rank \(rank)")
        }
        return axis
    }
}

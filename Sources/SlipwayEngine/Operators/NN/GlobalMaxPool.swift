import SlipwayTensor

/// ONNX `GlobalMaxPool`: the maximum of each spatial plane of `X [N, C, D...]`, giving `[N, C, 1, ...]`.
public struct GlobalMaxPool: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try NNGlobalPool.prepare(inputs, op: "GlobalMaxPool")
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try NNGlobalPool.run(inputs, op: "GlobalMaxPool", kind: .max)
    }
}

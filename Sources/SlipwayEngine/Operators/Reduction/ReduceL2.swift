/// ONNX `ReduceL2`: the Euclidean norm (square root of the sum of squares) of the input's elements along `axes`.
///
/// `axes` is an attribute before opset 18 and an optional input from it on; the reduced axes stay as
/// size 1 when `keepdims` is set (the default). An empty set gives 0.
public struct ReduceL2: Operator {
    let core: ReductionCore

    public init(_ config: OperatorConfiguration) throws {
        core = try ReductionCore(config, kind: .l2, axesInputSince: 18)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try core.prepare(inputs)
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs)
    }
}

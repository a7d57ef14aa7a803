/// ONNX `ReduceSum`: the sum of the input's elements along `axes`.
///
/// `axes` is an attribute before opset 13 and an optional input from it on; the reduced axes stay as
/// size 1 when `keepdims` is set (the default). An empty set sums to 0.
public struct ReduceSum: Operator {
    let core: ReductionCore

    public init(_ config: OperatorConfiguration) throws {
        core = try ReductionCore(config, kind: .sum, axesInputSince: 13)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try core.prepare(inputs)
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs)
    }
}

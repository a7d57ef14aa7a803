/// ONNX `ReduceMin`: the minimum of the input's elements along `axes`.
///
/// `axes` is an attribute before opset 18 and an optional input from it on; the reduced axes stay as
/// size 1 when `keepdims` is set (the default). NaN propagates; an empty set gives +inf or the type's maximum (true for bool).
public struct ReduceMin: Operator {
    let core: ReductionCore

    public init(_ config: OperatorConfiguration) throws {
        core = try ReductionCore(config, kind: .min, axesInputSince: 18)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try core.prepare(inputs)
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs)
    }
}

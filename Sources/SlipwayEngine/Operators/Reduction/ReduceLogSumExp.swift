/// ONNX `ReduceLogSumExp`: log Σ exp(x) of the input's elements, computed stably by shifting by the maximum along `axes` (an attribute before opset 18, an optional input from it on),
/// keeping the reduced axes as size 1 when `keepdims` is set. An empty set gives -inf.
public struct ReduceLogSumExp: Operator {
    let core: ReductionCore

    public init(_ config: OperatorConfiguration) throws {
        core = try ReductionCore(config, kind: .logSumExp, axesInputSince: 18)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try core.prepare(inputs)
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs)
    }
}

/// ONNX `ArgMin`: the int64 index of the smallest element along `axis` (default 0), keeping that axis as
/// size 1 when `keepdims` is set. Ties give the first index, or the last with `select_last_index` (opset 12+).
public struct ArgMin: Operator {
    let core: ArgReductionCore

    public init(_ config: OperatorConfiguration) throws {
        core = try ArgReductionCore(config, largest: false)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try core.prepare(inputs)
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs)
    }
}

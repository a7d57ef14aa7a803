/// ONNX `Identity`: its input, unchanged (any value kind: tensor, sequence, optional).
public struct Identity: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [try inputs.fact(0, "input")]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let value = inputs.first ?? nil else { throw EngineError.invalidInput("Identity needs an input") }
        return [value]
    }
}

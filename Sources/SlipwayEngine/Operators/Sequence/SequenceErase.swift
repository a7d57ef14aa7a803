import SlipwayTensor

/// ONNX `SequenceErase`: the sequence without the tensor at `position` (default: the last one).
public struct SequenceErase: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let sequence = try inputs.fact(0, "input_sequence")
        _ = try SequenceSupport.elementType(sequence, "input 'input_sequence'")
        try SequenceSupport.checkPosition(inputs.optionalFact(1))
        return [ValueFact(type: sequence.type)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        var sequence = try SequenceSupport.sequence(inputs, 0, "input_sequence")
        let count = sequence.elements.count
        guard count > 0 else { throw EngineError.invalidInput("cannot erase from an empty sequence") }
        let index = try inputs.optionalTensor(1).map { try SequenceSupport.position($0, count: count, upper: count - 1) } ?? count - 1
        sequence.elements.remove(at: index)
        return [.sequence(sequence)]
    }
}

import SlipwayTensor

/// ONNX `SequenceAt`: the tensor at `position` of the sequence (`-n...n-1`; negative counts from the back).
public struct SequenceAt: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let element = try SequenceSupport.elementType(try inputs.fact(0, "input_sequence"), "input 'input_sequence'")
        let position = try inputs.fact(1, "position")
        try SequenceSupport.checkPosition(position)
        return [ValueFact(element, shape: nil)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let sequence = try SequenceSupport.sequence(inputs, 0, "input_sequence")
        let count = sequence.elements.count
        let index = try SequenceSupport.position(try inputs.tensor(1, "position"), count: count, upper: count - 1)
        return [sequence.elements[index]]
    }
}

import SlipwayTensor

/// ONNX `SequenceLength`: the number of tensors in the sequence, as an int64 scalar.
public struct SequenceLength: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        _ = try SequenceSupport.elementType(try inputs.fact(0, "input_sequence"), "input 'input_sequence'")
        return [ValueFact(.int64, shape: [])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let sequence = try SequenceSupport.sequence(inputs, 0, "input_sequence")
        return [.tensor(Tensor(scalar: Int64(sequence.elements.count)))]
    }
}

import SlipwayTensor

/// ONNX `SequenceInsert`: the sequence with `tensor` inserted at `position` (default: appended).
/// Positions run from `-n` to `n` for a sequence of `n` tensors; negative ones count from the back.
public struct SequenceInsert: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let sequence = try inputs.fact(0, "input_sequence")
        let element = try SequenceSupport.elementType(sequence, "input 'input_sequence'")
        let d = try inputs.dataType(1, "tensor")
        guard d == element else {
            throw EngineError.invalidModel("input 'tensor' has type \(d) but the sequence holds \(element)")
        }
        try SequenceSupport.checkPosition(inputs.optionalFact(2))
        return [ValueFact(type: sequence.type)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        var sequence = try SequenceSupport.sequence(inputs, 0, "input_sequence")
        let tensor = try inputs.tensor(1, "tensor")
        guard sequence.elementType == .tensor(tensor.dataType) else {
            throw EngineError.invalidInput("input 'tensor' has type \(tensor.dataType) but the sequence holds \(sequence.elementType)")
        }
        let count = sequence.elements.count
        let index = try inputs.optionalTensor(2).map { try SequenceSupport.position($0, count: count, upper: count) } ?? count
        sequence.elements.insert(.tensor(tensor), at: index)
        return [.sequence(sequence)]
    }
}

import SlipwayTensor

/// ONNX `ConcatFromSequence`: joins the tensors of a sequence along `axis`, or, with `new_axis = 1`,
/// stacks them along a new axis inserted at `axis` (then `-r-1...r` for elements of rank `r`).
public struct ConcatFromSequence: Operator {
    public let axis: Int
    public let newAxis: Bool

    public init(_ config: OperatorConfiguration) throws {
        guard let axis = try config.attributes.int("axis") else {
            throw EngineError.invalidModel("ConcatFromSequence needs the attribute 'axis'")
        }
        let n = try config.attributes.int("new_axis", default: 0)
        guard n == 0 || n == 1 else { throw EngineError.invalidModel("attribute 'new_axis' must be 0 or 1, got \(n)") }
        self.axis = axis
        self.newAxis = n == 1
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let d = try SequenceSupport.elementType(try inputs.fact(0, "input_sequence"), "input 'input_sequence'")
        return [ValueFact(d, shape: nil)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let sequence = try SequenceSupport.sequence(inputs, 0, "input_sequence")
        var tensors: [Tensor] = []
        for (i, element) in sequence.elements.enumerated() {
            tensors.append(try ControlFlowValues.tensor(element, what: "sequence element \(i)"))
        }
        guard let first = tensors.first else {
            throw EngineError.invalidInput("input 'input_sequence' is empty; there is nothing to concatenate")
        }
        let rank = newAxis ? first.rank + 1 : first.rank
        guard let axis = Shape.normalizeAxis(axis, rank: rank) else {
            throw EngineError.invalidInput(
                "attribute 'axis' = \(self.axis) is out of range for \(newAxis ? "stacking" : "concatenating") tensors of shape \(first.shape)")
        }
        let result = newAxis ? try ControlFlowTensors.stack(tensors, axis: axis) : try ControlFlowTensors.concat(tensors, axis: axis)
        return [.tensor(result)]
    }
}

import SlipwayTensor

/// ONNX `SequenceConstruct`: a sequence of its input tensors, which must share one element type.
public struct SequenceConstruct: Operator {
    var elementType: DataType = .float32

    public init(_ config: OperatorConfiguration) throws {
        guard config.inputCount >= 1 else { throw EngineError.invalidModel("SequenceConstruct needs at least one input") }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let count = context.explicitInputCount
        guard count >= 1 else { throw EngineError.invalidModel("SequenceConstruct needs at least one input") }
        let first = try inputs.dataType(0, "inputs[0]")
        for i in 1..<max(count, 1) {
            let d = try inputs.dataType(i, "inputs[\(i)]")
            guard d == first else {
                throw EngineError.invalidModel("input \(i) has type \(d) but input 0 has \(first); a sequence holds one element type")
            }
        }
        elementType = first
        return [ValueFact(type: .sequence(.tensor(first)))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        var elements: [Value] = []
        for i in inputs.indices {
            let t = try inputs.tensor(i, "inputs[\(i)]")
            guard t.dataType == elementType else {
                throw EngineError.invalidInput("input \(i) has type \(t.dataType), expected \(elementType)")
            }
            elements.append(.tensor(t))
        }
        return [.sequence(SequenceValue(elementType: .tensor(elementType), elements: elements))]
    }
}

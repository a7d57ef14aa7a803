public import SlipwayTensor

/// ONNX `SequenceEmpty`: an empty sequence of tensors of type `dtype` (default float).
public struct SequenceEmpty: Operator {
    public let elementType: DataType

    public init(_ config: OperatorConfiguration) throws {
        let code = try config.attributes.int("dtype", default: 1)
        guard let d = SequenceSupport.dataType(onnxCode: code) else {
            throw EngineError.invalidModel("attribute 'dtype' = \(code) is not a supported tensor element type")
        }
        elementType = d
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [ValueFact(constant: .sequence(SequenceValue(elementType: .tensor(elementType), elements: [])))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        [.sequence(SequenceValue(elementType: .tensor(elementType), elements: []))]
    }
}

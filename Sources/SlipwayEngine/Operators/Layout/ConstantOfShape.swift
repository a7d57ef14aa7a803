import SlipwayTensor

/// ONNX `ConstantOfShape`: a tensor of the shape given by the 1-D int64 input, every element equal to
/// the one-element `value` attribute (default: float32 zero).
public struct ConstantOfShape: Operator {
    let value: Tensor

    public init(_ config: OperatorConfiguration) throws {
        if let v = try config.attributes.tensor("value") {
            guard v.count == 1 else {
                throw EngineError.invalidModel("ConstantOfShape: attribute 'value' must hold one element, it has \(v.count)")
            }
            value = v
        } else {
            value = Tensor(scalar: Float(0))
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let shapeType = try inputs.dataType(0, "input")
        try requireType(shapeType, in: LayoutSupport.indexTypes, "ConstantOfShape: input 'input'")
        if let shape = LayoutSupport.constantIntegers(inputs.optionalFact(0)) {
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw EngineError.invalidModel("ConstantOfShape: shape \(shape) has a negative dimension")
            }
            return [ValueFact(value.dataType, shape: LayoutSupport.dims(shape))]
        }
        if let n = inputs.optionalFact(0)?.shape?.first?.value {
            return [ValueFact(value.dataType, shape: Array(repeating: .unknown, count: n))]
        }
        return [ValueFact(value.dataType, shape: nil)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let shape = try LayoutSupport.integers(try inputs.tensor(0, "input"), "ConstantOfShape: input 'input'")
        let count = try LayoutSupport.checkedCount(shape, op: "ConstantOfShape")
        return [.tensor(Tensor(uncheckedShape: shape, storage: try LayoutSupport.repeated(value, count: count)))]
    }
}

import SlipwayTensor

/// ONNX `Size`: the input's element count as an int64 scalar (a load-time constant when the shape is known).
public struct Size: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let fact = try inputs.fact(0, "data")
        guard fact.dataType != nil else {
            throw EngineError.invalidModel("Size: input 'data' must be a tensor, got \(fact.type)")
        }
        if let shape = fact.concreteShape, let count = Shape.elementCount(shape) {
            return [ValueFact(constant: .tensor(Tensor(scalar: Int64(count))))]
        }
        return [ValueFact(.int64, shape: [])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        return [.tensor(Tensor(scalar: Int64(data.count)))]
    }
}

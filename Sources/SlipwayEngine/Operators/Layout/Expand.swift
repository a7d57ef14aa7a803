import SlipwayTensor

/// ONNX `Expand`: broadcasts the input to `shape` numpy-style (the result has the broadcast of both
/// shapes, so a 1 in `shape` keeps the input's dimension).
///
/// A strided copy with zero strides on the broadcast axes.
public struct Expand: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        let shapeType = try inputs.dataType(1, "shape")
        try requireType(shapeType, in: LayoutSupport.indexTypes, "Expand: input 'shape'")
        guard let requested = LayoutSupport.constantIntegers(inputs.optionalFact(1)) else {
            if let rank = inputs.optionalFact(0)?.rank, let n = inputs.optionalFact(1)?.shape?.first?.value {
                return [ValueFact(dataType, shape: Array(repeating: .unknown, count: max(rank, n)))]
            }
            return [ValueFact(dataType, shape: nil)]
        }
        guard let input = inputs.optionalFact(0)?.shape else {
            return [ValueFact(dataType, shape: nil)]
        }
        guard let out = Dim.broadcast([input, LayoutSupport.dims(requested)]) else {
            throw EngineError.invalidModel("Expand: input shape \(input) cannot be broadcast to \(requested)")
        }
        return [ValueFact(dataType, shape: out)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        let requested = try LayoutSupport.integers(try inputs.tensor(1, "shape"), "Expand: input 'shape'")
        guard requested.allSatisfy({ $0 >= 0 }), let target = Shape.broadcast(input.shape, requested) else {
            throw EngineError.invalidInput("Expand: input shape \(input.shape) cannot be broadcast to \(requested)")
        }
        if target == input.shape { return [.tensor(input)] }
        let strides = Shape.broadcastStrides(input.shape, to: target)
        return [.tensor(try LayoutStridedCopy.copy(input, offset: 0, shape: target, strides: strides))]
    }
}

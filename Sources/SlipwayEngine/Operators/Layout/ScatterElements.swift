import SlipwayTensor

/// ONNX `ScatterElements` (and the deprecated `Scatter`, opsets 9-10): a copy of `data` where each
/// element of `updates` is written at the position of the matching element of `indices`, with its
/// coordinate along `axis` replaced by the index; `reduction` (opset 16+: add, mul; 18+: max, min)
/// combines it with the value already there instead of overwriting it.
public struct ScatterElements: Operator {
    let axis: Int
    let reduction: LayoutScatterReduction

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: 0)
        reduction = try LayoutScatterReduction(config, op: "ScatterElements")
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        _ = try inputs.fact(1, "indices")
        try LayoutSupport.requireIndexType(inputs, 1, "indices", op: "ScatterElements")
        let updatesType = try inputs.dataType(2, "updates")
        guard updatesType == dataType else {
            throw EngineError.invalidModel("ScatterElements: input 'updates' has type \(updatesType), 'data' has \(dataType)")
        }
        try reduction.check(dataType, op: "ScatterElements")
        let shape = inputs.optionalFact(0)?.shape
        if let shape { _ = try LayoutSupport.normalizeAxis(axis, rank: shape.count, op: "ScatterElements") }
        return [ValueFact(dataType, shape: shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let indicesTensor = try inputs.tensor(1, "indices")
        let updates = try inputs.tensor(2, "updates")
        guard updates.shape == indicesTensor.shape else {
            throw EngineError.invalidInput("ScatterElements: 'updates' has shape \(updates.shape), 'indices' has \(indicesTensor.shape)")
        }
        let indices = try LayoutSupport.integers(indicesTensor, "ScatterElements: input 'indices'")
        let starts = try GatherElements.offsets(
            dataShape: data.shape, indicesShape: indicesTensor.shape, indices: indices, axis: axis, op: "ScatterElements")
        let storage = try reduction.apply(data.storage, updates: updates.storage, starts: starts, length: 1, op: "ScatterElements")
        return [.tensor(Tensor(uncheckedShape: data.shape, storage: storage))]
    }
}

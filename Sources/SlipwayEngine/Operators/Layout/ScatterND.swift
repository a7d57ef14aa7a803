import SlipwayTensor

/// ONNX `ScatterND`: a copy of `data` where the slices addressed by the index tuples in the last axis
/// of `indices` are replaced by (or, with `reduction`, combined with) the matching slices of `updates`.
///
/// `updates` has shape `indices.shape[..<q-1] + data.shape[k...]` where `k` is the tuple length.
public struct ScatterND: Operator {
    let reduction: LayoutScatterReduction

    public init(_ config: OperatorConfiguration) throws {
        reduction = try LayoutScatterReduction(config, op: "ScatterND")
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        let indexType = try inputs.dataType(1, "indices")
        guard indexType == .int64 || indexType == .int32 else {
            throw EngineError.invalidModel("ScatterND: input 'indices' has type \(indexType), expected int64")
        }
        let updatesType = try inputs.dataType(2, "updates")
        guard updatesType == dataType else {
            throw EngineError.invalidModel("ScatterND: input 'updates' has type \(updatesType), 'data' has \(dataType)")
        }
        try reduction.check(dataType, op: "ScatterND")
        return [ValueFact(dataType, shape: inputs.optionalFact(0)?.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let indicesTensor = try inputs.tensor(1, "indices")
        let updates = try inputs.tensor(2, "updates")
        let indices = try LayoutSupport.integers(indicesTensor, "ScatterND: input 'indices'")
        let (starts, length, shape) = try GatherND.locate(
            dataShape: data.shape, indicesShape: indicesTensor.shape, indices: indices, batchDims: 0, op: "ScatterND")
        guard updates.shape == shape else {
            throw EngineError.invalidInput("ScatterND: 'updates' has shape \(updates.shape), expected \(shape)")
        }
        let storage = try reduction.apply(data.storage, updates: updates.storage, starts: starts, length: length, op: "ScatterND")
        return [.tensor(Tensor(uncheckedShape: data.shape, storage: storage))]
    }
}

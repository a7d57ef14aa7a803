import SlipwayTensor

/// ONNX `GatherElements`: `output[i...] = data[i... with axis coordinate replaced by indices[i...]]`;
/// `indices` has the rank of `data`, and the output has the shape of `indices`.
public struct GatherElements: Operator {
    let axis: Int

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: 0)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        _ = try inputs.fact(1, "indices")
        try LayoutSupport.requireIndexType(inputs, 1, "indices", op: "GatherElements")
        let indices = inputs.optionalFact(1)?.shape
        if let data = inputs.optionalFact(0)?.shape {
            _ = try LayoutSupport.normalizeAxis(axis, rank: data.count, op: "GatherElements")
            if let indices, indices.count != data.count {
                throw EngineError.invalidModel("GatherElements: 'indices' has rank \(indices.count), 'data' has rank \(data.count)")
            }
        }
        return [ValueFact(dataType, shape: indices)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let indicesTensor = try inputs.tensor(1, "indices")
        let indices = try LayoutSupport.integers(indicesTensor, "GatherElements: input 'indices'")
        let starts = try Self.offsets(dataShape: data.shape, indicesShape: indicesTensor.shape, indices: indices, axis: axis, op: "GatherElements")
        let storage = try LayoutIndexKernels.gatherBlocks(data.storage, starts: starts, length: 1)
        return [.tensor(Tensor(uncheckedShape: indicesTensor.shape, storage: storage))]
    }

    /// The flat offset in `data` of every element addressed by `indices` along `axis` (shared with ScatterElements).
    static func offsets(dataShape: [Int], indicesShape: [Int], indices: [Int], axis: Int, op: String) throws -> [Int] {
        guard dataShape.count == indicesShape.count else {
            throw EngineError.invalidInput("\(op): 'indices' has shape \(indicesShape), whose rank differs from data shape \(dataShape)")
        }
        let a = try LayoutSupport.normalizeAxis(axis, rank: dataShape.count, op: op, code: .invalidInput)
        for (k, (n, d)) in zip(indicesShape, dataShape).enumerated() where k != a && n > d {
            throw EngineError.invalidInput("\(op): 'indices' shape \(indicesShape) exceeds data shape \(dataShape) on axis \(k)")
        }
        let strides = Shape.strides(dataShape)
        let size = dataShape[a]
        let rank = dataShape.count
        var index = [Int](repeating: 0, count: rank)
        var base = 0
        var result = indices
        for (k, i) in indices.enumerated() {
            guard i >= -size, i < size else {
                throw EngineError.invalidInput("\(op): index \(i) is out of range for axis \(a) of size \(size)")
            }
            result[k] = base + (i < 0 ? i + size : i) * strides[a]
            var axisToAdvance = rank - 1
            while axisToAdvance >= 0 {
                index[axisToAdvance] += 1
                if axisToAdvance != a { base += strides[axisToAdvance] }
                if index[axisToAdvance] < indicesShape[axisToAdvance] { break }
                if axisToAdvance != a { base -= strides[axisToAdvance] * indicesShape[axisToAdvance] }
                index[axisToAdvance] = 0
                axisToAdvance -= 1
            }
        }
        return result
    }
}

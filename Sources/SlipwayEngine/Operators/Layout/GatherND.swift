import SlipwayTensor

/// ONNX `GatherND`: slices of `data` addressed by the index tuples in the last axis of `indices`;
/// the first `batch_dims` axes (opset 12+) are shared batch axes of both inputs.
///
/// Output shape: `indices.shape[..<q-1] + data.shape[batch_dims + k...]` where `k` is the tuple length.
public struct GatherND: Operator {
    let batchDims: Int

    public init(_ config: OperatorConfiguration) throws {
        batchDims = config.opsetVersion >= 12 ? try config.attributes.int("batch_dims", default: 0) : 0
        guard batchDims >= 0 else { throw EngineError.invalidModel("GatherND: batch_dims \(batchDims) must be >= 0") }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        let indexType = try inputs.dataType(1, "indices")
        guard indexType == .int64 || indexType == .int32 else {
            throw EngineError.invalidModel("GatherND: input 'indices' has type \(indexType), expected int64")
        }
        guard let data = inputs.optionalFact(0)?.shape, let indices = inputs.optionalFact(1)?.shape else {
            return [ValueFact(dataType, shape: nil)]
        }
        guard indices.count >= 1, data.count >= 1, batchDims < min(data.count, indices.count) else {
            throw EngineError.invalidModel(
                "GatherND: batch_dims \(batchDims) needs data and indices of higher rank (\(data.count), \(indices.count))")
        }
        guard let k = indices[indices.count - 1].value else { return [ValueFact(dataType, shape: nil)] }
        guard k <= data.count - batchDims else {
            throw EngineError.invalidModel("GatherND: index tuples of length \(k) do not fit data of rank \(data.count) with batch_dims \(batchDims)")
        }
        return [ValueFact(dataType, shape: Array(indices.dropLast()) + Array(data[(batchDims + k)...]))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let indicesTensor = try inputs.tensor(1, "indices")
        let indices = try LayoutSupport.integers(indicesTensor, "GatherND: input 'indices'")
        let (starts, length, shape) = try Self.locate(
            dataShape: data.shape, indicesShape: indicesTensor.shape, indices: indices, batchDims: batchDims, op: "GatherND")
        let storage = try LayoutIndexKernels.gatherBlocks(data.storage, starts: starts, length: length)
        return [.tensor(Tensor(uncheckedShape: shape, storage: storage))]
    }

    /// The flat start of every addressed slice, the slice length and the gathered shape (shared with ScatterND).
    static func locate(dataShape: [Int], indicesShape: [Int], indices: [Int], batchDims: Int, op: String) throws
        -> (starts: [Int], length: Int, shape: [Int])
    {
        let q = indicesShape.count
        let r = dataShape.count
        guard q >= 1, r >= 1, batchDims < min(q, r) else {
            throw EngineError.invalidInput("\(op): batch_dims \(batchDims) needs data and indices of higher rank (\(r), \(q))")
        }
        let k = indicesShape[q - 1]
        guard k >= 0, k <= r - batchDims else {
            throw EngineError.invalidInput("\(op): index tuples of length \(k) do not fit data of shape \(dataShape) with batch_dims \(batchDims)")
        }
        guard Array(indicesShape[..<batchDims]) == Array(dataShape[..<batchDims]) else {
            throw EngineError.invalidInput("\(op): batch dimensions of indices \(indicesShape) and data \(dataShape) differ")
        }
        let strides = Shape.strides(dataShape)
        let length = dataShape[(batchDims + k)...].reduce(1, *)
        let batchCount = dataShape[..<batchDims].reduce(1, *)
        let batchStride = dataShape[batchDims...].reduce(1, *)
        let tuplesPerBatch = indicesShape[batchDims..<(q - 1)].reduce(1, *)
        var starts: [Int] = []
        var position = 0
        for b in 0..<batchCount {
            for _ in 0..<tuplesPerBatch {
                var offset = b * batchStride
                for m in 0..<k {
                    let size = dataShape[batchDims + m]
                    let i = indices[position + m]
                    guard i >= -size, i < size else {
                        throw EngineError.invalidInput("\(op): index \(i) is out of range for axis \(batchDims + m) of size \(size)")
                    }
                    offset += (i < 0 ? i + size : i) * strides[batchDims + m]
                }
                starts.append(offset)
                position += k
            }
        }
        return (starts, length, Array(indicesShape.dropLast()) + Array(dataShape[(batchDims + k)...]))
    }
}

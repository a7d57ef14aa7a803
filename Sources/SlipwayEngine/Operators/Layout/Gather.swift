import SlipwayTensor

/// ONNX `Gather`: picks entries of `data` along `axis` at `indices` (negative indices count from the
/// end); the output shape is `data[..<axis] + indices.shape + data[axis+1...]`.
///
/// Each picked entry is one contiguous block of the inner dimensions, copied whole.
public struct Gather: Operator {
    let axis: Int

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: 0)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        _ = try inputs.fact(1, "indices")
        try LayoutSupport.requireIndexType(inputs, 1, "indices", op: "Gather")
        guard let data = inputs.optionalFact(0)?.shape, let indices = inputs.optionalFact(1)?.shape else {
            return [ValueFact(dataType, shape: nil)]
        }
        let a = try LayoutSupport.normalizeAxis(axis, rank: data.count, op: "Gather")
        if let constant = LayoutSupport.constantIntegers(inputs.optionalFact(1)), let size = data[a].value {
            for i in constant where i < -size || i >= size {
                throw EngineError.invalidModel("Gather: index \(i) is out of range for axis \(a) of size \(size)")
            }
        }
        return [ValueFact(dataType, shape: Array(data[..<a]) + indices + Array(data[(a + 1)...]))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let indicesTensor = try inputs.tensor(1, "indices")
        let indices = try LayoutSupport.integers(indicesTensor, "Gather: input 'indices'")
        let a = try LayoutSupport.normalizeAxis(axis, rank: data.rank, op: "Gather", code: .invalidInput)
        let size = data.shape[a]
        let outer = data.shape[..<a].reduce(1, *)
        let inner = data.shape[(a + 1)...].reduce(1, *)
        var normalized = indices
        for (k, i) in indices.enumerated() {
            guard i >= -size, i < size else {
                throw EngineError.invalidInput("Gather: index \(i) is out of range for axis \(a) of size \(size)")
            }
            normalized[k] = i < 0 ? i + size : i
        }
        var starts: [Int] = []
        for o in 0..<outer {
            let base = o * size
            for i in normalized { starts.append((base + i) * inner) }
        }
        let shape = Array(data.shape[..<a]) + indicesTensor.shape + Array(data.shape[(a + 1)...])
        let storage = try LayoutIndexKernels.gatherBlocks(data.storage, starts: starts, length: inner)
        return [.tensor(Tensor(uncheckedShape: shape, storage: storage))]
    }
}

import SlipwayTensor

/// ONNX `MaxPool`: the maximum over each sliding window of the spatial axes of `X [N, C, D...]` (padding
/// never wins), with strides, pads, auto_pad, dilations and ceil_mode, and the optional `Indices` output:
/// the flat index of each maximum in X (spatial part row-major, or column-major with `storage_order` 1).
public struct MaxPool: Operator {
    let opset: Int
    var pooling: NNPooling
    let storageOrder: Int
    let outputCount: Int
    /// Whether the model reads `Indices` (decided in prepare; computing them costs a little).
    var wantsIndices = true

    public init(_ config: OperatorConfiguration) throws {
        opset = config.opsetVersion
        pooling = try NNPooling(config, allowDilations: opset >= 10, allowCeilMode: opset >= 10)
        storageOrder = try config.attributes.int("storage_order", default: 0)
        outputCount = config.outputCount
        guard storageOrder == 0 || storageOrder == 1 else {
            throw EngineError.invalidModel("MaxPool: attribute 'storage_order' must be 0 or 1, got \(storageOrder)")
        }
        if opset < 8 && config.outputCount > 1 {
            throw EngineError.invalidModel("MaxPool-\(opset) has one output; 'Indices' needs opset 8")
        }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        var allowed = Set<DataType>.nnFloat
        if opset >= 12 { allowed.formUnion([.int8, .uint8]) }
        try requireType(dataType, in: allowed, "MaxPool input 'X'")
        let shape = try pooling.prepare(try inputs.fact(0, "X"), op: "MaxPool")
        wantsIndices = context.outputsUsed.count > 1 && context.outputsUsed[1]
        return [ValueFact(dataType, shape: shape), ValueFact(.int64, shape: shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let plan = try pooling.plan(for: x.shape, op: "MaxPool")
        let planes = x.shape[0] * x.shape[1]
        let outputShape = Array(x.shape.prefix(2)) + plan.geometry.output
        let withIndices = wantsIndices
        let storage: TensorStorage
        let indices: [Int]
        switch x.storage {
        case .float32(let a):
            if !withIndices, let y = try NNPoolKernels.maxFloat2D(a, planes: planes, geometry: plan.geometry) {
                (storage, indices) = (.float32(y), [])
            } else {
                (storage, indices) = try wrap(NNPoolKernels.max(a, planes: planes, plan: plan, lowest: -Float.infinity, withIndices: withIndices))
            }
        case .float64(let a):
            (storage, indices) = try wrap(NNPoolKernels.max(a, planes: planes, plan: plan, lowest: -Double.infinity, withIndices: withIndices))
        case .float16, .bfloat16:
            let (y, i) = try NNPoolKernels.max(
                try NNFloat.values(x, as: Float.self), planes: planes, plan: plan, lowest: -Float.infinity, withIndices: withIndices)
            (storage, indices) = (NNFloat.storage(y, as: x.dataType), i)
        case .int8(let a): (storage, indices) = try wrap(NNPoolKernels.max(a, planes: planes, plan: plan, lowest: .min, withIndices: withIndices))
        case .uint8(let a): (storage, indices) = try wrap(NNPoolKernels.max(a, planes: planes, plan: plan, lowest: .min, withIndices: withIndices))
        default: throw EngineError.invalidInput("MaxPool does not support type \(x.dataType)")
        }
        var result: [Value] = [.tensor(Tensor(uncheckedShape: outputShape, storage: storage))]
        guard outputCount > 1 else { return result }
        let converted =
            !withIndices
            ? [Int](repeating: 0, count: Shape.elementCount(outputShape) ?? 0)
            : storageOrder == 0 ? indices : columnMajor(indices, input: plan.geometry.input)
        result.append(.tensor(Tensor(uncheckedShape: outputShape, storage: .int64(converted.map { Int64($0) }))))
        return result
    }

    private func wrap<T: TensorElement>(_ pair: ([T], [Int])) -> (TensorStorage, [Int]) { (T.wrap(pair.0), pair.1) }

    /// Re-expresses flat row-major indices with the spatial part in column-major order.
    private func columnMajor(_ indices: [Int], input: [Int]) -> [Int] {
        let size = input.reduce(1, *)
        let rowStrides = Shape.strides(input)
        var columnStrides = [Int](repeating: 1, count: input.count)
        for i in 1..<max(input.count, 1) { columnStrides[i] = columnStrides[i - 1] * input[i - 1] }
        return indices.map { index in
            var rest = index % size
            var converted = 0
            for axis in 0..<input.count {
                converted += (rest / rowStrides[axis]) * columnStrides[axis]
                rest %= rowStrides[axis]
            }
            return index - index % size + converted
        }
    }
}

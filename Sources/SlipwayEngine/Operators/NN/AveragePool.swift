import SlipwayTensor

/// ONNX `AveragePool`: the mean over each sliding window of the spatial axes of `X [N, C, D...]`, with
/// strides, pads, auto_pad, dilations (opset 19+), ceil_mode (opset 10+) and count_include_pad (whether
/// padding counts in the divisor).
public struct AveragePool: Operator {
    var pooling: NNPooling
    let countIncludePad: Bool

    public init(_ config: OperatorConfiguration) throws {
        let opset = config.opsetVersion
        pooling = try NNPooling(config, allowDilations: opset >= 19, allowCeilMode: opset >= 10)
        countIncludePad = try config.attributes.int("count_include_pad", default: 0) != 0
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .nnFloat, "AveragePool input 'X'")
        return [ValueFact(dataType, shape: try pooling.prepare(try inputs.fact(0, "X"), op: "AveragePool"))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let plan = try pooling.plan(for: x.shape, op: "AveragePool")
        let planes = x.shape[0] * x.shape[1]
        let storage: TensorStorage
        if x.dataType == .float64 {
            storage = .float64(
                try NNPoolKernels.average(try NNFloat.values(x, as: Double.self), planes: planes, plan: plan, countIncludePad: countIncludePad))
        } else {
            let y = try NNPoolKernels.average(try NNFloat.values(x, as: Float.self), planes: planes, plan: plan, countIncludePad: countIncludePad)
            storage = NNFloat.storage(y, as: x.dataType)
        }
        return [.tensor(Tensor(uncheckedShape: Array(x.shape.prefix(2)) + plan.geometry.output, storage: storage))]
    }
}

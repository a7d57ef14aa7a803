import SlipwayTensor

/// ONNX `LpPool`: the p-norm `(Σ |x|^p)^(1/p)` over each sliding window of the spatial axes of
/// `X [N, C, D...]` (padding counts as zero), with strides, pads, auto_pad, and dilations/ceil_mode
/// from opset 18.
public struct LpPool: Operator {
    var pooling: NNPooling
    let p: Int

    public init(_ config: OperatorConfiguration) throws {
        let opset = config.opsetVersion
        pooling = try NNPooling(config, allowDilations: opset >= 18, allowCeilMode: opset >= 18)
        let value = opset < 2 ? Int(try config.attributes.float("p", default: 2)) : try config.attributes.int("p", default: 2)
        guard value >= 1 else { throw EngineError.invalidModel("LpPool: attribute 'p' must be >= 1, got \(value)") }
        p = value
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .nnFloat, "LpPool input 'X'")
        return [ValueFact(dataType, shape: try pooling.prepare(try inputs.fact(0, "X"), op: "LpPool"))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let plan = try pooling.plan(for: x.shape, op: "LpPool")
        let planes = x.shape[0] * x.shape[1]
        let storage: TensorStorage
        if x.dataType == .float64 {
            storage = .float64(try NNPoolKernels.lpNorm(try NNFloat.values(x, as: Double.self), planes: planes, plan: plan, p: p))
        } else {
            storage = NNFloat.storage(
                try NNPoolKernels.lpNorm(try NNFloat.values(x, as: Float.self), planes: planes, plan: plan, p: p), as: x.dataType)
        }
        return [.tensor(Tensor(uncheckedShape: Array(x.shape.prefix(2)) + plan.geometry.output, storage: storage))]
    }
}

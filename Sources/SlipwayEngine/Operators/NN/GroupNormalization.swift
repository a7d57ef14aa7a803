import SlipwayTensor

/// ONNX `GroupNormalization`: the channels of `X [N, C, D...]` split into `num_groups` groups; each
/// `(n, group)` block is normalised by its mean and variance, then scaled and shifted per channel
/// (opset 21: `scale`/`bias` of length C) or per group (opset 18: length `num_groups`).
public struct GroupNormalization: Operator {
    let opset: Int
    let epsilon: Float
    let groups: Int

    public init(_ config: OperatorConfiguration) throws {
        opset = config.opsetVersion
        epsilon = try config.attributes.float("epsilon", default: 1e-5)
        guard let groups = try config.attributes.int("num_groups"), groups >= 1 else {
            throw EngineError.invalidModel("GroupNormalization: attribute 'num_groups' is required and must be >= 1")
        }
        self.groups = groups
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .nnFloat, "GroupNormalization input 'X'")
        for (i, name) in [(1, "scale"), (2, "bias")] {
            let t = try inputs.dataType(i, name)
            guard t == dataType else { throw EngineError.invalidModel("GroupNormalization input '\(name)' has type \(t), expected \(dataType)") }
        }
        let shape = try NNShape.requireRank(try inputs.fact(0, "X"), atLeast: 2, "GroupNormalization input 'X'")
        if let c = shape?[1].value, c % groups != 0 {
            throw EngineError.invalidModel("GroupNormalization: \(c) channels are not divisible by num_groups \(groups)")
        }
        return [ValueFact(dataType, shape: shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X"), scale = try inputs.tensor(1, "scale"), bias = try inputs.tensor(2, "bias")
        guard x.rank >= 2 else { throw EngineError.invalidInput("GroupNormalization: input must have rank >= 2, got \(x.shape)") }
        let channels = x.shape[1]
        guard channels % groups == 0 else {
            throw EngineError.invalidInput("GroupNormalization: \(channels) channels are not divisible by num_groups \(groups)")
        }
        let perChannel = opset >= 21
        let expected = perChannel ? channels : groups
        guard scale.count == expected, bias.count == expected else {
            throw EngineError.invalidInput("GroupNormalization: 'scale' and 'bias' need \(expected) values, got \(scale.count) and \(bias.count)")
        }
        struct Body: NNFloatComputation {
            let x: Tensor, scale: Tensor, bias: Tensor, epsilon: Float, groups: Int, perChannel: Bool
            func compute<T: NNReal>(_ type: T.Type) throws -> [T] {
                let values = try NNFloat.values(x, as: T.self)
                let n = x.shape[0], channels = x.shape[1], size = x.shape.dropFirst(2).reduce(1, *)
                let perGroup = channels / groups
                let s = try NNFloat.values(scale, as: T.self), b = try NNFloat.values(bias, as: T.self)
                let stats = try NNNormalizationKernels.statistics(values, rows: n * groups, size: perGroup * size, epsilon: T(epsilon))
                let rows = n * channels
                var a = [T](repeating: 0, count: rows), shift = [T](repeating: 0, count: rows)
                for r in 0..<rows {
                    let image = r / channels, c = r % channels, g = c / perGroup
                    let k = perChannel ? c : g
                    let statistic = image * groups + g
                    a[r] = stats.invStdDev[statistic] * s[k]
                    shift[r] = b[k] - stats.mean[statistic] * a[r]
                }
                return try NNNormalizationKernels.channelAffine(values, rows: rows, size: size, a: a, b: shift)
            }
        }
        let body = Body(x: x, scale: scale, bias: bias, epsilon: epsilon, groups: groups, perChannel: perChannel)
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: try NNFloat.run(body, as: x.dataType)))]
    }
}

import SlipwayTensor

/// ONNX `InstanceNormalization`: each `(n, c)` plane of `X [N, C, D...]` normalised by its own mean and
/// variance, then `· scale[c] + B[c]`.
public struct InstanceNormalization: Operator {
    let epsilon: Float

    public init(_ config: OperatorConfiguration) throws {
        epsilon = try config.attributes.float("epsilon", default: 1e-5)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        try requireType(dataType, in: .nnFloat, "InstanceNormalization input 'input'")
        for (i, name) in [(1, "scale"), (2, "B")] {
            let t = try inputs.dataType(i, name)
            guard t == dataType else { throw EngineError.invalidModel("InstanceNormalization input '\(name)' has type \(t), expected \(dataType)") }
        }
        let shape = try NNShape.requireRank(try inputs.fact(0, "input"), atLeast: 3, "InstanceNormalization input 'input'")
        return [ValueFact(dataType, shape: shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "input"), scale = try inputs.tensor(1, "scale"), bias = try inputs.tensor(2, "B")
        guard x.rank >= 3 else { throw EngineError.invalidInput("InstanceNormalization: input must have rank >= 3, got \(x.shape)") }
        let channels = x.shape[1]
        guard scale.count == channels, bias.count == channels else {
            throw EngineError.invalidInput("InstanceNormalization: 'scale' and 'B' need \(channels) values, got \(scale.count) and \(bias.count)")
        }
        struct Body: NNFloatComputation {
            let x: Tensor, scale: Tensor, bias: Tensor, epsilon: Float
            func compute<T: NNReal>(_ type: T.Type) throws -> [T] {
                let values = try NNFloat.values(x, as: T.self)
                let channels = x.shape[1], rows = x.shape[0] * channels, size = x.shape.dropFirst(2).reduce(1, *)
                let s = try NNFloat.values(scale, as: T.self), b = try NNFloat.values(bias, as: T.self)
                let stats = try NNNormalizationKernels.statistics(values, rows: rows, size: size, epsilon: T(epsilon))
                var a = [T](repeating: 0, count: rows), shift = [T](repeating: 0, count: rows)
                for r in 0..<rows {
                    a[r] = stats.invStdDev[r] * s[r % channels]
                    shift[r] = b[r % channels] - stats.mean[r] * a[r]
                }
                return try NNNormalizationKernels.channelAffine(values, rows: rows, size: size, a: a, b: shift)
            }
        }
        let storage = try NNFloat.run(Body(x: x, scale: scale, bias: bias, epsilon: epsilon), as: x.dataType)
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: storage))]
    }
}

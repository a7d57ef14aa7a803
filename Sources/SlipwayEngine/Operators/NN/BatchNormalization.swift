import SlipwayTensor

/// ONNX `BatchNormalization`: per channel `Y = (X - mean) / sqrt(var + epsilon) · scale + B` on
/// `X [N, C, D...]`.
///
/// In inference mode mean/var are the `input_mean`/`input_var` inputs (folded into one multiply-add per
/// element). In training mode (`training_mode = 1`, opset 14+; or extra outputs before opset 14) they
/// are the batch statistics over N and the spatial axes, and the running statistics
/// `input · momentum + batch · (1 - momentum)` are returned as extra outputs.
public struct BatchNormalization: Operator {
    let opset: Int
    let epsilon: Float
    let momentum: Float
    let training: Bool
    let outputCount: Int

    public init(_ config: OperatorConfiguration) throws {
        opset = config.opsetVersion
        let a = config.attributes
        epsilon = try a.float("epsilon", default: 1e-5)
        momentum = try a.float("momentum", default: 0.9)
        outputCount = config.outputCount
        if opset >= 14 {
            training = try a.int("training_mode", default: 0) != 0
        } else {
            let isTest = try a.int("is_test", default: 0) != 0
            training = config.outputCount > 1 && !isTest
        }
        if opset < 9, try a.int("spatial", default: 1) == 0 {
            throw EngineError(.unsupportedOperator, "BatchNormalization: attribute 'spatial' = 0 (per-element statistics) is not supported")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: opset >= 14 ? .nnFloat : .nnFloatNoBF16, "BatchNormalization input 'X'")
        for (i, name) in [(1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")] {
            let t = try inputs.dataType(i, name)
            try requireType(t, in: .nnFloat, "BatchNormalization input '\(name)'")
        }
        let x = try inputs.fact(0, "X")
        let shape = try NNShape.requireRank(x, atLeast: 2, "BatchNormalization input 'X'")
        let channel: [Dim]? = shape.map { [$0[1]] }
        let statsType = try inputs.dataType(3, "input_mean")
        var facts = [ValueFact(dataType, shape: shape)]
        for _ in 1..<max(outputCount, 1) { facts.append(ValueFact(statsType, shape: channel)) }
        return facts
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        guard x.rank >= 2 else { throw EngineError.invalidInput("BatchNormalization: input 'X' must have rank >= 2, got \(x.shape)") }
        let channels = x.shape[1]
        var parameters: [Tensor] = []
        for (i, name) in [(1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")] {
            let t = try inputs.tensor(i, name)
            guard t.count == channels else {
                throw EngineError.invalidInput("BatchNormalization: input '\(name)' has \(t.count) values, expected \(channels) (one per channel)")
            }
            parameters.append(t)
        }
        let statsType = parameters[2].dataType
        if x.dataType == .float64 {
            let (y, extra) = try compute(try NNFloat.values(x, as: Double.self), shape: x.shape, parameters, as: Double.self)
            return [.tensor(Tensor(uncheckedShape: x.shape, storage: .float64(y)))]
                + extra.map { .tensor(Tensor(uncheckedShape: [channels], storage: NNFloat.storage($0, as: statsType))) }
        }
        let (y, extra) = try compute(try NNFloat.values(x, as: Float.self), shape: x.shape, parameters, as: Float.self)
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: NNFloat.storage(y, as: x.dataType)))]
            + extra.map { .tensor(Tensor(uncheckedShape: [channels], storage: NNFloat.storage($0, as: statsType))) }
    }

    func compute<T: NNReal>(_ x: [T], shape: [Int], _ parameters: [Tensor], as type: T.Type) throws -> ([T], [[T]]) {
        let n = shape[0], channels = shape[1], size = shape.dropFirst(2).reduce(1, *)
        let scale = try NNFloat.values(parameters[0], as: T.self)
        let bias = try NNFloat.values(parameters[1], as: T.self)
        var mean = try NNFloat.values(parameters[2], as: T.self)
        var variance = try NNFloat.values(parameters[3], as: T.self)
        var extra: [[T]] = [mean, variance, mean, variance]
        if training {
            var batchMean = [T](repeating: 0, count: channels), batchVar = [T](repeating: 0, count: channels)
            let count = T(n * size)
            for c in 0..<channels {
                var sum: T = 0
                for image in 0..<n {
                    let start = (image * channels + c) * size
                    for i in start..<(start + size) { sum += x[i] }
                }
                let m = count > 0 ? sum / count : 0
                var squares: T = 0
                for image in 0..<n {
                    let start = (image * channels + c) * size
                    for i in start..<(start + size) { squares += (x[i] - m) * (x[i] - m) }
                }
                batchMean[c] = m
                batchVar[c] = count > 0 ? squares / count : 0
            }
            let keep = T(momentum)
            let runningMean = zip(mean, batchMean).map { $0 * keep + $1 * (1 - keep) }
            let runningVar = zip(variance, batchVar).map { $0 * keep + $1 * (1 - keep) }
            extra = [runningMean, runningVar]
            if outputCount > 3 { extra += [batchMean, batchVar] }
            mean = batchMean
            variance = batchVar
        }
        let eps = T(epsilon)
        var a = [T](repeating: 0, count: channels), b = [T](repeating: 0, count: channels)
        for c in 0..<channels {
            a[c] = scale[c] / (variance[c] + eps).squareRoot()
            b[c] = bias[c] - mean[c] * a[c]
        }
        let y = try NNNormalizationKernels.channelAffine(x, rows: n * channels, size: size, a: a, b: b)
        return (y, Array(extra.prefix(max(outputCount - 1, 0))))
    }
}

import SlipwayTensor

/// ONNX `MeanVarianceNormalization`: `(X - mean) / (sqrt(variance) + 1e-9)` with mean and variance taken
/// over `axes` (default `[0, 2, 3]`).
public struct MeanVarianceNormalization: Operator {
    let opset: Int
    let axes: [Int]

    public init(_ config: OperatorConfiguration) throws {
        opset = config.opsetVersion
        axes = try config.attributes.ints("axes") ?? [0, 2, 3]
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: opset >= 13 ? .nnFloat : .nnFloatNoBF16, "MeanVarianceNormalization input 'X'")
        let fact = try inputs.fact(0, "X")
        if let rank = fact.rank {
            for axis in axes where Shape.normalizeAxis(axis, rank: rank) == nil {
                throw EngineError.invalidModel("MeanVarianceNormalization: axis \(axis) is out of range for rank \(rank)")
            }
        }
        return [ValueFact(dataType, shape: fact.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        var reduced = Set<Int>()
        for axis in axes {
            guard let a = Shape.normalizeAxis(axis, rank: x.rank) else {
                throw EngineError.invalidInput("MeanVarianceNormalization: axis \(axis) is out of range for shape \(x.shape)")
            }
            reduced.insert(a)
        }
        struct Body: NNFloatComputation {
            let x: Tensor, reduced: Set<Int>
            func compute<T: NNReal>(_ type: T.Type) throws -> [T] {
                let values = try NNFloat.values(x, as: T.self)
                let kept = x.shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
                let groups = kept.reduce(1, *)
                let count = T(values.count / max(groups, 1))
                let slots = Array(BroadcastIndexer(shape: kept, target: x.shape))
                var mean = [T](repeating: 0, count: groups)
                for (i, slot) in slots.enumerated() { mean[slot] += values[i] }
                for g in 0..<groups { mean[g] /= count }
                var variance = [T](repeating: 0, count: groups)
                for (i, slot) in slots.enumerated() {
                    let d = values[i] - mean[slot]
                    variance[slot] += d * d
                }
                let denominator = variance.map { ($0 / count).squareRoot() + T(1e-9) }
                var y = values
                for (i, slot) in slots.enumerated() { y[i] = (values[i] - mean[slot]) / denominator[slot] }
                return y
            }
        }
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: try NNFloat.run(Body(x: x, reduced: reduced), as: x.dataType)))]
    }
}

import SlipwayTensor

/// ONNX `LayerNormalization` (opset 17): `X` normalised over its trailing axes `[axis, rank)` by their mean
/// and variance, then `· Scale + B` (both broadcast to those axes). The optional outputs `Mean` and
/// `InvStdDev` have X's shape with the normalised axes set to 1.
///
/// Statistics are computed in float32 (`stash_type` 1) or float64 for double inputs.
public struct LayerNormalization: Operator {
    let axis: Int
    let epsilon: Float
    let outputCount: Int

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        axis = try a.int("axis", default: -1)
        epsilon = try a.float("epsilon", default: 1e-5)
        outputCount = config.outputCount
        let stash = try a.int("stash_type", default: 1)
        guard stash == 1 || stash == 11 else {
            throw EngineError(.unsupportedOperator, "LayerNormalization: stash_type \(stash) is not supported (float32 or float64 only)")
        }
    }

    static func statisticsType(_ dataType: DataType) -> DataType { dataType == .float64 ? .float64 : .float32 }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .nnFloat, "LayerNormalization input 'X'")
        let scaleType = try inputs.dataType(1, "Scale")
        guard scaleType == dataType else {
            throw EngineError.invalidModel("LayerNormalization input 'Scale' has type \(scaleType), expected \(dataType)")
        }
        if let b = inputs.optionalFact(2), b.dataType != dataType {
            throw EngineError.invalidModel("LayerNormalization input 'B' has type \(b.type), expected tensor(\(dataType))")
        }
        let shape = try inputs.fact(0, "X").shape
        var statsShape: [Dim]? = nil
        if let shape {
            guard let a = Shape.normalizeAxis(axis, rank: shape.count) else {
                throw EngineError.invalidModel("LayerNormalization: attribute 'axis' \(axis) is out of range for rank \(shape.count)")
            }
            statsShape = Array(shape[..<a]) + Array(repeating: .fixed(1), count: shape.count - a)
        }
        let statsType = Self.statisticsType(dataType)
        return [ValueFact(dataType, shape: shape), ValueFact(statsType, shape: statsShape), ValueFact(statsType, shape: statsShape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X"), scale = try inputs.tensor(1, "Scale")
        let bias = try inputs.optionalTensor(2)
        guard let a = Shape.normalizeAxis(axis, rank: x.rank) else {
            throw EngineError.invalidInput("LayerNormalization: axis \(axis) is out of range for shape \(x.shape)")
        }
        let normalized = Array(x.shape[a...])
        for (name, t) in [("Scale", scale), ("B", bias)] {
            guard let t else { continue }
            guard t.rank <= normalized.count, Shape.broadcast(t.shape, normalized) == normalized else {
                throw EngineError.invalidInput("LayerNormalization: '\(name)' of shape \(t.shape) does not broadcast to \(normalized)")
            }
        }
        let rows = x.shape[..<a].reduce(1, *)
        let statsShape = Array(x.shape[..<a]) + Array(repeating: 1, count: x.rank - a)
        let statsType = Self.statisticsType(x.dataType)
        if x.dataType == .float64 {
            let (y, mean, inv) = try compute(x, scale, bias, rows: rows, normalized: normalized, as: Double.self)
            return [
                .tensor(Tensor(uncheckedShape: x.shape, storage: .float64(y))),
                .tensor(Tensor(uncheckedShape: statsShape, storage: .float64(mean))),
                .tensor(Tensor(uncheckedShape: statsShape, storage: .float64(inv))),
            ]
        }
        let (y, mean, inv) = try compute(x, scale, bias, rows: rows, normalized: normalized, as: Float.self)
        return [
            .tensor(Tensor(uncheckedShape: x.shape, storage: NNFloat.storage(y, as: x.dataType))),
            .tensor(Tensor(uncheckedShape: statsShape, storage: NNFloat.storage(mean, as: statsType))),
            .tensor(Tensor(uncheckedShape: statsShape, storage: NNFloat.storage(inv, as: statsType))),
        ]
    }

    func compute<T: NNReal>(
        _ x: Tensor, _ scale: Tensor, _ bias: Tensor?, rows: Int, normalized: [Int], as type: T.Type
    ) throws -> ([T], [T], [T]) {
        let size = normalized.reduce(1, *)
        let values = try NNFloat.values(x, as: T.self)
        let stats = try NNNormalizationKernels.statistics(values, rows: rows, size: size, epsilon: T(epsilon))
        let s = try Self.expand(try NNFloat.values(scale, as: T.self), shape: scale.shape, to: normalized)
        let b = try bias.map { try Self.expand(try NNFloat.values($0, as: T.self), shape: $0.shape, to: normalized) }
        let y = try NNNormalizationKernels.normalizeRows(
            values, rows: rows, size: size, mean: stats.mean, invStdDev: stats.invStdDev, scale: s, bias: b)
        return (y, stats.mean, stats.invStdDev)
    }

    /// `values` of `shape` broadcast to `target` (no copy when the shapes already agree in size).
    static func expand<T: NNReal>(_ values: [T], shape: [Int], to target: [Int]) throws -> [T] {
        let count = target.reduce(1, *)
        if values.count == count { return values }
        return BroadcastIndexer(shape: shape, target: target).map { values[$0] }
    }
}

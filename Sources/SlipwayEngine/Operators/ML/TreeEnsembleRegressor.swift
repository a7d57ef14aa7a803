import SlipwayTensor

/// ONNX-ML `TreeEnsembleRegressor` (ai.onnx.ml 1 and 3): `[N, n_targets]` float scores of a tree ensemble,
/// computed as onnxruntime does.
///
/// Float and integer inputs are compared with float32 thresholds (`BRANCH_LEQ` is `x <= t`), double inputs
/// with float64 ones; leaf weights are aggregated per target (`aggregate_function`) in tree order, base values
/// are added and `post_transform` applied (with one target, only PROBIT, as onnxruntime does).
public struct TreeEnsembleRegressor: Operator {
    let attributes: Attributes
    let targetCount: Int
    let aggregate: MLAggregate
    let baseValues: [Double]
    let transform: MLPostTransform
    var floatModel: MLTreeModel<Float>?
    var doubleModel: MLTreeModel<Double>?

    static let op = "TreeEnsembleRegressor"

    public init(_ config: OperatorConfiguration) throws {
        let op = Self.op
        guard (1...5).contains(config.opsetVersion) else {
            throw EngineError(.unsupportedOperator, "\(op) is not defined for ai.onnx.ml opset \(config.opsetVersion)")
        }
        let a = config.attributes
        attributes = a
        targetCount = try a.int("n_targets", default: 0)
        guard targetCount > 0 else { throw EngineError.invalidModel("\(op): attribute 'n_targets' must be positive, got \(targetCount)") }
        aggregate = try MLAggregate(name: try a.mlString("aggregate_function", default: "SUM"), op: op)
        transform = try MLPostTransform(name: try a.mlString("post_transform", default: "NONE"), op: op)
        baseValues = try a.mlValues("base_values", op: op) ?? []
        guard baseValues.isEmpty || baseValues.count == targetCount else {
            throw EngineError.invalidModel("\(op): 'base_values' must have 0 or \(targetCount) values, got \(baseValues.count)")
        }
        floatModel = try MLTreeBuilder<Float>.fromV3(a, op: op, weightPrefix: "target", targetCount: targetCount)
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        if type == .float64, doubleModel == nil {
            doubleModel = try MLTreeBuilder<Double>.fromV3(attributes, op: Self.op, weightPrefix: "target", targetCount: targetCount)
            floatModel = nil
        }
        return [ValueFact(.float32, shape: [MLRows.rowDim(x.shape), .fixed(targetCount)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let g = try MLRows(x.shape, op: Self.op)
        let out: [Float]
        if case .float64(let values) = x.storage {
            let model =
                try doubleModel
                ?? MLTreeBuilder<Double>.fromV3(
                    attributes, op: Self.op, weightPrefix: "target", targetCount: targetCount)
            out = try context.rowChunks(rows: g.rows, minimumRows: Self.minimumRowsPerThread) { range in
                let (xs, gs) = g.slice(values, range)
                return try regress(model, xs, gs)
            }
        } else {
            guard let model = floatModel else { throw EngineError.runtime("\(Self.op): no float model prepared") }
            let values = try MLConvert.floats(x, op: Self.op)
            out = try context.rowChunks(rows: g.rows, minimumRows: Self.minimumRowsPerThread) { range in
                let (xs, gs) = g.slice(values, range)
                return try regress(model, xs, gs)
            }
        }
        return [.tensor(Tensor(uncheckedShape: [g.rows, targetCount], storage: .float32(out)))]
    }

    /// Rows below which a piece is not worth a thread (`RunContext.threads`).
    static let minimumRowsPerThread = 16

    func regress<T>(_ model: MLTreeModel<T>, _ x: [T], _ g: MLRows) throws -> [Float] {
        guard model.forest.maxFeatureId < g.features else {
            throw EngineError.invalidInput("\(Self.op): the trees read feature \(model.forest.maxFeatureId) but X has \(g.features) features")
        }
        let scores = model.accumulate(x: x, rows: g.rows, stride: g.features, aggregate: aggregate)
        return model.finalizeRegression(
            scores, rows: g.rows, aggregate: aggregate, baseValues: baseValues.map { T($0) }, transform: transform,
            convert: { Float($0) }, convertFloat: { $0 })
    }
}

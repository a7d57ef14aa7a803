import SlipwayTensor

/// ONNX-ML `TreeEnsemble` (ai.onnx.ml 5): `[N, n_targets]` scores of a tree ensemble whose interior nodes
/// (`nodes_*`) and leaves (`leaf_*`) are listed separately, with set-membership splits (`BRANCH_MEMBER`).
///
/// Computed as onnxruntime does: comparisons in the input's precision (float16 inputs in float32), leaf
/// weights aggregated per target in tree order, then the post transform; the output has the input's type.
/// `post_transform` codes follow onnxruntime (1 LOGISTIC, 2 SOFTMAX), see ``MLPostTransform``.
public struct TreeEnsemble: Operator {
    let attributes: Attributes
    let targetCount: Int
    let aggregate: MLAggregate
    let transform: MLPostTransform
    var floatModel: MLTreeModel<Float>?
    var doubleModel: MLTreeModel<Double>?

    static let op = "TreeEnsemble"

    public init(_ config: OperatorConfiguration) throws {
        guard config.opsetVersion >= 5 else {
            throw EngineError(.unsupportedOperator, "\(Self.op) needs ai.onnx.ml opset 5, the model imports \(config.opsetVersion)")
        }
        let a = config.attributes
        attributes = a
        targetCount = try a.int("n_targets", default: 0)
        guard targetCount > 0 else { throw EngineError.invalidModel("\(Self.op): attribute 'n_targets' must be positive, got \(targetCount)") }
        aggregate = try MLAggregate(code: try a.int("aggregate_function", default: 1), op: Self.op)
        transform = try MLPostTransform(code: try a.int("post_transform", default: 0), op: Self.op)
        floatModel = try MLTreeBuilder<Float>.fromV5(a, op: Self.op, targetCount: targetCount)
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.float32, .float64, .float16], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        if type == .float64, doubleModel == nil {
            doubleModel = try MLTreeBuilder<Double>.fromV5(attributes, op: Self.op, targetCount: targetCount)
            floatModel = nil
        }
        return [ValueFact(type, shape: [MLRows.rowDim(x.shape), .fixed(targetCount)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let g = try MLRows(x.shape, op: Self.op)
        let shape = [g.rows, targetCount]
        switch x.storage {
        case .float64(let values):
            let model = try doubleModel ?? MLTreeBuilder<Double>.fromV5(attributes, op: Self.op, targetCount: targetCount)
            let out = try evaluate(model, values, g, convert: { $0 }, convertFloat: { Double($0) })
            return [.tensor(Tensor(uncheckedShape: shape, storage: .float64(out)))]
        case .float32(let values):
            guard let model = floatModel else { throw EngineError.runtime("\(Self.op): no float model prepared") }
            let out = try evaluate(model, values, g, convert: { $0 }, convertFloat: { $0 })
            return [.tensor(Tensor(uncheckedShape: shape, storage: .float32(out)))]
        case .float16(let values):
            guard let model = floatModel else { throw EngineError.runtime("\(Self.op): no float model prepared") }
            let out = try evaluate(model, values.map { Float($0) }, g, convert: { Float16($0) }, convertFloat: { Float16($0) })
            return [.tensor(Tensor(uncheckedShape: shape, storage: .float16(out)))]
        default:
            throw EngineError.invalidInput("\(Self.op): input X has unsupported type \(x.dataType)")
        }
    }

    func evaluate<T, O>(_ model: MLTreeModel<T>, _ x: [T], _ g: MLRows, convert: (T) -> O, convertFloat: (Float) -> O) throws -> [O] {
        guard model.forest.maxFeatureId < g.features else {
            throw EngineError.invalidInput("\(Self.op): the trees read feature \(model.forest.maxFeatureId) but X has \(g.features) features")
        }
        let scores = model.accumulate(x: x, rows: g.rows, stride: g.features, aggregate: aggregate)
        return model.finalizeRegression(
            scores, rows: g.rows, aggregate: aggregate, baseValues: [], transform: transform, convert: convert,
            convertFloat: convertFloat)
    }
}

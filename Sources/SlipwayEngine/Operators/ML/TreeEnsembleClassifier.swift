import SlipwayTensor

/// ONNX-ML `TreeEnsembleClassifier` (ai.onnx.ml 1 and 3): the top class and the per-class scores of a
/// tree ensemble, computed as onnxruntime does.
///
/// Trees are walked with float32 comparisons for float/int inputs (float64 for double inputs), leaf class
/// weights are summed per class in tree order, then base values are added and `post_transform` applied.
/// Binary models with weights for one class only follow onnxruntime's rules: the other column is derived
/// (`1 - p`, `-s`, or `logistic(-s)`), and the label comes from the 0.5 or 0 threshold.
public struct TreeEnsembleClassifier: Operator {
    let attributes: Attributes
    let classCount: Int
    let labelsInt: [Int64]
    let labelsString: [String]
    let baseValues: [Double]
    let transform: MLPostTransform
    /// One class id among all weights, with two classes: onnxruntime's `binary_case_`.
    let binaryCase: Bool
    let weightsArePositive: Bool
    var floatModel: MLTreeModel<Float>?
    var doubleModel: MLTreeModel<Double>?

    public init(_ config: OperatorConfiguration) throws {
        let op = "TreeEnsembleClassifier"
        guard (1...5).contains(config.opsetVersion) else {
            throw EngineError(.unsupportedOperator, "\(op) is not defined for ai.onnx.ml opset \(config.opsetVersion)")
        }
        let a = config.attributes
        attributes = a
        labelsInt = (try a.ints("classlabels_int64s") ?? []).map { Int64($0) }
        labelsString = try a.strings("classlabels_strings") ?? []
        guard labelsInt.isEmpty != labelsString.isEmpty else {
            throw EngineError.invalidModel("\(op): exactly one of 'classlabels_int64s' and 'classlabels_strings' must be set")
        }
        classCount = labelsInt.isEmpty ? labelsString.count : labelsInt.count
        guard classCount >= 2 else { throw EngineError.invalidModel("\(op): needs at least 2 class labels, got \(classCount)") }
        baseValues = try a.mlValues("base_values", op: op) ?? []
        if classCount <= 2 {
            guard baseValues.count <= 2 else { throw EngineError.invalidModel("\(op): 'base_values' must have 0, 1 or 2 values") }
        } else {
            guard baseValues.isEmpty || baseValues.count == classCount else {
                throw EngineError.invalidModel("\(op): 'base_values' must have 0 or \(classCount) values, got \(baseValues.count)")
            }
        }
        transform = try MLPostTransform(name: try a.mlString("post_transform", default: "NONE"), op: op)
        let classIds = try a.ints("class_ids") ?? []
        let weights = try a.mlValues("class_weights", op: op) ?? []
        binaryCase = classCount == 2 && Set(classIds).count == 1
        weightsArePositive = !weights.contains { $0 < 0 }
        floatModel = try MLTreeBuilder<Float>.fromV3(a, op: op, weightPrefix: "class", targetCount: classCount)
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.float32, .float64, .int64, .int32], "TreeEnsembleClassifier input X")
        try MLRows.checkRank(x, op: "TreeEnsembleClassifier")
        if type == .float64, doubleModel == nil {
            doubleModel = try MLTreeBuilder<Double>.fromV3(
                attributes, op: "TreeEnsembleClassifier", weightPrefix: "class", targetCount: classCount)
            floatModel = nil
        }
        let n = MLRows.rowDim(x.shape)
        return [
            ValueFact(labelsString.isEmpty ? .int64 : .string, shape: [n]),
            ValueFact(.float32, shape: [n, .fixed(classCount)]),
        ]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let geometry = try MLRows(x.shape, op: "TreeEnsembleClassifier")
        var labelIndex: [Int] = []
        var scores: [Float] = []
        if case .float64(let values) = x.storage {
            let model =
                try doubleModel
                ?? MLTreeBuilder<Double>.fromV3(
                    attributes, op: "TreeEnsembleClassifier", weightPrefix: "class", targetCount: classCount)
            (labelIndex, scores) = try classifyInPieces(model, values, geometry, context)
        } else {
            guard let model = floatModel else { throw EngineError.runtime("TreeEnsembleClassifier: no float model prepared") }
            (labelIndex, scores) = try classifyInPieces(model, try MLConvert.floats(x, op: "TreeEnsembleClassifier"), geometry, context)
        }
        let rows = geometry.rows
        let label: Tensor
        if labelsString.isEmpty {
            label = Tensor(uncheckedShape: [rows], storage: .int64(labelIndex.map { Int64($0) }))
        } else {
            label = Tensor(uncheckedShape: [rows], storage: .string(labelIndex.map { labelsString[$0] }))
        }
        return [.tensor(label), .tensor(Tensor(uncheckedShape: [rows, classCount], storage: .float32(scores)))]
    }

    /// ``classify(_:_:_:)`` over pieces of the rows on `context`'s threads (rows are independent).
    func classifyInPieces<T: Sendable>(_ model: MLTreeModel<T>, _ x: [T], _ g: MLRows, _ context: RunContext) throws -> ([Int], [Float]) {
        if context.threads <= 1 { return try classify(model, x, g) }
        let pieces = try context.rowChunks(rows: g.rows, minimumRows: 16) { range in
            let (xs, gs) = g.slice(x, range)
            let result = try classify(model, xs, gs)
            return [Piece(labels: result.0, scores: result.1)]
        }
        return (pieces.flatMap(\.labels), pieces.flatMap(\.scores))
    }

    struct Piece: Sendable {
        var labels: [Int]
        var scores: [Float]
    }

    /// Labels (the int64 label itself, or an index into the string labels) and scores for every row.
    @_specialize(exported:false,where T == Float)
    @_specialize(exported:false,where T == Double)
    func classify<T>(_ model: MLTreeModel<T>, _ x: [T], _ g: MLRows) throws -> ([Int], [Float]) {
        guard model.forest.maxFeatureId < g.features else {
            throw EngineError.invalidInput(
                "TreeEnsembleClassifier: the trees read feature \(model.forest.maxFeatureId) but X has \(g.features) features")
        }
        let s = model.accumulate(x: x, rows: g.rows, stride: g.features, aggregate: .sum)
        let n = classCount
        let base = baseValues.map { T($0) }
        // onnxruntime's label source: the int64 labels, or indices for string labels.
        let labelOf: (Int) -> Int = { [labelsInt] k in labelsInt.isEmpty ? k : Int(labelsInt[k]) }
        var labels: [Int] = []
        labels.reserveCapacity(g.rows)
        var out = [Float](repeating: 0, count: g.rows * n)
        var score = [T](repeating: 0, count: n)
        var has = [Bool](repeating: false, count: n)
        for r in 0..<g.rows {
            for k in 0..<n {
                score[k] = s.score[r * n + k]
                has[k] = s.has[r * n + k]
            }
            let o = r * n
            if n > 2 {
                for k in 0..<base.count {
                    if has[k] { score[k] += base[k] } else { score[k] = base[k]; has[k] = true }
                }
                var best = -1
                var bestScore: T = 0
                for k in 0..<n where has[k] && (best == -1 || score[k] > bestScore) {
                    best = k
                    bestScore = score[k]
                }
                labels.append(labelOf(Swift.max(best, 0)))
                for k in 0..<n { out[o + k] = Float(has[k] ? score[k] : 0) }
                MLMath.transformGroup(&out, o..<(o + n), transform)
                continue
            }
            // Two classes.
            var size = 2
            var secondClass = -1
            if base.count == 2 {
                if has[1] {
                    // onnxruntime: base_values[0] is unused and assumed equal to base_values[1].
                    score[1] = base[1] + score[0]
                    score[0] = -score[1]
                    has[1] = true
                } else {
                    score[1] += base[1]
                    score[0] += base[0]
                }
            } else if base.count == 1 {
                score[0] += base[0]
                if !has[1] { size = 1 }
            } else {
                secondClass = 3
                if !has[1] { size = 1 }
            }
            let positive: T = (size == 2 && has[1]) ? score[1] : (has[0] ? score[0] : 0)
            if binaryCase {
                if weightsArePositive {
                    secondClass = positive > 0.5 ? 0 : 1
                    labels.append(labelOf(positive > 0.5 ? 1 : 0))
                } else {
                    secondClass = positive > 0 ? 2 : 3
                    labels.append(labelOf(positive > 0 ? 1 : 0))
                }
            } else {
                // onnxruntime returns 1 and 0 here (label values for int64 labels, indices for strings).
                labels.append(positive > 0 ? 1 : 0)
            }
            let v0 = Float(has[0] ? score[0] : 0)
            if size == 2 {
                out[o] = v0
                out[o + 1] = Float(has[1] ? score[1] : 0)
                MLMath.transformGroup(&out, o..<(o + 2), transform)
            } else if transform == .probit {
                out[o] = MLMath.probit(v0)
            } else if secondClass >= 0 {
                (out[o], out[o + 1]) = MLMath.secondClass(v0, code: secondClass, transform: transform)
            } else {
                out[o] = v0
            }
        }
        return (labels, out)
    }
}

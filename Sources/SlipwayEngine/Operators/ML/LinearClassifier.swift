import SlipwayTensor

/// ONNX-ML `LinearClassifier`: scores `X · coefficientsᵀ + intercepts` per class, the top class as label,
/// and the scores after `post_transform`, as onnxruntime computes them (inputs converted to float32).
///
/// With a single score column and two class labels the label is the positive class when the score is
/// above 0 and the scores become `[1 - s, s]` (onnxruntime applies no transform in that case).
public struct LinearClassifier: Operator {
    let coefficients: [Float]
    let intercepts: [Float]
    let labelsInt: [Int64]
    let labelsString: [String]
    let transform: MLPostTransform

    static let op = "LinearClassifier"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        guard let coefficients = try a.floats("coefficients"), !coefficients.isEmpty else {
            throw EngineError.invalidModel("\(Self.op): attribute 'coefficients' is required")
        }
        self.coefficients = coefficients
        intercepts = try a.floats("intercepts") ?? []
        labelsInt = (try a.ints("classlabels_ints") ?? []).map { Int64($0) }
        labelsString = try a.strings("classlabels_strings") ?? []
        guard labelsInt.isEmpty || labelsString.isEmpty else {
            throw EngineError.invalidModel("\(Self.op): only one of 'classlabels_ints' and 'classlabels_strings' may be set")
        }
        transform = try MLPostTransform(name: try a.mlString("post_transform", default: "NONE"), op: Self.op)
    }

    var labelCount: Int { labelsString.isEmpty ? labelsInt.count : labelsString.count }

    /// Score columns: one per intercept (onnxruntime's class count), or the coefficient rows when there are none.
    func classCount(features: Int) -> Int? {
        if !intercepts.isEmpty { return intercepts.count }
        guard features > 0, coefficients.count % features == 0 else { return nil }
        return coefficients.count / features
    }

    func outputColumns(_ classes: Int) -> Int { classes == 1 && labelCount == 2 ? 2 : classes }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        try requireType(try inputs.dataType(0, "X"), in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        let n = MLRows.rowDim(x.shape)
        var columns = Dim.unknown
        if case .fixed(let f) = MLRows.featureDim(x.shape) {
            guard let classes = classCount(features: f), classes * f == coefficients.count else {
                throw EngineError.invalidModel(
                    "\(Self.op): \(coefficients.count) coefficients do not fit \(f) features and \(intercepts.count) intercepts")
            }
            try checkLabels(classes)
            columns = .fixed(outputColumns(classes))
        } else if !intercepts.isEmpty {
            columns = .fixed(outputColumns(intercepts.count))
        }
        return [ValueFact(labelsString.isEmpty ? .int64 : .string, shape: [n]), ValueFact(.float32, shape: [n, columns])]
    }

    func checkLabels(_ classes: Int) throws {
        if classes > 1, labelCount < classes {
            throw EngineError.invalidModel("\(Self.op): \(classes) score columns but only \(labelCount) class labels")
        }
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let xt = try inputs.tensor(0, "X")
        let g = try MLRows(xt.shape, op: Self.op)
        let x = try MLConvert.floats(xt, op: Self.op)
        guard let classes = classCount(features: g.features), classes * g.features == coefficients.count else {
            throw EngineError.invalidInput(
                "\(Self.op): X has \(g.features) features, which does not fit \(coefficients.count) coefficients")
        }
        try checkLabels(classes)
        let rows = g.rows
        let f = g.features
        var scores = [Float](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            let xr = r * f
            for c in 0..<classes {
                let wr = c * f
                var dot: Float = 0
                for j in 0..<f { dot += x[xr + j] * coefficients[wr + j] }
                scores[r * classes + c] = intercepts.isEmpty ? dot : dot + intercepts[c]
            }
        }
        var labelIndex = [Int](repeating: 0, count: rows)
        if classes == 1 {
            for r in 0..<rows { labelIndex[r] = scores[r] > 0 ? 1 : 0 }
        } else {
            for r in 0..<rows {
                var best = 0
                var bestScore = scores[r * classes]
                for c in 1..<classes where scores[r * classes + c] > bestScore {
                    best = c
                    bestScore = scores[r * classes + c]
                }
                labelIndex[r] = best
            }
        }
        let label: Tensor
        if labelsString.isEmpty {
            let values: [Int64] =
                classes == 1
                ? labelIndex.map { labelCount == 2 ? labelsInt[$0] : Int64($0) }
                : labelIndex.map { labelsInt[$0] }
            label = Tensor(uncheckedShape: [rows], storage: .int64(values))
        } else {
            let values: [String] =
                classes == 1
                ? labelIndex.map { labelCount == 2 ? labelsString[$0] : String($0) }
                : labelIndex.map { labelsString[$0] }
            label = Tensor(uncheckedShape: [rows], storage: .string(values))
        }
        let columns = outputColumns(classes)
        var out: [Float]
        if columns == 2 && classes == 1 {
            out = [Float](repeating: 0, count: rows * 2)
            for r in 0..<rows {
                if transform == .probit {
                    out[2 * r] = MLMath.probit(scores[r])
                } else {
                    (out[2 * r], out[2 * r + 1]) = MLMath.secondClass(scores[r], code: 1, transform: transform)
                }
            }
        } else {
            out = scores
            if transform != .none {
                for r in 0..<rows { MLMath.transformRow(&out, (r * classes)..<(r * classes + classes), transform) }
            }
        }
        return [.tensor(label), .tensor(Tensor(uncheckedShape: [rows, columns], storage: .float32(out)))]
    }
}

import SlipwayTensor

/// ONNX-ML `LinearRegressor`: `X · coefficientsᵀ + intercepts`, `[N, targets]` float32, then `post_transform`
/// over each row's targets (a single target only goes through PROBIT), as onnxruntime computes it.
public struct LinearRegressor: Operator {
    let coefficients: [Float]
    let intercepts: [Float]
    let targets: Int
    let transform: MLPostTransform

    static let op = "LinearRegressor"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        guard let coefficients = try a.floats("coefficients"), !coefficients.isEmpty else {
            throw EngineError.invalidModel("\(Self.op): attribute 'coefficients' is required")
        }
        self.coefficients = coefficients
        targets = try a.int("targets", default: 1)
        guard targets > 0, coefficients.count % targets == 0 else {
            throw EngineError.invalidModel("\(Self.op): \(coefficients.count) coefficients cannot be split into 'targets' = \(targets) rows")
        }
        // onnxruntime ignores intercepts whose count differs from the target count.
        let given = try a.floats("intercepts") ?? []
        intercepts = given.count == targets ? given : []
        transform = try MLPostTransform(name: try a.mlString("post_transform", default: "NONE"), op: Self.op)
    }

    var features: Int { coefficients.count / targets }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        try requireType(try inputs.dataType(0, "X"), in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        if case .fixed(let f) = MLRows.featureDim(x.shape), f != features {
            throw EngineError.invalidModel("\(Self.op): X has \(f) features but the coefficients expect \(features)")
        }
        return [ValueFact(.float32, shape: [MLRows.rowDim(x.shape), .fixed(targets)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let xt = try inputs.tensor(0, "X")
        let g = try MLRows(xt.shape, op: Self.op)
        guard g.features == features else {
            throw EngineError.invalidInput("\(Self.op): X has \(g.features) features but the coefficients expect \(features)")
        }
        let x = try MLConvert.floats(xt, op: Self.op)
        let f = features
        var out = [Float](repeating: 0, count: g.rows * targets)
        for r in 0..<g.rows {
            for t in 0..<targets {
                var dot: Float = 0
                for j in 0..<f { dot += x[r * f + j] * coefficients[t * f + j] }
                out[r * targets + t] = intercepts.isEmpty ? dot : dot + intercepts[t]
            }
            if transform != .none { MLMath.transformRow(&out, (r * targets)..<(r * targets + targets), transform) }
        }
        return [.tensor(Tensor(uncheckedShape: [g.rows, targets], storage: .float32(out)))]
    }
}

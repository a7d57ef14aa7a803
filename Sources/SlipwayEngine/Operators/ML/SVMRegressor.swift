import SlipwayTensor

/// ONNX-ML `SVMRegressor`: `[N, 1]` float32 predictions of a support vector regressor, as onnxruntime
/// computes them: `Σ coefficients[v] · kernel(x, sv[v]) + rho[0]` with support vectors, `x · coefficients +
/// rho[0]` without; `one_class` turns the value into +1/-1. onnxruntime ignores `post_transform` here.
public struct SVMRegressor: Operator {
    let kernel: MLSVMKernel
    let vectorCount: Int
    let supportVectors: [Float]
    let coefficients: [Float]
    /// The support vectors (or the coefficients, without them) transposed for ``MLSVMKernels``.
    let kernelVectorsT: [Float]
    let rho: Float
    let featureCount: Int
    let oneClass: Bool

    static let op = "SVMRegressor"

    public init(_ config: OperatorConfiguration) throws {
        let op = Self.op
        let a = config.attributes
        var kernel = try MLSVMKernel(a, op: op)
        supportVectors = try a.floats("support_vectors") ?? []
        vectorCount = try a.int("n_supports", default: 0)
        guard let rho = try a.floats("rho"), let first = rho.first else { throw EngineError.invalidModel("\(op): attribute 'rho' is required") }
        self.rho = first
        guard let coefficients = try a.floats("coefficients"), !coefficients.isEmpty else {
            throw EngineError.invalidModel("\(op): attribute 'coefficients' is required")
        }
        self.coefficients = coefficients
        oneClass = try a.int("one_class", default: 0) != 0
        _ = try MLPostTransform(name: try a.mlString("post_transform", default: "NONE"), op: op)
        if vectorCount > 0 {
            guard supportVectors.count % vectorCount == 0, coefficients.count >= vectorCount else {
                throw EngineError.invalidModel(
                    "\(op): \(supportVectors.count) support vector values and \(coefficients.count) coefficients do not fit n_supports = \(vectorCount)"
                )
            }
            featureCount = supportVectors.count / vectorCount
        } else {
            guard vectorCount == 0 else { throw EngineError.invalidModel("\(op): 'n_supports' is negative (\(vectorCount))") }
            featureCount = coefficients.count
            kernel.kind = .linear
        }
        self.kernel = kernel
        kernelVectorsT =
            vectorCount > 0
            ? MLSVMKernels.transpose(supportVectors, m: vectorCount, k: featureCount)
            : MLSVMKernels.transpose(coefficients, m: 1, k: featureCount)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        try requireType(try inputs.dataType(0, "X"), in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        if case .fixed(let f) = MLRows.featureDim(x.shape), f != featureCount {
            throw EngineError.invalidModel("\(Self.op): X has \(f) features but the model expects \(featureCount)")
        }
        return [ValueFact(.float32, shape: [MLRows.rowDim(x.shape), .fixed(1)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let xt = try inputs.tensor(0, "X")
        let g = try MLRows(xt.shape, op: Self.op)
        guard g.features == featureCount else {
            throw EngineError.invalidInput("\(Self.op): X has \(g.features) features but the model expects \(featureCount)")
        }
        let x = try MLConvert.floats(xt, op: Self.op)
        var out: [Float]
        if vectorCount > 0 {
            let kernels = kernel.apply(x: x, rows: g.rows, vectorsT: kernelVectorsT, m: vectorCount, k: featureCount, linearBias: 0)
            out = [Float](repeating: 0, count: g.rows)
            for r in 0..<g.rows {
                var dot: Float = 0
                for v in 0..<vectorCount { dot += kernels[r * vectorCount + v] * coefficients[v] }
                out[r] = dot + rho
            }
        } else {
            out = kernel.apply(x: x, rows: g.rows, vectorsT: kernelVectorsT, m: 1, k: featureCount, linearBias: rho)
        }
        if oneClass { out = out.map { $0 > 0 ? 1 : -1 } }
        return [.tensor(Tensor(uncheckedShape: [g.rows, 1], storage: .float32(out)))]
    }
}

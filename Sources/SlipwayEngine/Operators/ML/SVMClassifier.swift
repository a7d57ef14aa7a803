import SlipwayTensor

/// ONNX-ML `SVMClassifier`: libsvm-style support vector classification as onnxruntime computes it.
///
/// With support vectors (SVC mode) every pair of classes has a classifier: its score sums the coefficient-
/// weighted kernels of both classes' support vectors plus `rho` (in float64), and votes for one class; the
/// label is the class with most votes. With `prob_a`/`prob_b` the pairwise scores become probabilities
/// coupled into per-class probabilities (libsvm's `multiclass_probability`); otherwise the scores output
/// holds the pairwise scores (two columns `[-s, s]` for a binary model). Without support vectors
/// (liblinear mode) each class scores `x · coefficients[class] + rho[0]`.
public struct SVMClassifier: Operator {
    let kernel: MLSVMKernel
    let vectorsPerClass: [Int]
    let startingVector: [Int]
    let vectorCount: Int
    let supportVectors: [Float]
    let coefficients: [Float]
    /// The vectors the kernel compares rows with (support vectors, or the liblinear coefficient rows),
    /// transposed for ``MLSVMKernels``.
    let kernelVectorsT: [Float]
    let rho: [Float]
    let probA: [Float]
    let probB: [Float]
    let labelsInt: [Int64]
    let labelsString: [String]
    let classCount: Int
    let featureCount: Int
    let transform: MLPostTransform
    let svcMode: Bool
    let weightsArePositive: Bool

    static let op = "SVMClassifier"

    public init(_ config: OperatorConfiguration) throws {
        let op = Self.op
        let a = config.attributes
        var kernel = try MLSVMKernel(a, op: op)
        vectorsPerClass = try a.ints("vectors_per_class") ?? []
        probA = try a.floats("prob_a") ?? []
        probB = try a.floats("prob_b") ?? []
        supportVectors = try a.floats("support_vectors") ?? []
        transform = try MLPostTransform(name: try a.mlString("post_transform", default: "NONE"), op: op)
        guard let rho = try a.floats("rho"), !rho.isEmpty else { throw EngineError.invalidModel("\(op): attribute 'rho' is required") }
        self.rho = rho
        guard let coefficients = try a.floats("coefficients"), !coefficients.isEmpty else {
            throw EngineError.invalidModel("\(op): attribute 'coefficients' is required")
        }
        self.coefficients = coefficients
        guard probA.count == probB.count else {
            throw EngineError.invalidModel("\(op): 'prob_a' has \(probA.count) values but 'prob_b' has \(probB.count)")
        }
        labelsInt = (try a.ints("classlabels_ints") ?? []).map { Int64($0) }
        labelsString = try a.strings("classlabels_strings") ?? []
        guard labelsInt.isEmpty != labelsString.isEmpty else {
            throw EngineError.invalidModel("\(op): exactly one of 'classlabels_ints' and 'classlabels_strings' must be set")
        }
        classCount = labelsString.isEmpty ? labelsInt.count : labelsString.count
        var starts: [Int] = []
        var total = 0
        for count in vectorsPerClass {
            guard count >= 0 else { throw EngineError.invalidModel("\(op): 'vectors_per_class' has a negative count \(count)") }
            starts.append(total)
            total += count
        }
        startingVector = starts
        vectorCount = total
        if vectorCount > 0 {
            svcMode = true
            guard vectorsPerClass.count == classCount, classCount >= 2 else {
                throw EngineError.invalidModel("\(op): 'vectors_per_class' has \(vectorsPerClass.count) entries for \(classCount) classes")
            }
            guard supportVectors.count % vectorCount == 0 else {
                throw EngineError.invalidModel("\(op): \(supportVectors.count) support vector values for \(vectorCount) vectors")
            }
            featureCount = supportVectors.count / vectorCount
            let pairs = classCount * (classCount - 1) / 2
            guard coefficients.count >= (classCount - 1) * vectorCount else {
                throw EngineError.invalidModel("\(op): 'coefficients' needs \((classCount - 1) * vectorCount) values, got \(coefficients.count)")
            }
            guard rho.count >= pairs else { throw EngineError.invalidModel("\(op): 'rho' needs \(pairs) values, got \(rho.count)") }
            guard probA.isEmpty || probA.count >= pairs else {
                throw EngineError.invalidModel("\(op): 'prob_a' and 'prob_b' need \(pairs) values, got \(probA.count)")
            }
        } else {
            svcMode = false
            kernel.kind = .linear
            guard classCount > 0, coefficients.count % classCount == 0 else {
                throw EngineError.invalidModel("\(op): \(coefficients.count) coefficients do not split into \(classCount) classes")
            }
            featureCount = coefficients.count / classCount
        }
        self.kernel = kernel
        kernelVectorsT =
            svcMode
            ? MLSVMKernels.transpose(supportVectors, m: vectorCount, k: featureCount)
            : MLSVMKernels.transpose(coefficients, m: classCount, k: featureCount)
        weightsArePositive = !coefficients.contains { $0 < 0 }
    }

    var pairCount: Int { classCount * (classCount - 1) / 2 }
    var haveProba: Bool { !probA.isEmpty }

    /// Score columns per row: class probabilities, pairwise scores (two for a binary model), or class scores.
    var scoreColumns: Int {
        if svcMode && !haveProba { return classCount > 2 ? pairCount : 2 }
        return classCount
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        try requireType(try inputs.dataType(0, "X"), in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        if case .fixed(let f) = MLRows.featureDim(x.shape), f != featureCount {
            throw EngineError.invalidModel("\(Self.op): X has \(f) features but the model expects \(featureCount)")
        }
        let n = MLRows.rowDim(x.shape)
        return [ValueFact(labelsString.isEmpty ? .int64 : .string, shape: [n]), ValueFact(.float32, shape: [n, .fixed(scoreColumns)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let xt = try inputs.tensor(0, "X")
        let g = try MLRows(xt.shape, op: Self.op)
        guard g.features == featureCount else {
            throw EngineError.invalidInput("\(Self.op): X has \(g.features) features but the model expects \(featureCount)")
        }
        let x = try MLConvert.floats(xt, op: Self.op)
        let rows = g.rows
        let columns = scoreColumns
        var out = [Float](repeating: 0, count: rows * columns)
        var labelIndex = [Int](repeating: 0, count: rows)
        let k = classCount
        if !svcMode {
            let scores = kernel.apply(x: x, rows: rows, vectorsT: kernelVectorsT, m: k, k: featureCount, linearBias: rho[0])
            for r in 0..<rows {
                let range = (r * k)..<(r * k + k)
                var best = range.lowerBound
                for i in range where scores[i] > scores[best] { best = i }
                labelIndex[r] = try chooseClass(maxWeight: scores[best], maxClass: best - range.lowerBound)
                for i in range { out[i] = scores[i] }
                MLMath.transformRow(&out, range, transform)
            }
        } else {
            let kernels = kernel.apply(x: x, rows: rows, vectorsT: kernelVectorsT, m: vectorCount, k: featureCount, linearBias: 0)
            var pairScores = [Float](repeating: 0, count: pairCount)
            var votes = [Int](repeating: 0, count: k)
            var pairwise = [Float](repeating: 0, count: k * k)
            var scratch = (q: [Float](repeating: 0, count: k * k), qp: [Float](repeating: 0, count: k))
            for r in 0..<rows {
                let fits = MLSVMKernels.pairScores(
                    kernels: kernels, offset: r * vectorCount, vectorCount: vectorCount, coefficients: coefficients,
                    vectorsPerClass: vectorsPerClass, startingVector: startingVector, rho: rho, into: &pairScores, votes: &votes)
                guard fits else { throw EngineError.runtime("\(Self.op): the support vectors do not fit the coefficients") }
                var best = 0
                for i in 1..<k where votes[i] > votes[best] { best = i }
                labelIndex[r] = try chooseClass(maxWeight: 0, maxClass: best)
                let o = r * columns
                if haveProba {
                    for i in 0..<(k * k) { pairwise[i] = 0 }
                    var p = 0
                    for i in 0..<(k - 1) {
                        for j in (i + 1)..<k {
                            let value = MLMath.sigmoidProbability(pairScores[p], probA[p], probB[p])
                            let clamped = Swift.min(Swift.max(value, 1.0e-7), 1 - 1.0e-7)
                            pairwise[i * k + j] = clamped
                            pairwise[j * k + i] = 1 - clamped
                            p += 1
                        }
                    }
                    MLMath.multiclassProbability(k, pairwise, &out, o, q: &scratch.q, qp: &scratch.qp)
                    MLMath.transformRow(&out, o..<(o + k), transform)
                } else if k > 2 {
                    for p in 0..<pairCount { out[o + p] = pairScores[p] }
                    MLMath.transformRow(&out, o..<(o + pairCount), transform)
                } else if transform == .probit {
                    out[o] = MLMath.probit(pairScores[0])
                } else {
                    (out[o], out[o + 1]) = MLMath.secondClass(pairScores[0], code: transform == .none ? 2 : 0, transform: .none)
                }
            }
        }
        let label: Tensor =
            labelsString.isEmpty
            ? Tensor(uncheckedShape: [rows], storage: .int64(labelIndex.map { labelsInt[$0] }))
            : Tensor(uncheckedShape: [rows], storage: .string(labelIndex.map { labelsString[$0] }))
        return [.tensor(label), .tensor(Tensor(uncheckedShape: [rows, columns], storage: .float32(out)))]
    }

    /// onnxruntime's `ChooseClass`: the label index for a row. A binary model without probabilities picks
    /// the positive class from the score (>= 0.5 when all coefficients are non-negative, > 0 otherwise),
    /// which in SVC mode is always 0, so the votes decide.
    func chooseClass(maxWeight: Float, maxClass: Int) throws -> Int {
        guard classCount == 2, !haveProba else { return maxClass }
        if weightsArePositive && maxWeight >= 0.5 { return 1 }
        if maxWeight > 0 && !weightsArePositive { return 1 }
        return maxClass
    }
}

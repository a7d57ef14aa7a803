import SlipwayTensor

/// ONNX `Gemm`: `Y = alpha · A' · B' + beta · C`, where `A'`/`B'` are A/B optionally transposed and C
/// (optional from opset 11) broadcasts to the `M × N` result.
///
/// A constant B (the weights of a fully connected layer) is packed once at load time, with `transB`
/// and `alpha` folded in.
public struct Gemm: Operator {
    let opset: Int
    let alpha: Float
    let beta: Float
    let transA: Bool
    let transB: Bool
    var packedB: SGEMMPackedB?

    public init(_ config: OperatorConfiguration) throws {
        opset = config.opsetVersion
        let a = config.attributes
        alpha = try a.float("alpha", default: 1)
        beta = try a.float("beta", default: 1)
        transA = try a.int("transA", default: 0) != 0
        transB = try a.int("transB", default: 0) != 0
        if opset < 11 && config.inputCount < 3 {
            throw EngineError.invalidModel("Gemm-\(opset) requires input 'C' (optional from opset 11)")
        }
    }

    static func allowedTypes(opset: Int) -> Set<DataType> {
        var types: Set<DataType> = [.float32, .float64, .float16]
        if opset >= 9 { types.formUnion([.int32, .int64, .uint32, .uint64]) }
        if opset >= 13 { types.insert(.bfloat16) }
        return types
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "A")
        try requireType(dataType, in: Self.allowedTypes(opset: opset), "Gemm input 'A'")
        for (index, name) in [(1, "B"), (2, "C")] {
            guard let fact = inputs.optionalFact(index) else { continue }
            guard fact.dataType == dataType else {
                throw EngineError.invalidModel("Gemm input '\(name)' has type \(fact.type), expected tensor(\(dataType)) like 'A'")
            }
        }
        let a = try inputs.fact(0, "A"), b = try inputs.fact(1, "B")
        var m = Dim.unknown, n = Dim.unknown
        if let sa = a.shape {
            guard sa.count == 2 else { throw EngineError.invalidModel("Gemm input 'A' must be 2-D, got \(Plan.shapeText(sa))") }
            m = transA ? sa[1] : sa[0]
        }
        if let sb = b.shape {
            guard sb.count == 2 else { throw EngineError.invalidModel("Gemm input 'B' must be 2-D, got \(Plan.shapeText(sb))") }
            n = transB ? sb[0] : sb[1]
        }
        if let sa = a.shape, let sb = b.shape, let ka = (transA ? sa[0] : sa[1]).value, let kb = (transB ? sb[1] : sb[0]).value,
            ka != kb
        {
            throw EngineError.invalidModel("Gemm: A' has \(ka) columns but B' has \(kb) rows")
        }
        if let cShape = inputs.optionalFact(2)?.shape, cShape.count > 2 {
            throw EngineError.invalidModel("Gemm input 'C' must have rank <= 2, got \(Plan.shapeText(cShape))")
        }
        if let constant = b.constantTensor, dataType.isFloatingPoint, dataType != .float64, constant.rank == 2 {
            let values = try NNFloat.values(constant, as: Float.self)
            let (k, columns) = transB ? (constant.shape[1], constant.shape[0]) : (constant.shape[0], constant.shape[1])
            packedB = try SGEMM.packB(
                values, .rowMajor(columns: constant.shape[1], transposed: transB), depth: k, columns: columns, scale: alpha)
        }
        return [ValueFact(dataType, shape: [m, n])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B")
        let c = try inputs.optionalTensor(2)
        guard a.rank == 2, b.rank == 2 else {
            throw EngineError.invalidInput("Gemm inputs 'A' \(a.shape) and 'B' \(b.shape) must be 2-D")
        }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kb else { throw EngineError.invalidInput("Gemm: A' is \(m)×\(k) but B' is \(kb)×\(n)") }
        guard a.dataType == b.dataType, c.map({ $0.dataType == a.dataType }) ?? true else {
            throw EngineError.invalidInput("Gemm inputs must share one type, got \(a.dataType), \(b.dataType)\(c.map { ", \($0.dataType)" } ?? "")")
        }
        if let c {
            guard c.rank <= 2, Shape.broadcast(c.shape, [m, n]) == [m, n] else {
                throw EngineError.invalidInput("Gemm input 'C' of shape \(c.shape) does not broadcast to [\(m), \(n)]")
            }
        }
        let aLayout = GEMMLayout.rowMajor(columns: a.shape[1], transposed: transA)
        let bLayout = GEMMLayout.rowMajor(columns: b.shape[1], transposed: transB)
        let storage: TensorStorage
        switch a.dataType {
        case .float32, .float16, .bfloat16:
            var y = try initialOutput(c, m: m, n: n, as: Float.self)
            let x = try NNFloat.values(a, as: Float.self)
            if let packedB, packedB.depth == k, packedB.columns == n {
                try SGEMM.multiplyAdd(a: x, aLayout, m: m, packedB: packedB, into: &y, offset: 0, ldc: n)
            } else {
                let w = try NNFloat.values(b, as: Float.self)
                if m * n * k <= SGEMM.smallWork || m == 1 {
                    let scaled = alpha == 1 ? x : x.map { $0 * alpha }
                    try SGEMM.small(a: scaled, aLayout, b: w, bLayout, m: m, n: n, k: k, into: &y, offset: 0, ldc: n)
                } else {
                    let pa = try SGEMM.packA(x, aLayout, rows: m, depth: k, scale: alpha)
                    let pb = try SGEMM.packB(w, bLayout, depth: k, columns: n)
                    try SGEMM.multiplyAdd(pa, pb, into: &y, offset: 0, ldc: n)
                }
            }
            storage = NNFloat.storage(y, as: a.dataType)
        case .float64:
            var y = try initialOutput(c, m: m, n: n, as: Double.self)
            let x = try NNFloat.values(a, as: Double.self)
            let scaled = alpha == 1 ? x : x.map { $0 * Double(alpha) }
            try DGEMM.multiplyAdd(
                a: scaled, aLayout, b: try NNFloat.values(b, as: Double.self), bLayout, m: m, n: n, k: k, into: &y, offset: 0, ldc: n)
            storage = .float64(y)
        case .int32: storage = .int32(try integerGemm(a, b, c, Int32.self, aLayout, bLayout, m: m, n: n, k: k))
        case .int64: storage = .int64(try integerGemm(a, b, c, Int64.self, aLayout, bLayout, m: m, n: n, k: k))
        case .uint32: storage = .uint32(try integerGemm(a, b, c, UInt32.self, aLayout, bLayout, m: m, n: n, k: k))
        case .uint64: storage = .uint64(try integerGemm(a, b, c, UInt64.self, aLayout, bLayout, m: m, n: n, k: k))
        default: throw EngineError.invalidInput("Gemm does not support type \(a.dataType)")
        }
        return [.tensor(Tensor(uncheckedShape: [m, n], storage: storage))]
    }

    /// `beta · C` broadcast to `m × n`, or zeros.
    func initialOutput<T: NNReal>(_ c: Tensor?, m: Int, n: Int, as type: T.Type) throws -> [T] {
        guard let c, beta != 0 else { return [T](repeating: 0, count: m * n) }
        let values = try NNFloat.values(c, as: T.self)
        let scale = T(beta)
        if c.shape == [m, n] { return scale == 1 ? values : values.map { $0 * scale } }
        // A scalar or one row (`[n]`, `[1, n]`): no broadcast walk.
        if values.count == 1 { return [T](repeating: values[0] * scale, count: m * n) }
        if values.count == n, c.shape.last == n, m > 0 {
            var y = [T](repeating: 0, count: m * n)
            for j in 0..<n { y[j] = values[j] * scale }
            for r in 1..<m {
                for j in 0..<n { y[r * n + j] = y[j] }
            }
            return y
        }
        var y = [T](repeating: 0, count: m * n)
        for (i, source) in BroadcastIndexer(shape: c.shape, target: [m, n]).enumerated() { y[i] = values[source] * scale }
        return y
    }

    func integerGemm<T: IntegerElement>(
        _ a: Tensor, _ b: Tensor, _ c: Tensor?, _ type: T.Type, _ aLayout: GEMMLayout, _ bLayout: GEMMLayout, m: Int, n: Int, k: Int
    ) throws -> [T] {
        guard let x = a.elements(as: T.self), let w = b.elements(as: T.self) else {
            throw EngineError.invalidInput("Gemm inputs must be \(T.dataType)")
        }
        var y = [T](repeating: 0, count: m * n)
        try GEMMReference.multiplyAddWrapping(a: x, aLayout, b: w, bLayout, m: m, n: n, k: k, into: &y, offset: 0, ldc: n)
        if alpha != 1 { y = y.map { T(clampingDouble: Double(alpha) * $0.doubleValue) } }
        if let c, beta != 0, let values = c.elements(as: T.self) {
            for (i, source) in BroadcastIndexer(shape: c.shape, target: [m, n]).enumerated() {
                y[i] = y[i] &+ (beta == 1 ? values[source] : T(clampingDouble: Double(beta) * values[source].doubleValue))
            }
        }
        return y
    }
}

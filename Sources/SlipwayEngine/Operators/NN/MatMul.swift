import SlipwayTensor

/// ONNX `MatMul`: the matrix product of the last two axes, numpy style: 1-D operands are promoted
/// (a leading or trailing 1 that is removed again) and the leading batch axes broadcast.
///
/// Float types run on the packed SIMD GEMM (float16/bfloat16 convert through float32); a constant 2-D
/// right operand is packed once at load time. Integer types wrap on overflow.
public struct MatMul: Operator {
    let opset: Int
    /// The constant right operand packed at load time (float32 compute path).
    var packedB: SGEMMPackedB?
    /// A bias added along the last axis and an activation, set by the fusion pass
    /// (`MatMul → Add(constant [n]) → Relu`); only with a constant float32 B.
    var bias: [Float]?
    /// The rank of the fused bias (`[n]` or `[1, n]`): a `[1, n]` bias turns a rank-1 product into `[1, n]`.
    var biasRank = 1
    var activation: NNFusedActivation?
    /// A scalar the product is multiplied by last, set by the fusion pass (`MatMul → Mul(constant scalar)`,
    /// attention's `1/√d` scaling); float32 only.
    var scale: Float?

    public init(_ config: OperatorConfiguration) throws {
        opset = config.opsetVersion
    }

    static func allowedTypes(opset: Int) -> Set<DataType> {
        var types: Set<DataType> = [.float32, .float64, .float16]
        if opset >= 9 { types.formUnion([.int32, .int64, .uint32, .uint64]) }
        if opset >= 13 { types.insert(.bfloat16) }
        return types
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let aType = try inputs.dataType(0, "A")
        let bType = try inputs.dataType(1, "B")
        try requireType(aType, in: Self.allowedTypes(opset: opset), "MatMul input 'A'")
        guard aType == bType else {
            throw EngineError.invalidModel("MatMul inputs 'A' (\(aType)) and 'B' (\(bType)) must have the same type")
        }
        let a = try inputs.fact(0, "A"), b = try inputs.fact(1, "B")
        var shape: [Dim]? = nil
        if let sa = a.shape, let sb = b.shape {
            shape = try Self.outputShape(sa, sb)
        }
        if let constant = b.constantTensor, aType != .float64, aType.isFloatingPoint, constant.rank <= 2, constant.rank >= 1 {
            let values = try NNFloat.values(constant, as: Float.self)
            let k = constant.rank == 1 ? constant.shape[0] : constant.shape[0]
            let n = constant.rank == 1 ? 1 : constant.shape[1]
            packedB = try SGEMM.packB(values, .rowMajor(columns: n), depth: k, columns: n)
        }
        if bias != nil, biasRank == 2, let s = shape, s.count == 1 { shape = [.fixed(1)] + s }
        if scale != nil || activation != nil, aType != .float32 {
            throw EngineError.invalidModel("MatMul: a fused scale or activation needs float32 inputs, got \(aType)")
        }
        return [ValueFact(aType, shape: shape)]
    }

    /// The output shape of `A · B` for symbolic shapes; throws when the inner dimensions certainly differ.
    static func outputShape(_ a: [Dim], _ b: [Dim]) throws -> [Dim] {
        guard !a.isEmpty, !b.isEmpty else { throw EngineError.invalidModel("MatMul inputs must have rank >= 1 (scalars are not allowed)") }
        let a2 = a.count == 1 ? [Dim.fixed(1)] + a : a
        let b2 = b.count == 1 ? b + [Dim.fixed(1)] : b
        if let ka = a2[a2.count - 1].value, let kb = b2[b2.count - 2].value, ka != kb {
            throw EngineError.invalidModel("MatMul: inner dimensions differ: A has \(ka) columns, B has \(kb) rows")
        }
        guard let batch = Dim.broadcast([Array(a2.dropLast(2)), Array(b2.dropLast(2))]) else {
            throw EngineError.invalidModel("MatMul: batch dimensions of \(Plan.shapeText(a)) and \(Plan.shapeText(b)) do not broadcast")
        }
        var out = batch
        if a.count > 1 { out.append(a2[a2.count - 2]) }
        if b.count > 1 { out.append(b2[b2.count - 1]) }
        return out
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B")
        guard a.dataType == b.dataType else {
            throw EngineError.invalidInput("MatMul inputs 'A' (\(a.dataType)) and 'B' (\(b.dataType)) must have the same type")
        }
        let problem = try NNMatMulProblem(aShape: a.shape, bShape: b.shape)
        let storage: TensorStorage
        switch a.storage {
        case .float64(let x):
            guard case .float64(let y) = b.storage else { throw EngineError.invalidInput("MatMul: B must be double") }
            storage = .float64(try problem.runDouble(x, y))
        case .float32, .float16, .bfloat16:
            let x = try NNFloat.values(a, as: Float.self)
            let packed = packedB.flatMap { $0.depth == problem.k && $0.columns == problem.n ? $0 : nil }
            let y = packed != nil && problem.foldsIntoRows ? [] : try NNFloat.values(b, as: Float.self)
            var result: [Float]
            if problem.foldsIntoRows, context.threads > 1 {
                // Rows of A are independent: with several threads, each multiplies a share of them.
                let k = problem.k, bShape = b.shape
                result = try context.rowChunks(rows: problem.rows, minimumRows: 32) { range in
                    if range.count == problem.rows { return try problem.runFloat(x, y, packedB: packed) }
                    let piece = try NNMatMulProblem(aShape: [range.count, k], bShape: bShape)
                    return try piece.runFloat(Array(x[(range.lowerBound * k)..<(range.upperBound * k)]), y, packedB: packed)
                }
            } else {
                result = try problem.runFloat(x, y, packedB: packed)
            }
            if bias != nil || activation != nil || scale != nil {
                try NNEpilogue.apply(&result, columns: max(problem.n, 1), bias: bias ?? [], activation: activation, scale: scale)
            }
            storage = NNFloat.storage(result, as: a.dataType)
        case .int32(let x): storage = .int32(try problem.runInteger(x, try Self.same(b, as: Int32.self)))
        case .int64(let x): storage = .int64(try problem.runInteger(x, try Self.same(b, as: Int64.self)))
        case .uint32(let x): storage = .uint32(try problem.runInteger(x, try Self.same(b, as: UInt32.self)))
        case .uint64(let x): storage = .uint64(try problem.runInteger(x, try Self.same(b, as: UInt64.self)))
        default:
            throw EngineError.invalidInput("MatMul does not support type \(a.dataType)")
        }
        var shape = problem.outputShape
        if bias != nil, biasRank == 2, shape.count == 1 { shape = [1] + shape }
        return [.tensor(Tensor(uncheckedShape: shape, storage: storage))]
    }

    static func same<T: TensorElement>(_ t: Tensor, as type: T.Type) throws -> [T] {
        guard let values = t.elements(as: T.self) else { throw EngineError.invalidInput("MatMul: B must be \(T.dataType)") }
        return values
    }
}

/// The geometry of one (batched) matrix product, with numpy promotion and batch broadcasting resolved.
struct NNMatMulProblem: Sendable {
    let m: Int, n: Int, k: Int
    let outputShape: [Int]
    /// Per output matrix: the flat offsets of its A and B operands.
    let offsets: [(a: Int, b: Int)]
    /// B has no batch (or only size-1 batch axes): A's batches fold into the rows of one product.
    let foldsIntoRows: Bool

    init(aShape: [Int], bShape: [Int]) throws {
        guard !aShape.isEmpty, !bShape.isEmpty else { throw EngineError.invalidInput("MatMul inputs must have rank >= 1") }
        let a2 = aShape.count == 1 ? [1] + aShape : aShape
        let b2 = bShape.count == 1 ? bShape + [1] : bShape
        m = a2[a2.count - 2]
        k = a2[a2.count - 1]
        n = b2[b2.count - 1]
        guard b2[b2.count - 2] == k else {
            throw EngineError.invalidInput("MatMul: A \(aShape) has \(k) columns but B \(bShape) has \(b2[b2.count - 2]) rows")
        }
        let batchA = Array(a2.dropLast(2)), batchB = Array(b2.dropLast(2))
        guard let batch = Shape.broadcast(batchA, batchB) else {
            throw EngineError.invalidInput("MatMul: batch dimensions of \(aShape) and \(bShape) do not broadcast")
        }
        var out = batch
        if aShape.count > 1 { out.append(m) }
        if bShape.count > 1 { out.append(n) }
        outputShape = out
        let batchCount = Shape.elementCount(batch) ?? 0
        foldsIntoRows = batchB.allSatisfy { $0 == 1 } && Shape.elementCount(batchA) == batchCount
        if foldsIntoRows {
            offsets = []
        } else {
            let aIndex = BroadcastIndexer(shape: batchA, target: batch)
            let bIndex = BroadcastIndexer(shape: batchB, target: batch)
            let (m, n, k) = (self.m, self.n, self.k)
            offsets = zip(aIndex, bIndex).map { ($0 * m * k, $1 * k * n) }
        }
    }

    var batchCount: Int { foldsIntoRows ? 1 : offsets.count }
    var rows: Int { foldsIntoRows ? (Shape.elementCount(outputShape) ?? 0) / max(n, 1) : m }

    func runFloat(_ a: [Float], _ b: [Float], packedB: SGEMMPackedB?) throws -> [Float] {
        let total = Shape.elementCount(outputShape) ?? 0
        var c = [Float](repeating: 0, count: total)
        guard total > 0, k > 0 else { return c }
        if foldsIntoRows {
            let rows = self.rows
            if let packedB {
                try SGEMM.multiplyAdd(a: a, .rowMajor(columns: k), m: rows, packedB: packedB, into: &c, offset: 0, ldc: n)
            } else {
                try SGEMM.multiplyAdd(
                    a: a, .rowMajor(columns: k), b: b, .rowMajor(columns: n), m: rows, n: n, k: k, into: &c, offset: 0, ldc: n)
            }
            return c
        }
        for (index, pair) in offsets.enumerated() {
            try SGEMM.multiplyAdd(
                a: a, .rowMajor(columns: k, offset: pair.a), b: b, .rowMajor(columns: n, offset: pair.b), m: m, n: n, k: k,
                into: &c, offset: index * m * n, ldc: n)
        }
        return c
    }

    func runDouble(_ a: [Double], _ b: [Double]) throws -> [Double] {
        let total = Shape.elementCount(outputShape) ?? 0
        var c = [Double](repeating: 0, count: total)
        guard total > 0, k > 0 else { return c }
        if foldsIntoRows {
            try DGEMM.multiplyAdd(a: a, .rowMajor(columns: k), b: b, .rowMajor(columns: n), m: rows, n: n, k: k, into: &c, offset: 0, ldc: n)
            return c
        }
        for (index, pair) in offsets.enumerated() {
            try DGEMM.multiplyAdd(
                a: a, .rowMajor(columns: k, offset: pair.a), b: b, .rowMajor(columns: n, offset: pair.b), m: m, n: n, k: k,
                into: &c, offset: index * m * n, ldc: n)
        }
        return c
    }

    func runInteger<T: IntegerElement>(_ a: [T], _ b: [T]) throws -> [T] {
        let total = Shape.elementCount(outputShape) ?? 0
        var c = [T](repeating: 0, count: total)
        guard total > 0, k > 0 else { return c }
        if foldsIntoRows {
            try GEMMReference.multiplyAddWrapping(
                a: a, .rowMajor(columns: k), b: b, .rowMajor(columns: n), m: rows, n: n, k: k, into: &c, offset: 0, ldc: n)
            return c
        }
        for (index, pair) in offsets.enumerated() {
            try GEMMReference.multiplyAddWrapping(
                a: a, .rowMajor(columns: k, offset: pair.a), b: b, .rowMajor(columns: n, offset: pair.b), m: m, n: n, k: k,
                into: &c, offset: index * m * n, ldc: n)
        }
        return c
    }
}

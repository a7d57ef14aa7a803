import SlipwayTensor

/// ONNX `Conv`: N-d convolution (1-D, 2-D, 3-D, ...) of `X [N, C, D...]` with `W [M, C/group, K...]` plus an
/// optional bias `B [M]`, with strides, dilations, explicit or automatic (SAME_UPPER/SAME_LOWER/VALID)
/// padding and groups.
///
/// Computed as im2col followed by the packed GEMM (1×1 convolutions read the input directly); a
/// constant W is packed once at load time, one panel set per group. 2-D stride-1 convolutions with few
/// taps per output (`C/group · kh · kw ≤ 288`) run the direct kernel ``NNDirectConv`` instead, with the
/// bias and a fused Relu applied in its store.
public struct Conv: Operator {
    let window: NNWindowAttributes
    let group: Int
    /// Per group, the constant weights packed as GEMM left operands (float32 compute path).
    var packedWeights: [SGEMMPackedA]?
    /// The constant weights packed for the direct 2-D kernel (float32 compute path).
    var directWeights: NNDirectConvWeights?
    /// An activation applied to the output, set by the fusion pass (`Conv → Relu`).
    var activation: NNFusedActivation?

    public init(_ config: OperatorConfiguration) throws {
        window = try NNWindowAttributes(config, allowCeilMode: false)
        group = try config.attributes.int("group", default: 1)
        guard group >= 1 else { throw EngineError.invalidModel("Conv: attribute 'group' must be >= 1, got \(group)") }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .nnFloat, "Conv input 'X'")
        let wType = try inputs.dataType(1, "W")
        guard wType == dataType else { throw EngineError.invalidModel("Conv input 'W' has type \(wType), expected \(dataType) like 'X'") }
        if let bias = inputs.optionalFact(2), bias.dataType != dataType {
            throw EngineError.invalidModel("Conv input 'B' has type \(bias.type), expected tensor(\(dataType))")
        }
        let x = try inputs.fact(0, "X"), w = try inputs.fact(1, "W")
        let xShape = try NNShape.requireRank(x, atLeast: 3, "Conv input 'X'")
        let wShape = try NNShape.requireRank(w, atLeast: 3, "Conv input 'W'")
        var outputShape: [Dim]? = nil
        if let xShape, let wShape {
            guard xShape.count == wShape.count else {
                throw EngineError.invalidModel("Conv: 'X' \(Plan.shapeText(xShape)) and 'W' \(Plan.shapeText(wShape)) have different ranks")
            }
            if let m = wShape[0].value, m % group != 0 {
                throw EngineError.invalidModel("Conv: W has \(m) output channels, not a multiple of group \(group)")
            }
            if let c = xShape[1].value, let cg = wShape[1].value, c != cg * group {
                throw EngineError.invalidModel("Conv: X has \(c) channels but W expects \(cg) × group \(group)")
            }
            let weightKernel = wShape.dropFirst(2).compactMap(\.value)
            if let kernel = window.kernelShape ?? (weightKernel.count == wShape.count - 2 ? weightKernel : nil) {
                let spatial = try window.outputDims(input: Array(xShape.dropFirst(2)), kernel: kernel)
                outputShape = [xShape[0], wShape[0]] + spatial
            } else {
                outputShape = [xShape[0], wShape[0]] + Array(repeating: .unknown, count: xShape.count - 2)
            }
        }
        if let weights = w.constantTensor, dataType != .float64, weights.rank >= 3 {
            let values = try NNFloat.values(weights, as: Float.self)
            let m = weights.shape[0], depth = weights.count / max(m, 1)
            if m % group == 0 {
                let mg = m / group
                packedWeights = try (0..<group).map { g in
                    try SGEMM.packA(values, GEMMLayout(offset: g * mg * depth, rowStride: depth, columnStride: 1), rows: mg, depth: depth)
                }
                if weights.rank == 4 { directWeights = try NNDirectConv.pack(values, outputChannels: m, group: group, taps: depth) }
            }
        }
        return [ValueFact(dataType, shape: outputShape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X"), w = try inputs.tensor(1, "W")
        let bias = try inputs.optionalTensor(2)
        guard x.rank >= 3, x.rank == w.rank else {
            throw EngineError.invalidInput("Conv: 'X' \(x.shape) and 'W' \(w.shape) must have the same rank >= 3")
        }
        let (n, c, m) = (x.shape[0], x.shape[1], w.shape[0])
        guard m % group == 0, c == w.shape[1] * group else {
            throw EngineError.invalidInput("Conv: X has \(c) channels, W \(w.shape) with group \(group) expects \(w.shape[1] * group)")
        }
        if let bias, bias.count != m { throw EngineError.invalidInput("Conv: bias 'B' has \(bias.count) values, expected \(m)") }
        let kernel = window.kernelShape ?? Array(w.shape.dropFirst(2))
        guard kernel == Array(w.shape.dropFirst(2)) else {
            throw EngineError.invalidInput("Conv: attribute 'kernel_shape' \(kernel) does not match W \(w.shape)")
        }
        let g = try window.geometry(input: Array(x.shape.dropFirst(2)), kernel: kernel)
        let problem = NNConvProblem(n: n, c: c, m: m, group: group, geometry: g)
        let outputShape = [n, m] + g.output
        let storage: TensorStorage
        if x.dataType == .float64 {
            var y = try problem.runDouble(
                try NNFloat.values(x, as: Double.self), try NNFloat.values(w, as: Double.self),
                bias: try bias.map { try NNFloat.values($0, as: Double.self) })
            if activation == .relu { y = y.map { $0 < 0 ? 0 : $0 } }
            storage = .float64(y)
        } else {
            let xs = try NNFloat.values(x, as: Float.self)
            let bs = try bias.map { try NNFloat.values($0, as: Float.self) }
            // Images are independent: with several threads, each runs a share of them.
            let perImage = n > 0 ? xs.count / n : 0
            if NNDirectConv.supports(g, channelsPerGroup: c / group) {
                let direct =
                    try directWeights.flatMap { $0.groups == group && $0.taps == problem.depth && $0.outputChannels == m / group ? $0 : nil }
                    ?? NNDirectConv.pack(try NNFloat.values(w, as: Float.self), outputChannels: m, group: group, taps: problem.depth)
                let relu = activation == .relu
                let y = try context.rowChunks(rows: n, minimumRows: 1) { range in
                    let slice = range.count == n ? xs : Array(xs[(range.lowerBound * perImage)..<(range.upperBound * perImage)])
                    return try NNDirectConv.run(slice, n: range.count, channels: c, geometry: g, weights: direct, bias: bs, relu: relu)
                }
                return [.tensor(Tensor(uncheckedShape: outputShape, storage: NNFloat.storage(y, as: x.dataType)))]
            }
            let packed = packedWeights.flatMap { $0.count == group && $0.first?.depth == problem.depth ? $0 : nil }
            let ws = packed == nil ? try NNFloat.values(w, as: Float.self) : []
            var y = try context.rowChunks(rows: n, minimumRows: 1) { [group] range in
                if range.count == n { return try problem.runFloat(xs, ws, packedWeights: packed, bias: bs) }
                let piece = NNConvProblem(n: range.count, c: c, m: m, group: group, geometry: g)
                let slice = Array(xs[(range.lowerBound * perImage)..<(range.upperBound * perImage)])
                return try piece.runFloat(slice, ws, packedWeights: packed, bias: bs)
            }
            if activation != nil { try NNEpilogue.apply(&y, columns: max(y.count, 1), bias: [], activation: activation) }
            storage = NNFloat.storage(y, as: x.dataType)
        }
        return [.tensor(Tensor(uncheckedShape: outputShape, storage: storage))]
    }
}

/// One convolution call's sizes: per image and group, `Y_g [M/group × out] = W_g [M/group × depth] · col`.
struct NNConvProblem: Sendable {
    let n: Int, c: Int, m: Int, group: Int
    let geometry: NNWindowGeometry
    var cg: Int { c / group }
    var mg: Int { m / group }
    var depth: Int { cg * geometry.kernelSize }

    /// Output initialised with the bias of each channel.
    func initialOutput<T: BinaryFloatingPoint>(bias: [T]?) -> [T] {
        let outputSize = geometry.outputSize
        var y = [T](repeating: 0, count: n * m * outputSize)
        if let bias {
            for image in 0..<n {
                for channel in 0..<m {
                    let start = (image * m + channel) * outputSize
                    let value = bias[channel]
                    for i in start..<(start + outputSize) { y[i] = value }
                }
            }
        }
        return y
    }

    func runFloat(_ x: [Float], _ w: [Float], packedWeights: [SGEMMPackedA]?, bias: [Float]?) throws -> [Float] {
        var y = initialOutput(bias: bias)
        let inputSize = geometry.inputSize, outputSize = geometry.outputSize
        guard outputSize > 0, depth > 0 else { return y }
        let pointwise = geometry.isPointwise
        if !pointwise, geometry.spatial == 2, let packedWeights {
            // im2col straight into the GEMM's packed layout: no intermediate column matrix.
            let panels = (outputSize + SGEMM.nr - 1) / SGEMM.nr
            var packedB = SGEMMPackedB(depth: depth, columns: outputSize, data: [Float](repeating: 0, count: panels * SGEMM.nr * depth))
            for image in 0..<n {
                for g in 0..<group {
                    // Refilled in place: the buffer stays uniquely referenced, so no copy-on-write.
                    try NNIm2Col.im2col2DPacked(
                        x, offset: (image * c + g * cg) * inputSize, channels: cg, geometry: geometry, into: &packedB.data)
                    try SGEMM.multiplyAdd(
                        packedWeights[g], packedB, into: &y, offset: (image * m + g * mg) * outputSize, ldc: outputSize)
                }
            }
            return y
        }
        let tables = pointwise || geometry.spatial == 2 ? [] : NNIm2Col.coordinateTables(geometry)
        var col = pointwise ? [] : [Float](repeating: 0, count: depth * outputSize)
        for image in 0..<n {
            for g in 0..<group {
                let inputOffset = (image * c + g * cg) * inputSize
                let outputOffset = (image * m + g * mg) * outputSize
                let source: [Float]
                let layout: GEMMLayout
                if pointwise {
                    source = x
                    layout = GEMMLayout(offset: inputOffset, rowStride: inputSize, columnStride: 1)
                } else {
                    if geometry.spatial == 2 {
                        try NNIm2Col.im2col2D(x, offset: inputOffset, channels: cg, geometry: geometry, into: &col)
                    } else {
                        try NNIm2Col.im2col(x, offset: inputOffset, channels: cg, geometry: geometry, tables: tables, into: &col)
                    }
                    source = col
                    layout = .rowMajor(columns: outputSize)
                }
                if let packedWeights {
                    try SGEMM.multiplyAdd(
                        packedA: packedWeights[g], b: source, layout, n: outputSize, into: &y, offset: outputOffset, ldc: outputSize)
                } else {
                    try SGEMM.multiplyAdd(
                        a: w, GEMMLayout(offset: g * mg * depth, rowStride: depth, columnStride: 1), b: source, layout,
                        m: mg, n: outputSize, k: depth, into: &y, offset: outputOffset, ldc: outputSize)
                }
            }
        }
        return y
    }

    func runDouble(_ x: [Double], _ w: [Double], bias: [Double]?) throws -> [Double] {
        var y = initialOutput(bias: bias)
        let inputSize = geometry.inputSize, outputSize = geometry.outputSize
        guard outputSize > 0, depth > 0 else { return y }
        let tables = NNIm2Col.coordinateTables(geometry)
        var col = [Double](repeating: 0, count: depth * outputSize)
        for image in 0..<n {
            for g in 0..<group {
                try NNIm2Col.im2col(x, offset: (image * c + g * cg) * inputSize, channels: cg, geometry: geometry, tables: tables, into: &col)
                try DGEMM.multiplyAdd(
                    a: w, GEMMLayout(offset: g * mg * depth, rowStride: depth, columnStride: 1), b: col, .rowMajor(columns: outputSize),
                    m: mg, n: outputSize, k: depth, into: &y, offset: (image * m + g * mg) * outputSize, ldc: outputSize)
            }
        }
        return y
    }
}

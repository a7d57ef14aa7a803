import SlipwayTensor

/// ONNX `ConvTranspose`: the transpose (gradient) of `Conv`: `X [N, C, D...]` with `W [C, M/group, K...]`
/// gives `Y [N, M, D'...]`, with strides, dilations, pads (explicit, SAME_UPPER/SAME_LOWER or derived
/// from `output_shape`), `output_padding`, groups and an optional bias `B [M]`.
///
/// Computed as GEMM (`Wᵀ · X` into columns) followed by col2im.
public struct ConvTranspose: Operator {
    let window: NNWindowAttributes
    let group: Int
    let outputPadding: [Int]?
    let outputShapeAttribute: [Int]?

    public init(_ config: OperatorConfiguration) throws {
        window = try NNWindowAttributes(config, allowCeilMode: false)
        group = try config.attributes.int("group", default: 1)
        outputPadding = try config.attributes.ints("output_padding")
        outputShapeAttribute = try config.attributes.ints("output_shape")
        guard group >= 1 else { throw EngineError.invalidModel("ConvTranspose: attribute 'group' must be >= 1, got \(group)") }
    }

    /// Resolves pads and the output spatial sizes for an input of `input` spatial sizes.
    func geometry(input: [Int], kernel: [Int]) throws -> NNWindowGeometry {
        let spatial = input.count
        try window.validate(spatial: spatial, kernel: kernel)
        let strides = window.strides ?? Array(repeating: 1, count: spatial)
        let dilations = window.dilations ?? Array(repeating: 1, count: spatial)
        let extra = outputPadding ?? Array(repeating: 0, count: spatial)
        guard extra.count == spatial else {
            throw EngineError.invalidModel("ConvTranspose: attribute 'output_padding' \(extra) needs \(spatial) values")
        }
        var begin = Array(repeating: 0, count: spatial), end = Array(repeating: 0, count: spatial)
        var output = Array(repeating: 0, count: spatial)
        var requested: [Int]? = outputShapeAttribute.map { Array($0.suffix(spatial)) }
        if requested == nil, window.autoPad == .sameUpper || window.autoPad == .sameLower {
            requested = zip(input, strides).map { $0 * $1 }
        }
        for i in 0..<spatial {
            let extent = (kernel[i] - 1) * dilations[i] + 1
            let full = strides[i] * (input[i] - 1) + extra[i] + extent
            if let requested {
                guard requested.count == spatial else {
                    throw EngineError.invalidModel("ConvTranspose: attribute 'output_shape' needs \(spatial) spatial values")
                }
                let total = full - requested[i]
                if window.autoPad == .sameUpper {
                    begin[i] = total / 2
                    end[i] = total - total / 2
                } else {
                    begin[i] = total - total / 2
                    end[i] = total / 2
                }
                output[i] = requested[i]
            } else {
                if window.autoPad == .notSet {
                    begin[i] = window.pads?[i] ?? 0
                    end[i] = window.pads?[i + spatial] ?? 0
                }
                output[i] = full - begin[i] - end[i]
            }
            guard output[i] > 0 else {
                throw EngineError.invalidInput("ConvTranspose: output size \(output[i]) on spatial axis \(i) is not positive")
            }
        }
        // Described as the forward convolution from the (large) output to the (small) input.
        return NNWindowGeometry(
            input: output, kernel: kernel, strides: strides, dilations: dilations, padsBegin: begin, padsEnd: end, output: input)
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .nnFloat, "ConvTranspose input 'X'")
        let wType = try inputs.dataType(1, "W")
        guard wType == dataType else {
            throw EngineError.invalidModel("ConvTranspose input 'W' has type \(wType), expected \(dataType) like 'X'")
        }
        let x = try inputs.fact(0, "X"), w = try inputs.fact(1, "W")
        let xShape = try NNShape.requireRank(x, atLeast: 3, "ConvTranspose input 'X'")
        let wShape = try NNShape.requireRank(w, atLeast: 3, "ConvTranspose input 'W'")
        var outputShape: [Dim]? = nil
        if let xShape, let wShape {
            guard xShape.count == wShape.count else {
                throw EngineError.invalidModel("ConvTranspose: 'X' and 'W' have different ranks")
            }
            let channels: Dim = wShape[1].value.map { .fixed($0 * group) } ?? .unknown
            let kernel = window.kernelShape ?? wShape.dropFirst(2).map { $0.value ?? 1 }
            let inputSpatial = xShape.dropFirst(2).compactMap(\.value)
            if inputSpatial.count == xShape.count - 2 {
                outputShape = [xShape[0], channels] + (try geometry(input: inputSpatial, kernel: kernel)).input.map { .fixed($0) }
            } else {
                outputShape = [xShape[0], channels] + Array(repeating: .unknown, count: xShape.count - 2)
            }
        }
        return [ValueFact(dataType, shape: outputShape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X"), w = try inputs.tensor(1, "W")
        let bias = try inputs.optionalTensor(2)
        guard x.rank >= 3, x.rank == w.rank else {
            throw EngineError.invalidInput("ConvTranspose: 'X' \(x.shape) and 'W' \(w.shape) must have the same rank >= 3")
        }
        let (n, c) = (x.shape[0], x.shape[1])
        guard w.shape[0] == c, c % group == 0 else {
            throw EngineError.invalidInput("ConvTranspose: X has \(c) channels but W \(w.shape) expects \(w.shape[0]) (group \(group))")
        }
        let mg = w.shape[1], m = mg * group, cg = c / group
        if let bias, bias.count != m { throw EngineError.invalidInput("ConvTranspose: bias 'B' has \(bias.count) values, expected \(m)") }
        let kernel = Array(w.shape.dropFirst(2))
        if let declared = window.kernelShape, declared != kernel {
            throw EngineError.invalidInput("ConvTranspose: attribute 'kernel_shape' \(declared) does not match W \(w.shape)")
        }
        let g = try geometry(input: Array(x.shape.dropFirst(2)), kernel: kernel)
        let outputShape = [n, m] + g.input
        let storage: TensorStorage
        if x.dataType == .float64 {
            storage = .float64(
                try compute(
                    try NNFloat.values(x, as: Double.self), try NNFloat.values(w, as: Double.self),
                    bias: try bias.map { try NNFloat.values($0, as: Double.self) }, n: n, cg: cg, mg: mg, geometry: g))
        } else {
            let y = try compute(
                try NNFloat.values(x, as: Float.self), try NNFloat.values(w, as: Float.self),
                bias: try bias.map { try NNFloat.values($0, as: Float.self) }, n: n, cg: cg, mg: mg, geometry: g)
            storage = NNFloat.storage(y, as: x.dataType)
        }
        return [.tensor(Tensor(uncheckedShape: outputShape, storage: storage))]
    }

    func compute<T: NNReal>(_ x: [T], _ w: [T], bias: [T]?, n: Int, cg: Int, mg: Int, geometry g: NNWindowGeometry) throws -> [T] {
        let m = mg * group, c = cg * group
        let smallSize = g.outputSize, largeSize = g.inputSize, kernelSize = g.kernelSize
        let rows = mg * kernelSize
        var y = [T](repeating: 0, count: n * m * largeSize)
        let tables = NNIm2Col.coordinateTables(g)
        var col = [T](repeating: 0, count: rows * smallSize)
        for image in 0..<n {
            for gi in 0..<group {
                for i in col.indices { col[i] = 0 }
                // col [mg·K × small] = W_gᵀ · X_g, with W_g [cg × mg·K] stored row-major.
                let aLayout = GEMMLayout(offset: gi * cg * rows, rowStride: 1, columnStride: rows)
                let bLayout = GEMMLayout(offset: (image * c + gi * cg) * smallSize, rowStride: smallSize, columnStride: 1)
                try T.nnMultiplyAdd(a: w, aLayout, b: x, bLayout, m: rows, n: smallSize, k: cg, into: &col, offset: 0, ldc: smallSize)
                try NNIm2Col.col2im(col, channels: mg, geometry: g, tables: tables, into: &y, offset: (image * m + gi * mg) * largeSize)
            }
        }
        if let bias {
            for image in 0..<n {
                for channel in 0..<m {
                    let start = (image * m + channel) * largeSize
                    for i in start..<(start + largeSize) { y[i] += bias[channel] }
                }
            }
        }
        return y
    }
}

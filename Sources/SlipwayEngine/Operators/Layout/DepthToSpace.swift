import SlipwayTensor

/// ONNX `DepthToSpace`: moves blocks of `blocksize × blocksize` channels of an NCHW tensor into
/// spatial blocks: `[N, C, H, W] → [N, C / b², H·b, W·b]`. Mode `DCR` (default) takes the block
/// offset from the outer channel bits, `CRD` (opset 11+) from the inner ones.
///
/// One strided copy of a 6-D view of the input.
public struct DepthToSpace: Operator {
    let blockSize: Int
    let columnRowDepth: Bool

    public init(_ config: OperatorConfiguration) throws {
        guard let b = try config.attributes.int("blocksize"), b >= 1, b <= 1 << 16 else {
            throw EngineError.invalidModel("DepthToSpace: attribute 'blocksize' must be a positive integer")
        }
        blockSize = b
        let mode = config.opsetVersion >= 11 ? try config.attributes.string("mode", default: "DCR") : "DCR"
        guard mode == "DCR" || mode == "CRD" else {
            throw EngineError.invalidModel("DepthToSpace: mode '\(mode)' is not DCR or CRD")
        }
        columnRowDepth = mode == "CRD"
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: Array(repeating: .unknown, count: 4))] }
        guard shape.count == 4 else {
            throw EngineError.invalidModel("DepthToSpace: input must have rank 4 (NCHW), it has rank \(shape.count)")
        }
        let b = blockSize
        if let c = shape[1].value, c % (b * b) != 0 {
            throw EngineError.invalidModel("DepthToSpace: \(c) channels are not divisible by blocksize² = \(b * b)")
        }
        func scaled(_ d: Dim, by f: Int) -> Dim { f == 1 ? d : d.value.map { .fixed($0 * f) } ?? .unknown }
        let channels = b == 1 ? shape[1] : shape[1].value.map { Dim.fixed($0 / (b * b)) } ?? .unknown
        return [ValueFact(dataType, shape: [shape[0], channels, scaled(shape[2], by: b), scaled(shape[3], by: b)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        guard input.rank == 4 else {
            throw EngineError.invalidInput("DepthToSpace: input must have rank 4 (NCHW), it has shape \(input.shape)")
        }
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let b = blockSize
        guard c % (b * b) == 0 else {
            throw EngineError.invalidInput("DepthToSpace: \(c) channels are not divisible by blocksize² = \(b * b)")
        }
        let outC = c / (b * b)
        let hw = h * w
        // Output view [N, C', H, b1, W, b2]; strides of each axis in the input.
        let channelStride = columnRowDepth ? b * b * hw : hw
        let b1Stride = columnRowDepth ? b * hw : b * outC * hw
        let b2Stride = columnRowDepth ? hw : outC * hw
        let strides = [c * hw, channelStride, w, b1Stride, 1, b2Stride]
        let storage = try LayoutStridedCopy.copy(input.storage, offset: 0, shape: [n, outC, h, b, w, b], strides: strides)
        return [.tensor(Tensor(uncheckedShape: [n, outC, h * b, w * b], storage: storage))]
    }
}

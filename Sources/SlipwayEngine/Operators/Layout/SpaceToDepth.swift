import SlipwayTensor

/// ONNX `SpaceToDepth`: the inverse of DepthToSpace: `[N, C, H, W] → [N, C·b², H / b, W / b]`, each
/// `b × b` spatial block becoming channels. Mode `DCR` (default) puts the block offset in the outer
/// channel bits, `CRD` (opset 28+) in the inner ones.
///
/// One strided copy of a 6-D view of the input.
public struct SpaceToDepth: Operator {
    let blockSize: Int
    let columnRowDepth: Bool

    public init(_ config: OperatorConfiguration) throws {
        guard let b = try config.attributes.int("blocksize"), b >= 1, b <= 1 << 16 else {
            throw EngineError.invalidModel("SpaceToDepth: attribute 'blocksize' must be a positive integer")
        }
        blockSize = b
        let mode = try config.attributes.string("mode", default: "DCR")
        guard mode == "DCR" || mode == "CRD" else {
            throw EngineError.invalidModel("SpaceToDepth: mode '\(mode)' is not DCR or CRD")
        }
        columnRowDepth = mode == "CRD"
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: Array(repeating: .unknown, count: 4))] }
        guard shape.count == 4 else {
            throw EngineError.invalidModel("SpaceToDepth: input must have rank 4 (NCHW), it has rank \(shape.count)")
        }
        let b = blockSize
        for axis in 2...3 {
            if let d = shape[axis].value, d % b != 0 {
                throw EngineError.invalidModel("SpaceToDepth: dimension \(axis) (\(d)) is not divisible by blocksize \(b)")
            }
        }
        func divided(_ d: Dim) -> Dim { b == 1 ? d : d.value.map { .fixed($0 / b) } ?? .unknown }
        let channels = b == 1 ? shape[1] : shape[1].value.map { Dim.fixed($0 * b * b) } ?? .unknown
        return [ValueFact(dataType, shape: [shape[0], channels, divided(shape[2]), divided(shape[3])])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        guard input.rank == 4 else {
            throw EngineError.invalidInput("SpaceToDepth: input must have rank 4 (NCHW), it has shape \(input.shape)")
        }
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let b = blockSize
        guard h % b == 0, w % b == 0 else {
            throw EngineError.invalidInput("SpaceToDepth: spatial size \(h)×\(w) is not divisible by blocksize \(b)")
        }
        let (oh, ow) = (h / b, w / b)
        // Input axes [N, C, H', b1, W', b2] have strides:
        let (sN, sC, sH, s1, sW, s2) = (c * h * w, h * w, b * w, w, b, 1)
        let shape: [Int]
        let strides: [Int]
        if columnRowDepth {
            shape = [n, c, b, b, oh, ow]
            strides = [sN, sC, s1, s2, sH, sW]
        } else {
            shape = [n, b, b, c, oh, ow]
            strides = [sN, s1, s2, sC, sH, sW]
        }
        let storage = try LayoutStridedCopy.copy(input.storage, offset: 0, shape: shape, strides: strides)
        return [.tensor(Tensor(uncheckedShape: [n, c * b * b, oh, ow], storage: storage))]
    }
}

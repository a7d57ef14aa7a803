import SlipwayTensor

/// The shared body of Softmax, LogSoftmax and Hardmax.
///
/// Opset < 13 coerces the input to 2-D `[prod(d[..<axis]), prod(d[axis...])]` and normalises each row
/// (axis defaults to 1); opset >= 13 normalises along the single `axis` (default -1).
struct NNSoftmaxFamily: Sendable {
    let op: String
    let opset: Int
    let axis: Int
    let mode: NNSoftmaxKernels.Mode

    init(_ config: OperatorConfiguration, mode: NNSoftmaxKernels.Mode) throws {
        op = config.opType
        opset = config.opsetVersion
        axis = try config.attributes.int("axis", default: opset >= 13 ? -1 : 1)
        self.mode = mode
    }

    func prepare(_ inputs: [ValueFact?]) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        try requireType(dataType, in: opset >= 13 ? .nnFloat : .nnFloatNoBF16, "\(op) input 'input'")
        let fact = try inputs.fact(0, "input")
        if let rank = fact.rank {
            let valid = opset >= 13 ? Shape.normalizeAxis(axis, rank: rank) != nil : (axis >= -rank && axis <= rank)
            guard valid else { throw EngineError.invalidModel("\(op): attribute 'axis' \(axis) is out of range for rank \(rank)") }
        }
        return [ValueFact(dataType, shape: fact.shape)]
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0, "input")
        let rank = x.rank
        let outer: Int, size: Int, inner: Int
        if opset >= 13 {
            guard let a = Shape.normalizeAxis(axis, rank: max(rank, 1)) else {
                throw EngineError.invalidInput("\(op): axis \(axis) is out of range for shape \(x.shape)")
            }
            let shape = rank == 0 ? [1] : x.shape
            outer = shape[..<a].reduce(1, *)
            size = shape[a]
            inner = shape[(a + 1)...].reduce(1, *)
        } else {
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a <= rank else { throw EngineError.invalidInput("\(op): axis \(axis) is out of range for shape \(x.shape)") }
            outer = x.shape[..<a].reduce(1, *)
            size = x.shape[a...].reduce(1, *)
            inner = 1
        }
        let storage: TensorStorage
        if x.dataType == .float64 {
            storage = .float64(try NNSoftmaxKernels.apply(try NNFloat.values(x, as: Double.self), outer: outer, axis: size, inner: inner, mode: mode))
        } else {
            let y = try NNSoftmaxKernels.apply(try NNFloat.values(x, as: Float.self), outer: outer, axis: size, inner: inner, mode: mode)
            storage = NNFloat.storage(y, as: x.dataType)
        }
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: storage))]
    }
}

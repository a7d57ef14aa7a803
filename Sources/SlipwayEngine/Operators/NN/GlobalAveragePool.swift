import SlipwayTensor

/// ONNX `GlobalAveragePool`: the mean of each spatial plane of `X [N, C, D...]`, giving `[N, C, 1, ...]`.
public struct GlobalAveragePool: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try NNGlobalPool.prepare(inputs, op: "GlobalAveragePool")
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try NNGlobalPool.run(inputs, op: "GlobalAveragePool", kind: .average)
    }
}

/// The shared body of the global pools: one reduction per contiguous spatial plane.
enum NNGlobalPool {
    enum Kind { case average, max, lp(Int) }

    static func prepare(_ inputs: [ValueFact?], op: String) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .nnFloat, "\(op) input 'X'")
        let shape = try NNShape.requireRank(try inputs.fact(0, "X"), atLeast: 3, "\(op) input 'X'")
        return [ValueFact(dataType, shape: shape.map { Array($0.prefix(2)) + Array(repeating: .fixed(1), count: $0.count - 2) })]
    }

    static func run(_ inputs: [Value?], op: String, kind: Kind) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        guard x.rank >= 3 else { throw EngineError.invalidInput("\(op): input 'X' must have rank >= 3, got \(x.shape)") }
        let planes = x.shape[0] * x.shape[1]
        let size = x.shape.dropFirst(2).reduce(1, *)
        let outputShape = Array(x.shape.prefix(2)) + Array(repeating: 1, count: x.rank - 2)
        let storage: TensorStorage
        if x.dataType == .float64 {
            storage = .float64(try NNPlaneReductions.reduce(try NNFloat.values(x, as: Double.self), planes: planes, size: size, kind: kind))
        } else {
            let y = try NNPlaneReductions.reduce(try NNFloat.values(x, as: Float.self), planes: planes, size: size, kind: kind)
            storage = NNFloat.storage(y, as: x.dataType)
        }
        return [.tensor(Tensor(uncheckedShape: outputShape, storage: storage))]
    }
}

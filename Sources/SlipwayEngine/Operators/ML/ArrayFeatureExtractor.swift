import SlipwayTensor

/// ONNX-ML `ArrayFeatureExtractor`: selects the elements at indices `Y` along the last axis of `X`
/// (`[1, len(Y)]` for a rank-1 `X`, as in onnxruntime).
public struct ArrayFeatureExtractor: Operator {
    static let op = "ArrayFeatureExtractor"

    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.float32, .float64, .int64, .int32, .string], "\(Self.op) input X")
        let y = try inputs.fact(1, "Y")
        try requireType(try inputs.dataType(1, "Y"), in: [.int64], "\(Self.op) input Y")
        if let rank = x.rank, rank == 0 { throw EngineError.invalidModel("\(Self.op): input X must not be a scalar") }
        var count = Dim.unknown
        if let shape = y.concreteShape, let c = Shape.elementCount(shape) { count = .fixed(c) }
        guard let shape = x.shape else { return [ValueFact(type, shape: nil)] }
        if shape.count == 1 { return [ValueFact(type, shape: [.fixed(1), count])] }
        return [ValueFact(type, shape: Array(shape.dropLast()) + [count])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let y = try inputs.tensor(1, "Y")
        guard x.rank >= 1 else { throw EngineError.invalidInput("\(Self.op): input X must not be a scalar") }
        guard case .int64(let indices) = y.storage else {
            throw EngineError.invalidInput("\(Self.op): input Y must be int64, got \(y.dataType)")
        }
        guard !indices.isEmpty else { throw EngineError.invalidInput("\(Self.op): input Y holds no indices") }
        let stride = x.shape[x.rank - 1]
        for (i, v) in indices.enumerated() where v < 0 || v >= stride {
            throw EngineError.invalidInput("\(Self.op): index Y[\(i)] = \(v) is out of range for the last axis of size \(stride)")
        }
        let outer = stride == 0 ? 0 : x.count / stride
        var offsets: [Int] = []
        offsets.reserveCapacity(outer * indices.count)
        for row in 0..<outer {
            for v in indices { offsets.append(row * stride + Int(v)) }
        }
        let shape = x.rank == 1 ? [1, indices.count] : Array(x.shape.dropLast()) + [indices.count]
        return [.tensor(x.gathering(offsets: offsets, shape: shape))]
    }
}

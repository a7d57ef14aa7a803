import SlipwayTensor

/// ONNX-ML `FeatureVectorizer`: concatenates its inputs' rows into `[N, sum(inputdimensions)]` float32,
/// each input contributing `inputdimensions[i]` columns (extra values dropped, missing ones zero).
public struct FeatureVectorizer: Operator {
    let dimensions: [Int]
    let total: Int

    static let op = "FeatureVectorizer"

    public init(_ config: OperatorConfiguration) throws {
        dimensions = try config.attributes.ints("inputdimensions") ?? []
        guard !dimensions.contains(where: { $0 < 0 }) else {
            throw EngineError.invalidModel("\(Self.op): 'inputdimensions' must not be negative: \(dimensions)")
        }
        total = dimensions.reduce(0, +)
        guard dimensions.count == config.inputCount else {
            throw EngineError.invalidModel("\(Self.op): \(config.inputCount) inputs but 'inputdimensions' has \(dimensions.count) values")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        guard !inputs.isEmpty else { throw EngineError.invalidModel("\(Self.op) needs at least one input") }
        for i in inputs.indices {
            try requireType(try inputs.dataType(i, "X\(i)"), in: [.int32, .int64, .float32, .float64], "\(Self.op) input \(i)")
        }
        let first = try inputs.fact(0, "X")
        return [ValueFact(.float32, shape: [MLRows.rowDim(first.shape), .fixed(total)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard inputs.count == dimensions.count else {
            throw EngineError.invalidInput("\(Self.op): \(inputs.count) inputs but 'inputdimensions' has \(dimensions.count) values")
        }
        let first = try inputs.tensor(0, "X")
        guard first.rank >= 1 else { throw EngineError.invalidInput("\(Self.op): input 0 must not be a scalar") }
        let rows = first.rank == 1 ? 1 : first.shape[0]
        var out = [Float](repeating: 0, count: rows * total)
        var offset = 0
        for (index, width) in dimensions.enumerated() {
            let t = try inputs.tensor(index, "X\(index)")
            guard t.rank >= 1 else { throw EngineError.invalidInput("\(Self.op): input \(index) must not be a scalar") }
            let values = try MLConvert.floats(t, op: Self.op)
            let ownRows = t.rank == 1 ? 1 : t.shape[0]
            guard ownRows <= rows else {
                throw EngineError.invalidInput("\(Self.op): input \(index) has \(ownRows) rows but input 0 has \(rows)")
            }
            let size = t.rank == 1 ? t.shape[0] : (ownRows == 0 ? 0 : t.count / ownRows)
            let copy = Swift.min(size, width)
            for r in 0..<ownRows {
                for j in 0..<copy { out[r * total + offset + j] = values[r * size + j] }
            }
            offset += width
        }
        return [.tensor(Tensor(uncheckedShape: [rows, total], storage: .float32(out)))]
    }
}

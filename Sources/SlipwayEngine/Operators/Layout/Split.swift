import SlipwayTensor

/// ONNX `Split`: cuts a tensor along `axis` into consecutive parts, one per output.
///
/// Part sizes come from `split` (an attribute before opset 13, an input from 13); without it the
/// dimension is divided equally (it must divide exactly), or, with `num_outputs` (opset 18+), into
/// chunks of `ceil(d / n)` with a smaller last one.
public struct Split: Operator {
    let axis: Int
    let attributeSplit: [Int]?
    let splitFromInput: Bool
    let numOutputs: Int?
    let outputCount: Int

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: 0)
        outputCount = config.outputCount
        if config.opsetVersion < 13 {
            attributeSplit = try config.attributes.ints("split")
            splitFromInput = config.opsetVersion < 2
        } else {
            attributeSplit = nil
            splitFromInput = true
        }
        numOutputs = config.opsetVersion >= 18 ? try config.attributes.int("num_outputs") : nil
        if let numOutputs, numOutputs != outputCount {
            throw EngineError.invalidModel("Split: num_outputs is \(numOutputs) but the node has \(outputCount) outputs")
        }
        guard outputCount >= 1 else { throw EngineError.invalidModel("Split needs at least one output") }
    }

    /// The size of every part for a dimension of `dim`.
    func sizes(dim: Int, split: [Int]?, code: EngineError.Code) throws -> [Int] {
        if let split {
            guard split.count == outputCount else {
                throw EngineError(code, "Split: 'split' has \(split.count) entries but the node has \(outputCount) outputs")
            }
            guard split.allSatisfy({ $0 >= 0 && $0 <= dim }), split.reduce(0, +) == dim else {
                throw EngineError(code, "Split: 'split' \(split) must be non-negative and sum to the dimension \(dim)")
            }
            return split
        }
        if numOutputs != nil {
            let chunk = (dim + outputCount - 1) / outputCount
            let last = dim - chunk * (outputCount - 1)
            guard last >= 0 else {
                throw EngineError(code, "Split: a dimension of \(dim) cannot be split into \(outputCount) chunks of \(chunk)")
            }
            return Array(repeating: chunk, count: outputCount - 1) + [last]
        }
        guard dim % outputCount == 0 else {
            throw EngineError(code, "Split: dimension \(dim) cannot be split into \(outputCount) equal parts")
        }
        return Array(repeating: dim / outputCount, count: outputCount)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        var split = attributeSplit
        var splitKnown = true
        if splitFromInput, let fact = inputs.optionalFact(1) {
            try LayoutSupport.requireIndexType(inputs, 1, "split", op: "Split")
            split = LayoutSupport.constantIntegers(fact)
            splitKnown = split != nil
        }
        guard let shape = inputs.optionalFact(0)?.shape else {
            return Array(repeating: ValueFact(dataType, shape: nil), count: outputCount)
        }
        let a = try LayoutSupport.normalizeAxis(axis, rank: shape.count, op: "Split")
        var partSizes: [Dim] = Array(repeating: .unknown, count: outputCount)
        if let dim = shape[a].value, splitKnown {
            partSizes = try sizes(dim: dim, split: split, code: .invalidModel).map { .fixed($0) }
        } else if let split, split.count == outputCount {
            partSizes = split.map { .fixed($0) }
        }
        return partSizes.map { size in
            var s = shape
            s[a] = size
            return ValueFact(dataType, shape: s)
        }
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        var split = attributeSplit
        if splitFromInput, let t = try inputs.optionalTensor(1) {
            split = try LayoutSupport.integers(t, "Split: input 'split'")
        }
        let a = try LayoutSupport.normalizeAxis(axis, rank: input.rank, op: "Split", code: .invalidInput)
        let parts = try sizes(dim: input.shape[a], split: split, code: .invalidInput)
        if parts.count == 1 { return [.tensor(input)] }
        let strides = Shape.strides(input.shape)
        var start = 0
        var outputs: [Value] = []
        for size in parts {
            var shape = input.shape
            shape[a] = size
            outputs.append(.tensor(try LayoutStridedCopy.copy(input, offset: start * strides[a], shape: shape, strides: strides)))
            start += size
        }
        return outputs
    }
}

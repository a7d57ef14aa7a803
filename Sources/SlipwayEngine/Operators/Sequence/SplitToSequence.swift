import SlipwayTensor

/// ONNX `SplitToSequence`: splits `input` along `axis` into a sequence of tensors.
///
/// `split` is either a scalar chunk length (the last chunk may be shorter) or a 1-D list of lengths that
/// sum to the axis size. Without `split` the tensor is cut into length-1 pieces, and `keepdims = 0`
/// removes the split axis from each.
public struct SplitToSequence: Operator {
    public let axis: Int
    public let keepDims: Bool

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: 0)
        let k = try config.attributes.int("keepdims", default: 1)
        guard k == 0 || k == 1 else { throw EngineError.invalidModel("attribute 'keepdims' must be 0 or 1, got \(k)") }
        keepDims = k == 1
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let input = try inputs.fact(0, "input")
        guard let d = input.dataType else { throw EngineError.invalidModel("input 'input' must be a tensor, got \(input.type)") }
        if let rank = input.rank, Shape.normalizeAxis(axis, rank: rank) == nil {
            throw EngineError.invalidModel("attribute 'axis' = \(axis) is out of range for an input of rank \(rank)")
        }
        if let split = inputs.optionalFact(1) {
            guard let s = split.dataType, s == .int32 || s == .int64 else {
                throw EngineError.invalidModel("input 'split' has type \(split.type), expected tensor(int32) or tensor(int64)")
            }
            if let rank = split.rank, rank > 1 {
                throw EngineError.invalidModel("input 'split' must be a scalar or 1-D, its rank is \(rank)")
            }
        }
        return [ValueFact(type: .sequence(.tensor(d)))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        guard let axis = Shape.normalizeAxis(axis, rank: input.rank) else {
            throw EngineError.invalidInput("attribute 'axis' = \(self.axis) is out of range for input shape \(input.shape)")
        }
        let length = input.shape[axis]
        var sizes: [Int]
        var squeeze = false
        if let split = try inputs.optionalTensor(1) {
            guard let values = split.integers() else {
                throw EngineError.invalidInput("input 'split' must hold integers, got \(split.dataType)")
            }
            if split.rank == 0 {
                guard let chunk = values.first, chunk > 0 else {
                    throw EngineError.invalidInput("input 'split' = \(values) must be a positive chunk length")
                }
                sizes = Array(repeating: chunk, count: length / chunk)
                if length % chunk != 0 { sizes.append(length % chunk) }
            } else {
                guard values.allSatisfy({ $0 >= 0 }), values.reduce(0, +) == length else {
                    throw EngineError.invalidInput(
                        "input 'split' = \(values) must be non-negative lengths summing to \(length) (axis \(axis) of \(input.shape))")
                }
                sizes = values
            }
        } else {
            sizes = Array(repeating: 1, count: length)
            squeeze = !keepDims
        }
        var elements: [Value] = []
        for var piece in try ControlFlowTensors.split(input, axis: axis, sizes: sizes) {
            if squeeze {
                var shape = piece.shape
                shape.remove(at: axis)
                try piece.reshape(shape)
            }
            elements.append(.tensor(piece))
        }
        return [.sequence(SequenceValue(elementType: .tensor(input.dataType), elements: elements))]
    }
}

import SlipwayTensor

/// ONNX `Concat`: joins tensors of equal rank along `axis`; all other dimensions must match.
///
/// Each output row is assembled from whole contiguous blocks of the inputs.
public struct Concat: Operator {
    let axis: Int

    public init(_ config: OperatorConfiguration) throws {
        if let axis = try config.attributes.int("axis") {
            self.axis = axis
        } else if config.opsetVersion < 4 {
            axis = 1
        } else {
            throw EngineError.invalidModel("Concat: attribute 'axis' is required")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        guard !inputs.isEmpty else { throw EngineError.invalidModel("Concat needs at least one input") }
        let dataType = try inputs.dataType(0, "inputs")
        var shapes: [[Dim]] = []
        var rank: Int? = nil
        for i in inputs.indices {
            let t = try inputs.dataType(i, "inputs")
            guard t == dataType else {
                throw EngineError.invalidModel("Concat: input \(i) has type \(t), input 0 has \(dataType)")
            }
            guard let shape = inputs[i]?.shape else { continue }
            if let r = rank, r != shape.count {
                throw EngineError.invalidModel("Concat: input \(i) has rank \(shape.count), others have rank \(r)")
            }
            rank = shape.count
            shapes.append(shape)
        }
        guard let rank else { return [ValueFact(dataType, shape: nil)] }
        guard rank > 0 else { throw EngineError.invalidModel("Concat: scalars cannot be concatenated") }
        let a = try LayoutSupport.normalizeAxis(axis, rank: rank, op: "Concat")
        var out = Array(repeating: Dim.unknown, count: rank)
        for d in 0..<rank where d != a {
            var merged = Dim.unknown
            for shape in shapes {
                if let x = merged.value, let y = shape[d].value, x != y {
                    throw EngineError.invalidModel("Concat: dimension \(d) differs between inputs (\(x) and \(y))")
                }
                merged = LayoutSupport.merge(merged, shape[d])
            }
            out[d] = merged
        }
        if shapes.count == inputs.count {
            var total = 0
            var known = true
            for shape in shapes {
                if let v = shape[a].value { total += v } else { known = false }
            }
            if known { out[a] = .fixed(total) }
        }
        return [ValueFact(dataType, shape: out)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let tensors = try inputs.indices.map { try inputs.tensor($0, "inputs") }
        guard let first = tensors.first else { throw EngineError.invalidInput("Concat needs at least one input") }
        guard first.rank > 0 else { throw EngineError.invalidInput("Concat: scalars cannot be concatenated") }
        let a = try LayoutSupport.normalizeAxis(axis, rank: first.rank, op: "Concat", code: .invalidInput)
        var shape = first.shape
        shape[a] = 0
        for (i, t) in tensors.enumerated() {
            guard t.dataType == first.dataType else {
                throw EngineError.invalidInput("Concat: input \(i) has type \(t.dataType), input 0 has \(first.dataType)")
            }
            guard t.rank == first.rank, zip(t.shape, first.shape).enumerated().allSatisfy({ $0.offset == a || $0.element.0 == $0.element.1 })
            else {
                throw EngineError.invalidInput("Concat: input \(i) has shape \(t.shape), which does not match \(first.shape) outside axis \(a)")
            }
            shape[a] += t.shape[a]
        }
        if tensors.count == 1 { return [.tensor(first)] }
        let outer = first.shape[..<a].reduce(1, *)
        let inner = first.shape[(a + 1)...].reduce(1, *)
        let storage = try LayoutIndexKernels.concat(tensors.map(\.storage), outer: outer, lengths: tensors.map { $0.shape[a] * inner })
        return [.tensor(Tensor(uncheckedShape: shape, storage: storage))]
    }
}

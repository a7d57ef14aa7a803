import SlipwayTensor

/// ONNX `Shape`: the input's shape as a 1-D int64 tensor, optionally only dimensions `start..<end`
/// (opset 15+; negative values count from the end, both are clamped to the rank).
///
/// When the selected dimensions are known at load time the result is a constant, so everything
/// computed from it folds.
///
/// Named `ShapeOperator`, not `Shape`, so it does not shadow `SlipwayTensor.Shape` (the shape-arithmetic
/// namespace every module uses).
public struct ShapeOperator: Operator {
    let start: Int
    let end: Int?

    public init(_ config: OperatorConfiguration) throws {
        if config.opsetVersion >= 15 {
            start = try config.attributes.int("start", default: 0)
            end = try config.attributes.int("end")
        } else {
            start = 0
            end = nil
        }
    }

    /// The selected range of dimension indices for a tensor of `rank`.
    func range(rank: Int) -> Range<Int> {
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let s = clamp(start)
        let e = clamp(end ?? rank)
        return s..<max(s, e)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let fact = try inputs.fact(0, "data")
        guard fact.dataType != nil else {
            throw EngineError.invalidModel("Shape: input 'data' must be a tensor, got \(fact.type)")
        }
        guard let shape = fact.shape else { return [ValueFact(.int64, shape: [.unknown])] }
        let selected = shape[range(rank: shape.count)]
        let values = selected.compactMap(\.value)
        if values.count == selected.count {
            return [ValueFact(constant: .tensor(Tensor(vector: values.map { Int64($0) })))]
        }
        return [ValueFact(.int64, shape: [.fixed(selected.count)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let values = data.shape[range(rank: data.rank)].map { Int64($0) }
        return [.tensor(Tensor(vector: Array(values)))]
    }
}

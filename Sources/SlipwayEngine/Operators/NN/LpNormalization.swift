import SlipwayTensor

/// ONNX `LpNormalization`: `X` divided by its L1 (`p` = 1) or L2 (`p` = 2, default) norm along `axis`
/// (default -1); a zero norm gives zeros.
public struct LpNormalization: Operator {
    let axis: Int
    let p: Int

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: -1)
        p = try config.attributes.int("p", default: 2)
        guard p == 1 || p == 2 else { throw EngineError.invalidModel("LpNormalization: attribute 'p' must be 1 or 2, got \(p)") }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        try requireType(dataType, in: .nnFloat, "LpNormalization input 'input'")
        let fact = try inputs.fact(0, "input")
        if let rank = fact.rank, Shape.normalizeAxis(axis, rank: rank) == nil {
            throw EngineError.invalidModel("LpNormalization: attribute 'axis' \(axis) is out of range for rank \(rank)")
        }
        return [ValueFact(dataType, shape: fact.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "input")
        guard let a = Shape.normalizeAxis(axis, rank: x.rank) else {
            throw EngineError.invalidInput("LpNormalization: axis \(axis) is out of range for shape \(x.shape)")
        }
        struct Body: NNFloatComputation {
            let x: Tensor, axis: Int, p: Int
            func compute<T: NNReal>(_ type: T.Type) throws -> [T] {
                let values = try NNFloat.values(x, as: T.self)
                let outer = x.shape[..<axis].reduce(1, *), size = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
                var y = values
                for o in 0..<outer {
                    for j in 0..<inner {
                        let base = o * size * inner + j
                        var norm: T = 0
                        for i in 0..<size {
                            let v = values[base + i * inner]
                            norm += p == 1 ? Swift.abs(v) : v * v
                        }
                        if p == 2 { norm = norm.squareRoot() }
                        for i in 0..<size { y[base + i * inner] = norm == 0 ? 0 : values[base + i * inner] / norm }
                    }
                }
                return y
            }
        }
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: try NNFloat.run(Body(x: x, axis: a, p: p), as: x.dataType)))]
    }
}

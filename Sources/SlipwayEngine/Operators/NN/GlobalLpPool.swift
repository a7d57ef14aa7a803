import SlipwayTensor

/// ONNX `GlobalLpPool`: the p-norm `(Σ |x|^p)^(1/p)` of each spatial plane of `X [N, C, D...]`, giving
/// `[N, C, 1, ...]` (`p` defaults to 2; a float attribute in opset 1).
public struct GlobalLpPool: Operator {
    let p: Int

    public init(_ config: OperatorConfiguration) throws {
        let value =
            config.opsetVersion < 2
            ? Int(try config.attributes.float("p", default: 2)) : try config.attributes.int("p", default: 2)
        guard value >= 1 else { throw EngineError.invalidModel("GlobalLpPool: attribute 'p' must be >= 1, got \(value)") }
        p = value
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try NNGlobalPool.prepare(inputs, op: "GlobalLpPool")
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try NNGlobalPool.run(inputs, op: "GlobalLpPool", kind: .lp(p))
    }
}

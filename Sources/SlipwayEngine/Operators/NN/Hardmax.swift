import SlipwayTensor

/// ONNX `Hardmax`: 1 at the first maximum along `axis`, 0 elsewhere. Opset < 13 coerces the input to 2-D at `axis` (default 1); opset >= 13 uses the
/// single axis `axis` (default -1).
public struct Hardmax: Operator {
    let family: NNSoftmaxFamily

    public init(_ config: OperatorConfiguration) throws {
        family = try NNSoftmaxFamily(config, mode: .hardmax)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try family.prepare(inputs)
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        try family.run(inputs)
    }
}

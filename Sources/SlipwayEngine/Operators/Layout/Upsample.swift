import SlipwayTensor

/// ONNX `Upsample` (opsets 7-10; deprecated in favour of Resize): scales each axis by `scales`
/// (an attribute in opset 7, an input from 9) with `nearest` or `linear` interpolation on asymmetric
/// coordinates, like Resize-10.
public struct Upsample: Operator {
    let attributeScales: [Double]?
    let resize: Resize

    public init(_ config: OperatorConfiguration) throws {
        guard config.opsetVersion >= 7 else {
            throw EngineError(.unsupportedOperator, "Upsample-\(config.opsetVersion) is not supported; use opset 7+")
        }
        let name = try config.attributes.string("mode", default: "nearest")
        let mode: Resize.Mode
        switch name {
        case "nearest": mode = .nearest
        case "linear", "bilinear": mode = .linear
        default: throw EngineError.invalidModel("Upsample: mode '\(name)' is not nearest or linear")
        }
        resize = Resize(legacyMode: mode)
        if config.opsetVersion < 9 {
            guard let scales = try config.attributes.floats("scales") else {
                throw EngineError.invalidModel("Upsample-\(config.opsetVersion): attribute 'scales' is required")
            }
            attributeScales = scales.map { Double($0) }
        } else {
            attributeScales = nil
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        guard let attributeScales else { return try resize.prepare(inputs, context: context) }
        guard let shape = inputs.optionalFact(0)?.concreteShape else {
            return [ValueFact(dataType, shape: inputs.optionalFact(0)?.rank.map { Array(repeating: .unknown, count: $0) })]
        }
        let geometry = try resize.geometry(inputShape: shape, scales: attributeScales, sizes: nil, code: .invalidModel)
        return [ValueFact(dataType, shape: LayoutSupport.dims(geometry.shape))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let scales = try attributeScales ?? Resize.scalesValues(try inputs.tensor(1, "scales"))
        return [.tensor(try resize.resize(x, scales: scales, sizes: nil, roi: nil))]
    }
}

import SlipwayTensor

/// ONNX `OptionalHasElement`: a bool scalar, true when the input optional holds a value.
///
/// From opset 18 the input may also be a plain tensor or sequence (true) or be omitted (false).
public struct OptionalHasElement: Operator {
    let opsetVersion: Int

    public init(_ config: OperatorConfiguration) throws { opsetVersion = config.opsetVersion }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        guard let input = inputs.optionalFact(0) else {
            guard opsetVersion >= 18 else { throw EngineError.invalidModel("input 'input' is required before opset 18") }
            return [ValueFact(constant: .tensor(Tensor(scalar: false)))]
        }
        if case .optional = input.type {
            if let constant = input.constant { return [ValueFact(constant: .tensor(Tensor(scalar: Self.has(constant))))] }
            return [ValueFact(.bool, shape: [])]
        }
        guard opsetVersion >= 18 else {
            throw EngineError.invalidModel("input 'input' must be an optional before opset 18, got \(input.type)")
        }
        return [ValueFact(constant: .tensor(Tensor(scalar: true)))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let value = inputs.first ?? nil else { return [.tensor(Tensor(scalar: false))] }
        return [.tensor(Tensor(scalar: Self.has(value)))]
    }

    static func has(_ value: Value) -> Bool {
        if case .optional(let inner, _) = value { return inner != nil }
        return true
    }
}

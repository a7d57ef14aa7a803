/// ONNX `Optional`: an optional holding its input, or an empty optional of the type given by the
/// `type` attribute when the input is omitted.
///
/// Named `OptionalConstruct` (like `SequenceConstruct`) so that it does not shadow `Swift.Optional`.
public struct OptionalConstruct: Operator {
    public let declaredType: ValueType?

    public init(_ config: OperatorConfiguration) throws {
        switch config.attributes.values["type"] {
        case nil: declaredType = nil
        case .type(let t)?: declaredType = t
        default: throw EngineError.invalidModel("attribute 'type' must be a type")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        guard let input = inputs.optionalFact(0) else {
            guard let declaredType else {
                throw EngineError.invalidModel("Optional needs an input or the attribute 'type'")
            }
            return [ValueFact(constant: .optional(nil, declaredType))]
        }
        if case .optional = input.type {
            throw EngineError.invalidModel("input 'input' is already an optional (\(input.type))")
        }
        if let declaredType, declaredType != input.type {
            throw EngineError.invalidModel("input 'input' has type \(input.type) but the attribute 'type' says \(declaredType)")
        }
        return [ValueFact(type: .optional(input.type))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        if let value = inputs.first ?? nil { return [.optional(value, value.type)] }
        guard let declaredType else { throw EngineError.invalidInput("Optional needs an input or the attribute 'type'") }
        return [.optional(nil, declaredType)]
    }
}

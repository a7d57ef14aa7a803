/// ONNX `OptionalGetElement`: the value inside a non-empty optional (an empty one is an error).
///
/// From opset 18 a plain tensor or sequence input is returned unchanged.
public struct OptionalGetElement: Operator {
    let opsetVersion: Int

    public init(_ config: OperatorConfiguration) throws { opsetVersion = config.opsetVersion }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let input = try inputs.fact(0, "input")
        guard case .optional(let element) = input.type else {
            guard opsetVersion >= 18 else {
                throw EngineError.invalidModel("input 'input' must be an optional before opset 18, got \(input.type)")
            }
            return [input]
        }
        if case .optional(let inner?, _)? = input.constant { return [ValueFact(constant: inner)] }
        return [ValueFact(type: element)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let value = inputs.first ?? nil else { throw EngineError.invalidInput("input 'input' is required") }
        guard case .optional(let inner, _) = value else { return [value] }
        guard let inner else { throw EngineError.invalidInput("input 'input' is an empty optional; it has no element to get") }
        return [inner]
    }
}

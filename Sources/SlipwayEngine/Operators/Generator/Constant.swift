public import SlipwayTensor

/// ONNX `Constant`: a tensor given by exactly one of `value`, `value_float(s)`, `value_int(s)`, `value_string(s)`.
public struct Constant: Operator {
    public let value: Tensor

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        var found: [Tensor] = []
        if let t = try a.tensor("value") { found.append(t) }
        if let f = try a.float("value_float"), a.values["value_float"] != nil { found.append(Tensor(scalar: f)) }
        if let fs = try a.floats("value_floats"), a.values["value_floats"] != nil { found.append(Tensor(vector: fs)) }
        if let i = try a.int("value_int") { found.append(Tensor(scalar: Int64(i))) }
        if let is_ = try a.ints("value_ints"), a.values["value_ints"] != nil { found.append(Tensor(vector: is_.map { Int64($0) })) }
        if let s = try a.string("value_string") { found.append(Tensor(scalar: s)) }
        if let ss = try a.strings("value_strings"), a.values["value_strings"] != nil { found.append(Tensor(vector: ss)) }
        if a.has("sparse_value") { throw EngineError(.unsupportedOperator, "sparse_value is not supported") }
        guard found.count == 1, let value = found.first else {
            throw EngineError.invalidModel("Constant needs exactly one value attribute, found \(found.count)")
        }
        self.value = value
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [ValueFact(constant: .tensor(value))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] { [.tensor(value)] }
}

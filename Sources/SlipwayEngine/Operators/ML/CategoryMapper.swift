import SlipwayTensor

/// ONNX-ML `CategoryMapper`: string → int64 through the pairs (`cats_strings[i]`, `cats_int64s[i]`), or
/// int64 → string the other way; unmatched values take `default_int64` (-1) or `default_string` ("_Unused").
public struct CategoryMapper: Operator {
    let stringsToInts: MLKeyTable
    let intsToStrings: MLKeyTable
    let strings: Tensor
    let ints: Tensor
    let defaultInt: Tensor
    let defaultString: Tensor

    static let op = "CategoryMapper"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        let s = try a.strings("cats_strings") ?? []
        let i = (try a.ints("cats_int64s") ?? []).map { Int64($0) }
        guard s.count == i.count else {
            throw EngineError.invalidModel("\(Self.op): 'cats_strings' has \(s.count) values but 'cats_int64s' has \(i.count)")
        }
        strings = Tensor(vector: s)
        ints = Tensor(vector: i)
        stringsToInts = try MLKeyTable(strings, firstWins: false, op: Self.op)
        intsToStrings = try MLKeyTable(ints, firstWins: false, op: Self.op)
        defaultInt = Tensor(vector: [Int64(try a.int("default_int64", default: -1))])
        defaultString = Tensor(vector: [try a.string("default_string", default: "_Unused")])
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.string, .int64], "\(Self.op) input X")
        return [ValueFact(type == .string ? .int64 : .string, shape: x.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        switch x.dataType {
        case .string:
            let p = try stringsToInts.positions(of: x, op: Self.op)
            return [.tensor(try mlGather(ints, positions: p, fallback: defaultInt, shape: x.shape))]
        case .int64:
            let p = try intsToStrings.positions(of: x, op: Self.op)
            return [.tensor(try mlGather(strings, positions: p, fallback: defaultString, shape: x.shape))]
        default:
            throw EngineError.invalidInput("\(Self.op): input X must be string or int64, got \(x.dataType)")
        }
    }
}

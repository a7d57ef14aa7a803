import SlipwayTensor

/// ONNX-ML `DictVectorizer`: a map's values laid out in the order of the vocabulary (`string_vocabulary` or
/// `int64_vocabulary`), `[1, len(vocabulary)]` of the map's value type; keys absent from the map give 0.
public struct DictVectorizer: Operator {
    let stringVocabulary: [String]
    let intVocabulary: [Int64]

    static let op = "DictVectorizer"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        stringVocabulary = try a.strings("string_vocabulary") ?? []
        intVocabulary = (try a.ints("int64_vocabulary") ?? []).map { Int64($0) }
        guard stringVocabulary.isEmpty != intVocabulary.isEmpty else {
            throw EngineError.invalidModel("\(Self.op): exactly one of 'string_vocabulary' and 'int64_vocabulary' must be set")
        }
    }

    var count: Int { stringVocabulary.isEmpty ? intVocabulary.count : stringVocabulary.count }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        guard case .map(let key, let value) = x.type, let valueType = value.tensorDataType else {
            throw EngineError.invalidModel("\(Self.op): input X must be a map, got \(x.type)")
        }
        guard key == (stringVocabulary.isEmpty ? .int64 : .string) else {
            throw EngineError.invalidModel("\(Self.op): the map's keys are \(key) but the vocabulary is of the other kind")
        }
        return [ValueFact(valueType, shape: [.fixed(1), .fixed(count)])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard inputs.count > 0, case .map(let map)? = inputs[0] else {
            throw EngineError.invalidInput("\(Self.op): input X must be a map")
        }
        var positions = [Int](repeating: -1, count: count)
        switch map.keys {
        case .string(let keys):
            guard !stringVocabulary.isEmpty else { throw EngineError.invalidInput("\(Self.op): string keys but an int64 vocabulary") }
            var index: [String: Int] = [:]
            for (i, k) in keys.enumerated() { index[k] = i }
            for (j, word) in stringVocabulary.enumerated() { positions[j] = index[word] ?? -1 }
        case .int64(let keys):
            guard !intVocabulary.isEmpty else { throw EngineError.invalidInput("\(Self.op): int64 keys but a string vocabulary") }
            var index: [Int64: Int] = [:]
            for (i, k) in keys.enumerated() { index[k] = i }
            for (j, word) in intVocabulary.enumerated() { positions[j] = index[word] ?? -1 }
        }
        let zero = Tensor(uncheckedShape: [1], storage: .zeros(map.values.dataType, count: 1))
        return [.tensor(try mlGather(map.values, positions: positions, fallback: zero, shape: [1, count]))]
    }
}

import SlipwayTensor

/// ONNX-ML `OneHotEncoder`: appends an axis of one float per category (`cats_int64s` or `cats_strings`) with
/// 1 at the input's category. An unseen category gives all zeros when `zeros` is 1 (the default) and is an
/// error otherwise. Numeric inputs are truncated to int64 first, as in onnxruntime.
public struct OneHotEncoder: Operator {
    let intIndex: [Int64: Int]
    let stringIndex: [String: Int]
    let categoryCount: Int
    let zeros: Bool

    static let op = "OneHotEncoder"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        let ints = try a.ints("cats_int64s") ?? []
        let strings = try a.strings("cats_strings") ?? []
        guard ints.isEmpty || strings.isEmpty else {
            throw EngineError.invalidModel("\(Self.op): only one of 'cats_int64s' and 'cats_strings' may be set")
        }
        var intIndex: [Int64: Int] = [:]
        for (i, c) in ints.enumerated() { intIndex[Int64(c)] = i }
        var stringIndex: [String: Int] = [:]
        for (i, c) in strings.enumerated() { stringIndex[c] = i }
        self.intIndex = intIndex
        self.stringIndex = stringIndex
        categoryCount = ints.isEmpty ? strings.count : ints.count
        guard categoryCount > 0 else { throw EngineError.invalidModel("\(Self.op): 'cats_int64s' or 'cats_strings' must list categories") }
        zeros = try a.int("zeros", default: 1) != 0
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.string, .int64, .int32, .float32, .float64], "\(Self.op) input X")
        if (type == .string) != !stringIndex.isEmpty {
            throw EngineError.invalidModel("\(Self.op): input X is \(type) but the categories are \(stringIndex.isEmpty ? "integers" : "strings")")
        }
        return [ValueFact(.float32, shape: x.shape.map { $0 + [.fixed(categoryCount)] })]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let n = categoryCount
        var out = [Float](repeating: 0, count: x.count * n)
        func set(_ i: Int, _ category: Int?, _ shown: @autoclosure () -> String) throws {
            if let category {
                out[i * n + category] = 1
            } else if !zeros {
                throw EngineError.invalidInput("\(Self.op): unknown category \(shown()) at element \(i) and zeros = 0")
            }
        }
        func integer(_ a: [Int64]) throws {
            for (i, v) in a.enumerated() { try set(i, intIndex[v], "\(v)") }
        }
        switch x.storage {
        case .string(let a):
            guard !stringIndex.isEmpty else { throw EngineError.invalidInput("\(Self.op): string input but integer categories") }
            for (i, v) in a.enumerated() { try set(i, stringIndex[v], "'\(v)'") }
        case .int64(let a): try integer(a)
        case .int32(let a): try integer(a.map { Int64($0) })
        case .float32(let a):
            for (i, v) in a.enumerated() { try set(i, MLConvert.int64(truncating: Double(v)).flatMap { intIndex[$0] }, "\(v)") }
        case .float64(let a):
            for (i, v) in a.enumerated() { try set(i, MLConvert.int64(truncating: v).flatMap { intIndex[$0] }, "\(v)") }
        default:
            throw EngineError.invalidInput("\(Self.op): input X has unsupported type \(x.dataType)")
        }
        return [.tensor(Tensor(uncheckedShape: x.shape + [n], storage: .float32(out)))]
    }
}

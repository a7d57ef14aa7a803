import SlipwayTensor

/// ONNX-ML `ZipMap`: turns each row of a float tensor into a map from class label (`classlabels_int64s` or
/// `classlabels_strings`) to that row's value: a sequence of N maps. Keys are in ascending order and a
/// repeated label keeps its last value, as onnxruntime's `std::map` does.
public struct ZipMap: Operator {
    let intKeys: [Int64]
    let stringKeys: [String]
    /// For each output key, the input column it takes.
    let columns: [Int]
    let labelCount: Int

    static let op = "ZipMap"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        let ints = (try a.ints("classlabels_int64s") ?? []).map { Int64($0) }
        let strings = try a.strings("classlabels_strings") ?? []
        guard ints.isEmpty != strings.isEmpty else {
            throw EngineError.invalidModel("\(Self.op): exactly one of 'classlabels_int64s' and 'classlabels_strings' must be set")
        }
        labelCount = ints.isEmpty ? strings.count : ints.count
        if ints.isEmpty {
            var last: [String: Int] = [:]
            for (i, k) in strings.enumerated() { last[k] = i }
            let sorted = last.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            stringKeys = sorted
            intKeys = []
            columns = sorted.map { last[$0] ?? 0 }
        } else {
            var last: [Int64: Int] = [:]
            for (i, k) in ints.enumerated() { last[k] = i }
            let sorted = last.keys.sorted()
            intKeys = sorted
            stringKeys = []
            columns = sorted.map { last[$0] ?? 0 }
        }
    }

    var elementType: ValueType { .map(key: intKeys.isEmpty ? .string : .int64, value: .tensor(.float32)) }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        try requireType(try inputs.dataType(0, "X"), in: [.float32], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        if case .fixed(let f) = MLRows.featureDim(x.shape), f != labelCount {
            throw EngineError.invalidModel("\(Self.op): X has \(f) columns but there are \(labelCount) class labels")
        }
        return [ValueFact(type: .sequence(elementType))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let g = try MLRows(x.shape, op: Self.op)
        guard case .float32(let values) = x.storage else { throw EngineError.invalidInput("\(Self.op): X must be float, got \(x.dataType)") }
        guard g.features == labelCount else {
            throw EngineError.invalidInput("\(Self.op): X has \(g.features) columns but there are \(labelCount) class labels")
        }
        let keys: MapValue.Keys = intKeys.isEmpty ? .string(stringKeys) : .int64(intKeys)
        var maps: [Value] = []
        maps.reserveCapacity(g.rows)
        for r in 0..<g.rows {
            let row = columns.map { values[r * labelCount + $0] }
            maps.append(.map(MapValue(keys: keys, values: Tensor(vector: row))))
        }
        return [.sequence(SequenceValue(elementType: elementType, elements: maps))]
    }
}

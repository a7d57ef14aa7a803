import SlipwayTensor

/// ONNX-ML `LabelEncoder`: maps each input element through a key → value table, unmatched keys taking the
/// default value.
///
/// - opset 1: string → index in `classes_strings` (`default_int64`), int64 → string (`default_string`).
/// - opset 2: `keys_*` / `values_*` among strings, int64s and floats, `default_*`.
/// - opset 4: also `keys_tensor` / `values_tensor` of any of string, int64, int32, int16, float, double, and
///   `default_tensor`. Float keys match NaN with NaN. With duplicate keys the first wins (onnxruntime's `emplace`).
public struct LabelEncoder: Operator {
    let keys: MLKeyTable
    let values: Tensor
    let defaultValue: Tensor
    /// Opset 1 maps in both directions: the reverse table, used for int64 inputs.
    let reverse: (keys: MLKeyTable, values: Tensor, defaultValue: Tensor)?

    static let op = "LabelEncoder"

    public init(_ config: OperatorConfiguration) throws {
        let op = Self.op
        let a = config.attributes
        if config.opsetVersion < 2 {
            let classes = try a.strings("classes_strings") ?? []
            let indices = Tensor(vector: (0..<classes.count).map { Int64($0) })
            keys = try MLKeyTable(Tensor(vector: classes), firstWins: false, op: op)
            values = indices
            defaultValue = Tensor(vector: [Int64(try a.int("default_int64", default: -1))])
            reverse = (
                try MLKeyTable(indices, firstWins: false, op: op), Tensor(vector: classes),
                Tensor(vector: [try a.string("default_string", default: "_Unused")])
            )
            return
        }
        reverse = nil
        let allowTensors = config.opsetVersion >= 4
        func pick(_ prefix: String) throws -> Tensor {
            var found: [Tensor] = []
            if let v = try a.strings("\(prefix)_strings"), a.has("\(prefix)_strings") { found.append(Tensor(vector: v)) }
            if let v = try a.ints("\(prefix)_int64s"), a.has("\(prefix)_int64s") { found.append(Tensor(vector: v.map { Int64($0) })) }
            if let v = try a.floats("\(prefix)_floats"), a.has("\(prefix)_floats") { found.append(Tensor(vector: v)) }
            if allowTensors, let t = try a.tensor("\(prefix)_tensor") {
                found.append(try t.reshaped([t.count]))
            }
            guard found.count == 1, let only = found.first else {
                throw EngineError.invalidModel("\(op): exactly one of the '\(prefix)_*' attributes must be set, found \(found.count)")
            }
            return only
        }
        let keyTensor = try pick("keys")
        values = try pick("values")
        guard keyTensor.count == values.count else {
            throw EngineError.invalidModel("\(op): \(keyTensor.count) keys but \(values.count) values")
        }
        try requireType(keyTensor.dataType, in: [.string, .int64, .int32, .int16, .float32, .float64], "\(op) keys")
        try requireType(values.dataType, in: [.string, .int64, .int32, .int16, .float32, .float64], "\(op) values")
        keys = try MLKeyTable(keyTensor, firstWins: true, op: op)
        if allowTensors, let d = try a.tensor("default_tensor") {
            guard d.dataType == values.dataType, d.count >= 1 else {
                throw EngineError.invalidModel("\(op): 'default_tensor' must hold one \(values.dataType) value, got \(d)")
            }
            defaultValue = try d.reshaped([d.count])
        } else {
            switch values.dataType {
            case .string: defaultValue = Tensor(vector: [try a.string("default_string", default: "_Unused")])
            case .float32: defaultValue = Tensor(vector: [try a.float("default_float", default: -0.0)])
            case .float64: defaultValue = Tensor(vector: [Double(try a.float("default_float", default: -0.0))])
            default:
                defaultValue = try Tensor.fromDoubles(
                    [Double(try a.int("default_int64", default: -1))], shape: [1], as: values.dataType)
            }
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        return [ValueFact(try table(for: type).values.dataType, shape: x.shape)]
    }

    func table(for type: DataType) throws -> (keys: MLKeyTable, values: Tensor, defaultValue: Tensor) {
        if let reverse, type == .int64 { return reverse }
        let compatible: Bool
        switch keys.kind {
        case .string: compatible = type == .string
        case .integer: compatible = type == keys.keyType
        case .floating: compatible = type == keys.keyType
        }
        guard compatible else {
            throw EngineError.invalidModel("\(Self.op): input X is \(type) but the keys are \(keys.keyType)")
        }
        return (keys, values, defaultValue)
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        // The common tables into float32 (skl2onnx's IsolationForest maps int64 leaf ids to depths): one
        // lookup per element, no intermediate arrays.
        if reverse == nil, case .float32(let table) = values.storage, case .float32(let fallback) = defaultValue.storage,
            let d = fallback.first
        {
            switch x.storage {
            case .int64(let a) where keys.keyType == .int64:
                var out = [Float](repeating: d, count: a.count)
                for i in a.indices {
                    let p = keys.position(ofInteger: a[i])
                    if p >= 0 && p < table.count { out[i] = table[p] }
                }
                return [.tensor(Tensor(uncheckedShape: x.shape, storage: .float32(out)))]
            case .float32(let a) where keys.keyType == .float32:
                var out = [Float](repeating: d, count: a.count)
                for i in a.indices {
                    let p = keys.position(ofFloating: Double(a[i]))
                    if p >= 0 && p < table.count { out[i] = table[p] }
                }
                return [.tensor(Tensor(uncheckedShape: x.shape, storage: .float32(out)))]
            default: break
            }
        }
        let t = try table(for: x.dataType)
        let positions = try t.keys.positions(of: x, op: Self.op)
        return [.tensor(try mlGather(t.values, positions: positions, fallback: t.defaultValue, shape: x.shape))]
    }
}

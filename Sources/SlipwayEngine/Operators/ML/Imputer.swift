import SlipwayTensor

/// ONNX-ML `Imputer`: replaces elements equal to the replaced value (NaN matches NaN) by the imputed value
/// of their feature (or the single imputed value), keeping the input's type.
public struct Imputer: Operator {
    let imputedFloats: [Float]
    let imputedInts: [Int64]
    let replacedFloat: Float
    let replacedInt: Int64

    static let op = "Imputer"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        imputedFloats = try a.floats("imputed_value_floats") ?? []
        imputedInts = (try a.ints("imputed_value_int64s") ?? []).map { Int64($0) }
        replacedFloat = try a.float("replaced_value_float", default: 0)
        replacedInt = Int64(try a.int("replaced_value_int64", default: 0))
        guard imputedFloats.isEmpty != imputedInts.isEmpty else {
            throw EngineError.invalidModel("\(Self.op): exactly one of 'imputed_value_floats' and 'imputed_value_int64s' must be set")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        if type.isFloatingPoint && imputedFloats.isEmpty || type.isInteger && imputedInts.isEmpty {
            throw EngineError.invalidModel("\(Self.op): input X is \(type) but the imputed values are of the other kind")
        }
        return [ValueFact(type, shape: x.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        guard x.rank >= 1 else { throw EngineError.invalidInput("\(Self.op): input X must not be a scalar") }
        let stride = x.rank == 1 ? x.shape[0] : x.shape[1]
        func impute<T: BinaryFloatingPoint>(_ a: [T]) throws -> [T] {
            let values = imputedFloats.map { T($0) }
            let replaced = T(replacedFloat)
            let perFeature = values.count == stride && stride > 0
            return a.enumerated().map { i, v in
                (v.isNaN && replaced.isNaN) || v == replaced ? values[perFeature ? i % stride : 0] : v
            }
        }
        func impute<T: FixedWidthInteger>(_ a: [T]) -> [T] {
            let perFeature = imputedInts.count == stride && stride > 0
            return a.enumerated().map { i, v in
                Int64(v) == replacedInt ? T(truncatingIfNeeded: imputedInts[perFeature ? i % stride : 0]) : v
            }
        }
        let storage: TensorStorage
        switch x.storage {
        case .float32(let a) where !imputedFloats.isEmpty: storage = .float32(try impute(a))
        case .float64(let a) where !imputedFloats.isEmpty: storage = .float64(try impute(a))
        case .int64(let a) where !imputedInts.isEmpty: storage = .int64(impute(a))
        case .int32(let a) where !imputedInts.isEmpty: storage = .int32(impute(a))
        default: throw EngineError.invalidInput("\(Self.op): input X of type \(x.dataType) does not match the imputed values")
        }
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: storage))]
    }
}

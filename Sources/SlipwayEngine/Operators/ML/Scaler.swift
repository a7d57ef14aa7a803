import SlipwayTensor

/// ONNX-ML `Scaler`: `(x - offset) * scale` per feature (or with one offset and scale for all), as float32.
///
/// As in onnxruntime the arithmetic happens in the input's type (float32, float64; integers mix with the
/// float offset in float32) and the result is converted to float32.
public struct Scaler: Operator {
    let scale: [Float]
    let offset: [Float]

    static let op = "Scaler"

    public init(_ config: OperatorConfiguration) throws {
        scale = try config.attributes.floats("scale") ?? []
        offset = try config.attributes.floats("offset") ?? []
        guard !scale.isEmpty else { throw EngineError.invalidModel("\(Self.op): attribute 'scale' is required") }
        guard scale.count == offset.count else {
            throw EngineError.invalidModel("\(Self.op): 'scale' has \(scale.count) values but 'offset' has \(offset.count)")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        try requireType(try inputs.dataType(0, "X"), in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        if let rank = x.rank, rank == 0 { throw EngineError.invalidModel("\(Self.op): input X must not be a scalar") }
        if scale.count > 1, let shape = x.shape, shape.count >= 1 {
            let stride = shape.count == 1 ? shape[0] : shape[1]
            if case .fixed(let s) = stride, s != scale.count {
                throw EngineError.invalidModel("\(Self.op): X has \(s) features but 'scale' has \(scale.count) values")
            }
        }
        return [ValueFact(.float32, shape: x.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        guard x.rank >= 1 else { throw EngineError.invalidInput("\(Self.op): input X must not be a scalar") }
        let stride = x.rank == 1 ? x.shape[0] : x.shape[1]
        let perFeature = scale.count == stride
        guard perFeature || scale.count == 1 else {
            throw EngineError.invalidInput(
                "\(Self.op): 'scale' and 'offset' must have X's feature count (\(stride)) or 1 value, got \(scale.count)")
        }
        let count = x.count
        var out = [Float](repeating: 0, count: count)
        func column(_ i: Int) -> Int { perFeature && stride > 0 ? i % stride : 0 }
        switch x.storage {
        case .float32(let a):
            for i in 0..<count { out[i] = (a[i] - offset[column(i)]) * scale[column(i)] }
        case .float64(let a):
            for i in 0..<count { out[i] = Float((a[i] - Double(offset[column(i)])) * Double(scale[column(i)])) }
        case .int64(let a):
            for i in 0..<count { out[i] = (Float(a[i]) - offset[column(i)]) * scale[column(i)] }
        case .int32(let a):
            for i in 0..<count { out[i] = (Float(a[i]) - offset[column(i)]) * scale[column(i)] }
        default:
            throw EngineError.invalidInput("\(Self.op): input X has unsupported type \(x.dataType)")
        }
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: .float32(out)))]
    }
}

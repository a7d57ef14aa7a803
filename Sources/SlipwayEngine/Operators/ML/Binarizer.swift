import SlipwayTensor

/// ONNX-ML `Binarizer`: 1 where `x > threshold`, else 0, in the input's type; a NaN input is an error
/// (as in onnxruntime).
public struct Binarizer: Operator {
    let threshold: Float

    static let op = "Binarizer"

    public init(_ config: OperatorConfiguration) throws {
        threshold = try config.attributes.float("threshold", default: 0)
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let type = try inputs.dataType(0, "X")
        try requireType(type, in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        return [ValueFact(type, shape: x.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let t = threshold
        let storage: TensorStorage
        switch x.storage {
        case .float32(let a):
            if let i = a.firstIndex(where: { $0.isNaN }) { throw EngineError.invalidInput("\(Self.op): input X element \(i) is NaN") }
            storage = .float32(a.map { $0 > t ? 1 : 0 })
        case .float64(let a):
            if let i = a.firstIndex(where: { $0.isNaN }) { throw EngineError.invalidInput("\(Self.op): input X element \(i) is NaN") }
            storage = .float64(a.map { $0 > Double(t) ? 1 : 0 })
        case .int64(let a): storage = .int64(a.map { Float($0) > t ? 1 : 0 })
        case .int32(let a): storage = .int32(a.map { Float($0) > t ? 1 : 0 })
        default: throw EngineError.invalidInput("\(Self.op): input X has unsupported type \(x.dataType)")
        }
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: storage))]
    }
}

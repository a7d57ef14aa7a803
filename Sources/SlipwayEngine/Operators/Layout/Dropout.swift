import SlipwayTensor

/// ONNX `Dropout`. In inference (the default, and always before opset 12 unless `is_test = 0` in
/// opsets 1-6) it is the identity and the optional mask output is all true.
///
/// In training mode (opset 12+: `training_mode` input true) with `ratio > 0`, each element is zeroed
/// with probability `ratio` and the survivors are scaled by `1 / (1 - ratio)`; the mask says which
/// survived. The mask is random (seeded by the `seed` attribute when given), so an op that may train
/// is marked non-deterministic and never constant-folded.
public struct Dropout: Operator {
    let opset: Int
    let attributeRatio: Double
    let trainingAttribute: Bool
    let seed: UInt64?
    public private(set) var isDeterministic = true
    /// Whether the model reads the mask output (otherwise inference skips building it).
    var maskUsed = true

    public init(_ config: OperatorConfiguration) throws {
        opset = config.opsetVersion
        attributeRatio = Double(try config.attributes.float("ratio", default: 0.5))
        let isTest = try config.attributes.int("is_test")
        trainingAttribute = config.opsetVersion < 7 && isTest == 0
        if let s = try config.attributes.int("seed") {
            seed = UInt64(bitPattern: Int64(s))
        } else {
            seed = nil
        }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        try requireType(dataType, in: .floatingPoint, "Dropout: input 'data'")
        if opset >= 12 {
            if let ratio = inputs.optionalFact(1), let t = ratio.dataType {
                try requireType(t, in: .floatingPoint, "Dropout: input 'ratio'")
            }
            if let training = inputs.optionalFact(2) {
                guard training.dataType == .bool else {
                    throw EngineError.invalidModel("Dropout: input 'training_mode' has type \(training.type), expected bool")
                }
                let constantFalse = training.constantTensor?.elements(as: Bool.self)?.first == false
                let ratioZero = inputs.optionalFact(1)?.constantTensor?.doubles()?.first == 0
                isDeterministic = constantFalse || ratioZero
            }
        } else {
            isDeterministic = !trainingAttribute || attributeRatio == 0
        }
        maskUsed = context.outputsUsed.count > 1 && context.outputsUsed[1]
        let shape = inputs.optionalFact(0)?.shape
        let maskType: DataType = opset >= 10 ? .bool : dataType
        return [ValueFact(dataType, shape: shape), ValueFact(maskType, shape: shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        var ratio = attributeRatio
        var training = trainingAttribute
        if opset >= 12 {
            ratio = 0.5
            if let r = try inputs.optionalTensor(1) { ratio = try LayoutSupport.firstDouble(r, "Dropout: input 'ratio'") }
            training = false
            if let t = try inputs.optionalTensor(2) {
                guard let flag = t.elements(as: Bool.self)?.first else {
                    throw EngineError.invalidInput("Dropout: input 'training_mode' must be a bool scalar")
                }
                training = flag
            }
        }
        guard ratio >= 0, ratio <= 1 else { throw EngineError.invalidInput("Dropout: ratio \(ratio) must be in [0, 1]") }
        guard training, ratio > 0 else {
            return [.tensor(data), maskUsed ? try mask(Array(repeating: true, count: data.count), like: data) : .tensor(data)]
        }
        var generator = LayoutRandomGenerator(seed: seed ?? UInt64.random(in: .min ... .max))
        let keep = (0..<data.count).map { _ in generator.nextUnitDouble() >= ratio }
        let scale = ratio >= 1 ? 0 : 1 / (1 - ratio)
        guard let values = data.doubles() else { throw EngineError.invalidInput("Dropout: input 'data' must be floating point") }
        let dropped = zip(values, keep).map { $1 ? $0 * scale : 0 }
        let output = try Tensor.fromDoubles(dropped, shape: data.shape, as: data.dataType)
        return [.tensor(output), try mask(keep, like: data)]
    }

    private func mask(_ keep: [Bool], like data: Tensor) throws -> Value {
        if opset >= 10 { return .tensor(Tensor(uncheckedShape: data.shape, storage: .bool(keep))) }
        return .tensor(try Tensor.fromDoubles(keep.map { $0 ? 1 : 0 }, shape: data.shape, as: data.dataType))
    }
}

/// SplitMix64: a small, fast, seedable generator for Dropout masks.
struct LayoutRandomGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// Helpers for the neural-network operator tests.
enum NNTest {
    static func tensor(_ shape: [Int], _ values: [Float]) -> Value {
        .tensor(Tensor(uncheckedShape: shape, storage: .float32(values)))
    }

    static func floats(_ value: Value) -> [Float] {
        value.tensor?.floats() ?? []
    }

    static func shape(_ value: Value) -> [Int] { value.tensor?.shape ?? [] }

    static func run(
        _ opType: String, opset: Int = 17, attributes: [String: AttributeValue] = [:], inputs: [Value?], outputs: Int = 1,
        constantInputs: Set<Int> = []
    ) throws -> [Value] {
        let config = OperatorHarness.configuration(opType, opset: opset, attributes: attributes, inputs: inputs.count, outputs: outputs)
        let op = try NNTest.make(config)
        return try OperatorHarness.run(op, inputs: inputs, outputCount: outputs, constantInputs: constantInputs)
    }

    static func make(_ config: OperatorConfiguration) throws -> any Operator {
        switch config.opType {
        case "MatMul": try MatMul(config)
        case "Gemm": try Gemm(config)
        case "Conv": try Conv(config)
        case "ConvTranspose": try ConvTranspose(config)
        case "AveragePool": try AveragePool(config)
        case "MaxPool": try MaxPool(config)
        case "LpPool": try LpPool(config)
        case "GlobalAveragePool": try GlobalAveragePool(config)
        case "GlobalMaxPool": try GlobalMaxPool(config)
        case "GlobalLpPool": try GlobalLpPool(config)
        case "BatchNormalization": try BatchNormalization(config)
        case "InstanceNormalization": try InstanceNormalization(config)
        case "LayerNormalization": try LayerNormalization(config)
        case "GroupNormalization": try GroupNormalization(config)
        case "Softmax": try Softmax(config)
        case "LogSoftmax": try LogSoftmax(config)
        case "Hardmax": try Hardmax(config)
        case "LpNormalization": try LpNormalization(config)
        case "MeanVarianceNormalization": try MeanVarianceNormalization(config)
        default: throw EngineError(.unsupportedOperator, config.opType)
        }
    }

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }
}

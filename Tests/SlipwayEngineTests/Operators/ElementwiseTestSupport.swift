import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// Runs one elementwise operator on tensors through prepare and run.
enum Elementwise {
    static func run(
        _ make: (OperatorConfiguration) throws -> any Operator, _ opType: String, opset: Int = 17,
        attributes: [String: AttributeValue] = [:], _ inputs: [Tensor?]
    ) throws -> Tensor {
        let config = OperatorHarness.configuration(opType, opset: opset, attributes: attributes, inputs: inputs.count)
        let outputs = try OperatorHarness.run(try make(config), inputs: inputs.map { $0.map(Value.tensor) })
        guard let tensor = outputs.first?.tensor else { throw EngineError.runtime("no tensor output") }
        return tensor
    }

    /// Prepares the operator on facts only (for load-time error tests).
    static func prepare(
        _ make: (OperatorConfiguration) throws -> any Operator, _ opType: String, opset: Int = 17,
        attributes: [String: AttributeValue] = [:], _ facts: [ValueFact?]
    ) throws -> [ValueFact] {
        var op = try make(OperatorHarness.configuration(opType, opset: opset, attributes: attributes, inputs: facts.count))
        let context = PrepareContext(
            nodeLabel: "test", outputCount: 1, outputsUsed: [true], explicitInputCount: facts.count, capturedNames: [],
            compileSubgraph: { _, _, _ in throw EngineError.invalidModel("no subgraphs") })
        return try op.prepare(facts, context: context)
    }

    static func t(_ values: [Float], _ shape: [Int]? = nil) -> Tensor {
        Tensor(uncheckedShape: shape ?? [values.count], storage: .float32(values))
    }

    static func t<T: TensorElement>(_ values: [T], _ shape: [Int]? = nil) -> Tensor {
        Tensor(uncheckedShape: shape ?? [values.count], storage: T.wrap(values))
    }

    static func floats(_ t: Tensor) -> [Float] { t.elements(as: Float.self) ?? [] }

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in (x.isNaN && y.isNaN) || abs(x - y) <= tolerance * max(1, abs(y)) }
    }
}

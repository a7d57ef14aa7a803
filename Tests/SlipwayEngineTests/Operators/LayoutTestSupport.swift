import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport

/// Runs a layout operator built from `opType` at `opset` on tensors; `constant` marks inputs whose
/// facts carry their value at load time (initializers).
func layoutRun(
    _ opType: String, opset: Int = 25, attributes: [String: AttributeValue] = [:], _ inputs: [Tensor?],
    outputs: Int = 1, constant: Set<Int> = [], make: (OperatorConfiguration) throws -> any Operator
) throws -> [Tensor] {
    let config = OperatorHarness.configuration(opType, opset: opset, attributes: attributes, inputs: inputs.count, outputs: outputs)
    let op = try make(config)
    let values = try OperatorHarness.run(op, inputs: inputs.map { $0.map { Value.tensor($0) } }, outputCount: outputs, constantInputs: constant)
    return values.compactMap(\.tensor)
}

/// Prepares a layout operator on facts only and returns the output facts.
func layoutPrepare(
    _ opType: String, opset: Int = 25, attributes: [String: AttributeValue] = [:], _ facts: [ValueFact?], outputs: Int = 1,
    make: (OperatorConfiguration) throws -> any Operator
) throws -> [ValueFact] {
    let config = OperatorHarness.configuration(opType, opset: opset, attributes: attributes, inputs: facts.count, outputs: outputs)
    var op = try make(config)
    let context = PrepareContext(
        nodeLabel: "test node", outputCount: outputs, outputsUsed: Array(repeating: true, count: outputs),
        explicitInputCount: facts.count, capturedNames: [],
        compileSubgraph: { graph, inputFacts, captured in
            try Plan.compile(graph, inputFacts: inputFacts, captured: captured)
        })
    return try op.prepare(facts, context: context)
}

/// A float tensor 0, 1, 2, ... of `shape`.
func iota(_ shape: [Int]) -> Tensor {
    let n = shape.reduce(1, *)
    return Tensor(uncheckedShape: shape, storage: .float32((0..<n).map { Float($0) }))
}

func ints(_ values: [Int], shape: [Int]? = nil) -> Tensor {
    Tensor(uncheckedShape: shape ?? [values.count], storage: .int64(values.map { Int64($0) }))
}

func floats(_ values: [Float], shape: [Int]? = nil) -> Tensor {
    Tensor(uncheckedShape: shape ?? [values.count], storage: .float32(values))
}

extension Tensor {
    var floatValues: [Float] { floats() ?? [] }
    var intValues: [Int] { integers() ?? [] }
}

/// Whether `body` throws an `EngineError` of `code`.
func throwsEngineError(_ code: EngineError.Code, _ body: () throws -> Void) -> Bool {
    do {
        try body()
        return false
    } catch let error as EngineError {
        return error.code == code
    } catch {
        return false
    }
}

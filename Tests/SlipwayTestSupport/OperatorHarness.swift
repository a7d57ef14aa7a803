public import SlipwayEngine
import SlipwayTensor

/// Runs one operator the way a plan would: `prepare` on facts of the inputs, then `run`, and checks
/// that the prepared facts (type, rank, known dims) agree with what `run` produced.
public enum OperatorHarness {
    /// Builds `configuration`'s operator with `make`, prepares it and runs it on `inputs`.
    public static func run(
        _ op: any Operator, inputs: [Value?], outputCount: Int = 1, constantInputs: Set<Int> = []
    ) throws -> [Value] {
        var op = op
        let facts: [ValueFact?] = inputs.enumerated().map { i, value in
            guard let value else { return nil }
            if constantInputs.contains(i) { return ValueFact(constant: value) }
            var fact = ValueFact(constant: value)
            fact.constant = nil
            return fact
        }
        let context = PrepareContext(
            nodeLabel: "test node", outputCount: outputCount, outputsUsed: Array(repeating: true, count: outputCount),
            explicitInputCount: inputs.count, capturedNames: [],
            compileSubgraph: { graph, inputFacts, captured in
                try Plan.compile(graph, inputFacts: inputFacts, captured: captured)
            })
        let prepared = try op.prepare(facts, context: context)
        let outputs = try op.run(inputs, context: RunContext())
        for (i, (fact, value)) in zip(prepared, outputs).enumerated() {
            guard case .tensor(let t) = value else { continue }
            if let d = fact.dataType, d != t.dataType {
                throw EngineError.runtime("output \(i): prepare said \(d), run produced \(t.dataType)")
            }
            if let shape = fact.shape {
                guard shape.count == t.rank else {
                    throw EngineError.runtime("output \(i): prepare said rank \(shape.count), run produced shape \(t.shape)")
                }
                for (dim, actual) in zip(shape, t.shape) {
                    if case .fixed(let v) = dim, v != actual {
                        throw EngineError.runtime("output \(i): prepare said shape \(shape), run produced \(t.shape)")
                    }
                }
            }
        }
        return outputs
    }

    /// A configuration for tests: `opType` at `opset` with `attributes`.
    public static func configuration(
        _ opType: String, opset: Int = 17, domain: String = "", attributes: [String: AttributeValue] = [:], inputs: Int, outputs: Int = 1
    ) -> OperatorConfiguration {
        OperatorConfiguration(
            nodeName: "test", opType: opType, domain: domain, opsetVersion: opset, attributes: Attributes(attributes),
            inputCount: inputs, outputCount: outputs)
    }
}

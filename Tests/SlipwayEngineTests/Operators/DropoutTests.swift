import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct DropoutTests {
    @Test func inferenceIsIdentityWithTrueMask() throws {
        let out = try layoutRun("Dropout", opset: 22, [iota([2, 2])], outputs: 2, make: Dropout.init)
        #expect(out[0].floatValues == [0, 1, 2, 3])
        #expect(out[1].elements(as: Bool.self) == [true, true, true, true])
    }

    @Test func trainingDropsAndScales() throws {
        let x = floats(Array(repeating: 1, count: 1000))
        let out = try layoutRun(
            "Dropout", opset: 22, attributes: ["seed": .int(3)],
            [x, floats([0.25], shape: []), Tensor(scalar: true)], outputs: 2, make: Dropout.init)
        let kept = out[1].elements(as: Bool.self) ?? []
        #expect(kept.filter { $0 }.count > 650 && kept.filter { $0 }.count < 850)
        for (value, keep) in zip(out[0].floatValues, kept) {
            #expect(value == (keep ? Float(1 / 0.75) : 0))
        }
    }

    @Test func trainingModeInputMakesTheOpNondeterministic() throws {
        let config = OperatorHarnessConfig.dropout
        var op = try Dropout(config)
        _ = try op.prepare([ValueFact(.float32, shape: [.fixed(2)]), nil, ValueFact(.bool, shape: [])], context: .layoutTest(outputs: 1))
        #expect(!op.isDeterministic)
        var constantFalse = try Dropout(config)
        _ = try constantFalse.prepare(
            [ValueFact(.float32, shape: [.fixed(2)]), nil, ValueFact(constant: .tensor(Tensor(scalar: false)))], context: .layoutTest(outputs: 1))
        #expect(constantFalse.isDeterministic)
    }

    @Test func rejectsIntegerData() {
        #expect(throwsEngineError(.invalidModel) { _ = try layoutRun("Dropout", opset: 22, [ints([1])], make: Dropout.init) })
    }
}

enum OperatorHarnessConfig {
    static let dropout = OperatorConfiguration(opType: "Dropout", opsetVersion: 22, inputCount: 3, outputCount: 1)
}

extension PrepareContext {
    static func layoutTest(outputs: Int) -> PrepareContext {
        PrepareContext(
            nodeLabel: "test node", outputCount: outputs, outputsUsed: Array(repeating: true, count: outputs), explicitInputCount: 3,
            capturedNames: [], compileSubgraph: { graph, facts, captured in try Plan.compile(graph, inputFacts: facts, captured: captured) })
    }
}

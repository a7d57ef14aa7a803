import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

@Suite struct LoopTests {
    static let bodyInputs = [CFGraph.tensor("i", .int64, []), CFGraph.tensor("c", .bool, [])]

    /// y_{k+1} = y_k + step (step captured from the outer graph); scan output: every y_{k+1}.
    static func accumulate(opset: Int = 16, loopInputs: [String] = ["M", "", "y"]) throws -> Graph {
        let body = CFGraph.graph(
            "body", inputs: bodyInputs + [CFGraph.tensor("y_in", .float32, [.fixed(1)])], outputs: ["c_out", "y_out", "scan"],
            nodes: [
                try CFGraph.identity("keep", "c", "c_out"),
                try CFGraph.add("step", "y_in", "step", "y_out"),
                try CFGraph.identity("record", "y_out", "scan"),
            ])
        let loop = try CFGraph.node("loop", "Loop", loopInputs, ["y_final", "ys"], attributes: ["body": .graph(body)], opset: opset) {
            try Loop($0)
        }
        return CFGraph.graph(
            "main",
            inputs: [
                CFGraph.tensor("M", .int64, []), CFGraph.tensor("y", .float32, [.fixed(1)]), CFGraph.tensor("step", .float32, [.fixed(1)]),
            ],
            outputs: ["y_final", "ys"], nodes: [loop])
    }

    static func feeds(trips: Int64, y: Float = 1, step: Float = 2) -> [String: Value] {
        [
            "M": .tensor(Tensor(scalar: trips)), "y": .tensor(Tensor(vector: [y])), "step": .tensor(Tensor(vector: [step])),
        ]
    }

    @Test func carriesValuesAndStacksScanOutputs() throws {
        let plan = try Plan.compile(try Self.accumulate())
        let result = try plan.run(Self.feeds(trips: 3))
        #expect(CFGraph.floats(result["y_final"]) == [7])
        #expect(result["ys"]?.tensor?.shape == [3, 1])
        #expect(CFGraph.floats(result["ys"]) == [3, 5, 7])
        #expect(plan.outputs[0].shape == [.fixed(1)])
        #expect(plan.outputs[1].shape == [.unknown, .fixed(1)])
    }

    @Test func zeroTripsReturnInitialValuesAndEmptyScanOutputs() throws {
        let plan = try Plan.compile(try Self.accumulate())
        let result = try plan.run(Self.feeds(trips: 0))
        #expect(CFGraph.floats(result["y_final"]) == [1])
        #expect(result["ys"]?.tensor?.shape == [0, 1])
    }

    @Test func falseInitialConditionRunsNoIteration() throws {
        var graph = try Self.accumulate(loopInputs: ["M", "go", "y"])
        graph.inputs.append(CFGraph.tensor("go", .bool, []))
        let plan = try Plan.compile(graph)
        var feeds = Self.feeds(trips: 5)
        feeds["go"] = .tensor(Tensor(scalar: false))
        #expect(CFGraph.floats(try plan.run(feeds)["y_final"]) == [1])
        feeds["go"] = .tensor(Tensor(scalar: true))
        #expect(CFGraph.floats(try plan.run(feeds)["y_final"]) == [11])
    }

    @Test func bodyConditionStopsTheLoopWithoutATripCount() throws {
        // cond_out = i < 2: iterations 0, 1, 2 run; the third returns false.
        let body = CFGraph.graph(
            "body", inputs: Self.bodyInputs + [CFGraph.tensor("n_in", .int64, [])], outputs: ["c_out", "n_out"],
            nodes: [
                try CFGraph.constant("two", "limit", Tensor(scalar: Int64(2))),
                try CFGraph.node("less", "Less", ["i", "limit"], ["c_out"]) { _ in CFTestLess() },
                try CFGraph.constant("one", "one", Tensor(scalar: Int64(1))),
                try CFGraph.add("count", "n_in", "one", "n_out"),
            ])
        let loop = try CFGraph.node("loop", "Loop", ["", "", "n"], ["count"], attributes: ["body": .graph(body)]) { try Loop($0) }
        let plan = try Plan.compile(CFGraph.graph("main", inputs: [CFGraph.tensor("n", .int64, [])], outputs: ["count"], nodes: [loop]))
        let result = try plan.run(["n": .tensor(Tensor(scalar: Int64(0)))])
        #expect(result["count"]?.tensor?.elements(as: Int64.self) == [3])
    }

    @Test func carriedValuesThatGrowAreNotFoldedToTheirFirstShape() throws {
        // y grows by one element per iteration; Shape(y_in) must not fold to the initial shape [1].
        let body = CFGraph.graph(
            "body", inputs: Self.bodyInputs + [ValueInfo(name: "y_in", type: nil)], outputs: ["c", "y_out", "size"],
            nodes: [
                try CFGraph.constant("one", "one", Tensor(vector: [Float](arrayLiteral: 1))),
                try CFGraph.node("grow", "Concat", ["y_in", "one"], ["y_out"]) { _ in CFTestConcat1D() },
                try CFGraph.node("shape", "Shape", ["y_in"], ["size"]) { _ in CFTestShape() },
            ])
        let loop = try CFGraph.node("loop", "Loop", ["M", "", "y"], ["y_final", "sizes"], attributes: ["body": .graph(body)]) {
            try Loop($0)
        }
        let plan = try Plan.compile(
            CFGraph.graph(
                "main", inputs: [CFGraph.tensor("M", .int64, []), CFGraph.tensor("y", .float32, [.fixed(1)])], outputs: ["y_final", "sizes"],
                nodes: [loop]))
        #expect(plan.outputs[0].shape == [.unknown])
        let result = try plan.run(["M": .tensor(Tensor(scalar: Int64(3))), "y": .tensor(Tensor(vector: [Float](arrayLiteral: 0)))])
        #expect(CFGraph.floats(result["y_final"]) == [0, 1, 1, 1])
        #expect(result["sizes"]?.tensor?.elements(as: Int64.self) == [1, 2, 3])
    }

    @Test func sequenceCarriedValuesNeedOpset13() throws {
        let make = { (opset: Int) throws -> Graph in
            let body = CFGraph.graph(
                "body", inputs: Self.bodyInputs + [ValueInfo(name: "s_in", type: .sequence(.tensor(.float32)))], outputs: ["c", "s_out"],
                nodes: [
                    try CFGraph.constant("x", "x", Tensor(vector: [Float](arrayLiteral: 1))),
                    try CFGraph.node("insert", "SequenceInsert", ["s_in", "x"], ["s_out"]) { try SequenceInsert($0) },
                ])
            let loop = try CFGraph.node("loop", "Loop", ["M", "", "s"], ["s_final"], attributes: ["body": .graph(body)], opset: opset) {
                try Loop($0)
            }
            return CFGraph.graph(
                "main", inputs: [CFGraph.tensor("M", .int64, []), ValueInfo(name: "s", type: .sequence(.tensor(.float32)))],
                outputs: ["s_final"], nodes: [loop])
        }
        cfExpectError("sequences need opset 13", code: .invalidModel) { _ = try Plan.compile(try make(11)) }
        let plan = try Plan.compile(try make(13))
        let empty = Value.sequence(SequenceValue(elementType: .tensor(.float32), elements: []))
        let result = try plan.run(["M": .tensor(Tensor(scalar: Int64(4))), "s": empty])
        guard case .sequence(let s)? = result["s_final"] else {
            Issue.record("expected a sequence")
            return
        }
        #expect(s.elements.count == 4)
    }

    @Test func bodyConditionMustBeBool() throws {
        let body = CFGraph.graph(
            "body", inputs: Self.bodyInputs, outputs: ["i"], nodes: [])
        let loop = try CFGraph.node("loop", "Loop", ["M", ""], [], attributes: ["body": .graph(body)]) { try Loop($0) }
        cfExpectError("the condition", code: .invalidModel) {
            _ = try Plan.compile(CFGraph.graph("main", inputs: [CFGraph.tensor("M", .int64, [])], outputs: [], nodes: [loop]))
        }
    }

    @Test func bodyArityMustMatchTheCarriedValues() throws {
        let body = CFGraph.graph("body", inputs: Self.bodyInputs, outputs: ["c"], nodes: [])
        let loop = try CFGraph.node("loop", "Loop", ["M", "", "y"], ["y_final"], attributes: ["body": .graph(body)]) { try Loop($0) }
        cfExpectError("'body' takes 2 inputs (expected 3)", code: .invalidModel) {
            _ = try Plan.compile(
                CFGraph.graph(
                    "main", inputs: [CFGraph.tensor("M", .int64, []), CFGraph.tensor("y", .float32, [])], outputs: ["y_final"], nodes: [loop]))
        }
    }

    @Test func tripCountMustBeOneInteger() throws {
        var graph = try Self.accumulate()
        graph.inputs[0] = CFGraph.tensor("M", .int64, nil)
        let plan = try Plan.compile(graph)
        var feeds = Self.feeds(trips: 1)
        feeds["M"] = .tensor(Tensor(vector: [Int64](arrayLiteral: 1, 2)))
        cfExpectError("input 'M' must be a single integer", code: .invalidInput) { _ = try plan.run(feeds) }
    }

    @Test func bodyErrorsNameTheIteration() throws {
        // y of shape [2] and step of shape [3] do not broadcast: the body fails in its first iteration.
        var graph = try Self.accumulate()
        graph.inputs[1] = CFGraph.tensor("y", .float32, nil)
        graph.inputs[2] = CFGraph.tensor("step", .float32, nil)
        let plan = try Plan.compile(graph)
        var feeds = Self.feeds(trips: 2)
        feeds["step"] = .tensor(Tensor(vector: [Float](arrayLiteral: 1, 2, 3)))
        feeds["y"] = .tensor(Tensor(vector: [Float](arrayLiteral: 1, 2)))
        cfExpectError("'body' iteration 0") { _ = try plan.run(feeds) }
    }
}

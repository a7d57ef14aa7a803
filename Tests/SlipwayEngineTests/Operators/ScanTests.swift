import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

@Suite struct ScanTests {
    /// Running sum: state `sum`, one scan input, one scan output (the running sum).
    static func sumModel(opset: Int, attributes: [String: AttributeValue] = [:], xShape: [Dim]?, stateShape: [Dim]?) throws -> Graph {
        let body = CFGraph.graph(
            "body", inputs: [ValueInfo(name: "sum_in", type: nil), ValueInfo(name: "next", type: nil)], outputs: ["sum_out", "scan"],
            nodes: [try CFGraph.add("add", "sum_in", "next", "sum_out"), try CFGraph.identity("record", "sum_out", "scan")])
        var all = attributes
        all["body"] = .graph(body)
        all["num_scan_inputs"] = .int(1)
        let batched = opset < 9
        let scan = try CFGraph.node("scan", "Scan", (batched ? ["lens"] : []) + ["initial", "x"], ["final", "ys"], attributes: all, opset: opset) {
            try Scan($0)
        }
        var inputs = [CFGraph.tensor("initial", .float32, stateShape), CFGraph.tensor("x", .float32, xShape)]
        if batched { inputs.insert(CFGraph.tensor("lens", .int64, [.unknown]), at: 0) }
        return CFGraph.graph("main", inputs: inputs, outputs: ["final", "ys"], nodes: [scan])
    }

    static func matrix(_ shape: [Int], _ values: [Float]) throws -> Value { .tensor(try Tensor(shape: shape, elements: values)) }

    @Test func forwardScanAlongTheFirstAxis() throws {
        let plan = try Plan.compile(try Self.sumModel(opset: 9, xShape: [.fixed(3), .fixed(2)], stateShape: [.fixed(2)]))
        #expect(plan.outputs[0].shape == [.fixed(2)])
        #expect(plan.outputs[1].shape == [.fixed(3), .fixed(2)])
        let result = try plan.run(["initial": try Self.matrix([2], [0, 0]), "x": try Self.matrix([3, 2], [1, 2, 3, 4, 5, 6])])
        #expect(CFGraph.floats(result["final"]) == [9, 12])
        #expect(CFGraph.floats(result["ys"]) == [1, 2, 4, 6, 9, 12])
    }

    @Test func reversedInputStackedReversedAlongAxisOne() throws {
        let attributes: [String: AttributeValue] = [
            "scan_input_directions": .ints([1]), "scan_output_axes": .ints([1]), "scan_output_directions": .ints([1]),
        ]
        let plan = try Plan.compile(try Self.sumModel(opset: 11, attributes: attributes, xShape: [.fixed(3), .fixed(2)], stateShape: [.fixed(2)]))
        #expect(plan.outputs[1].shape == [.fixed(2), .fixed(3)])
        let result = try plan.run(["initial": try Self.matrix([2], [0, 0]), "x": try Self.matrix([3, 2], [1, 2, 3, 4, 5, 6])])
        // Rows visited 2, 1, 0: sums [5,6], [8,10], [9,12]; stacked on axis 1 in reverse order.
        #expect(CFGraph.floats(result["final"]) == [9, 12])
        #expect(result["ys"]?.tensor?.shape == [2, 3])
        #expect(CFGraph.floats(result["ys"]) == [9, 8, 5, 12, 10, 6])
    }

    @Test(arguments: [1, -1]) func scanAlongTheLastAxis(axis: Int) throws {
        let plan = try Plan.compile(
            try Self.sumModel(opset: 16, attributes: ["scan_input_axes": .ints([axis])], xShape: [.fixed(2), .fixed(3)], stateShape: [.fixed(2)]))
        #expect(plan.outputs[1].shape == [.fixed(3), .fixed(2)])
        let result = try plan.run(["initial": try Self.matrix([2], [0, 0]), "x": try Self.matrix([2, 3], [1, 3, 5, 2, 4, 6])])
        #expect(CFGraph.floats(result["ys"]) == [1, 2, 4, 6, 9, 12])
    }

    @Test func emptyScanKeepsTheInitialState() throws {
        let plan = try Plan.compile(try Self.sumModel(opset: 9, xShape: [.unknown, .fixed(2)], stateShape: [.fixed(2)]))
        let result = try plan.run(["initial": try Self.matrix([2], [4, 5]), "x": try Self.matrix([0, 2], [])])
        #expect(CFGraph.floats(result["final"]) == [4, 5])
        #expect(result["ys"]?.tensor?.shape == [0, 2])
    }

    @Test func opset8ScansEachBatchEntryAndPadsShortSequences() throws {
        let plan = try Plan.compile(try Self.sumModel(opset: 8, xShape: [.fixed(2), .fixed(3), .fixed(2)], stateShape: [.fixed(2), .fixed(2)]))
        #expect(plan.outputs[0].shape == [.fixed(2), .fixed(2)])
        #expect(plan.outputs[1].shape == [.fixed(2), .fixed(3), .fixed(2)])
        let x = try Self.matrix([2, 3, 2], [1, 2, 3, 4, 5, 6, 1, 0, 0, 1, 7, 7])
        let result = try plan.run([
            "lens": .tensor(Tensor(vector: [Int64](arrayLiteral: 3, 2))), "initial": try Self.matrix([2, 2], [0, 0, 0, 0]), "x": x,
        ])
        #expect(CFGraph.floats(result["final"]) == [9, 12, 1, 1])
        #expect(CFGraph.floats(result["ys"]) == [1, 2, 4, 6, 9, 12, 1, 0, 1, 1, 0, 0])
    }

    @Test func opset8ReverseStartsAtEachEntrysLength() throws {
        let plan = try Plan.compile(
            try Self.sumModel(
                opset: 8, attributes: ["directions": .ints([1])], xShape: [.fixed(1), .fixed(3), .fixed(1)], stateShape: [.fixed(1), .fixed(1)]))
        let result = try plan.run([
            "lens": .tensor(Tensor(vector: [Int64](arrayLiteral: 2))), "initial": try Self.matrix([1, 1], [0]),
            "x": try Self.matrix([1, 3, 1], [1, 10, 100]),
        ])
        // Visits x[1] then x[0]; x[2] is beyond the length.
        #expect(CFGraph.floats(result["ys"]) == [10, 11, 0])
    }

    @Test func opset8RejectsOutOfRangeSequenceLengths() throws {
        let plan = try Plan.compile(try Self.sumModel(opset: 8, xShape: nil, stateShape: nil))
        cfExpectError("sequence_lens[0] = 4 is out of range 1...3", code: .invalidInput) {
            _ = try plan.run([
                "lens": .tensor(Tensor(vector: [Int64](arrayLiteral: 4))), "initial": try Self.matrix([1, 1], [0]),
                "x": try Self.matrix([1, 3, 1], [1, 2, 3]),
            ])
        }
    }

    @Test func scanInputsMustAgreeOnTheirLength() throws {
        let body = CFGraph.graph(
            "body", inputs: [ValueInfo(name: "a", type: nil), ValueInfo(name: "b", type: nil)], outputs: ["s"],
            nodes: [try CFGraph.add("add", "a", "b", "s")])
        let scan = try CFGraph.node("scan", "Scan", ["x", "y"], ["ys"], attributes: ["body": .graph(body), "num_scan_inputs": .int(2)], opset: 9) {
            try Scan($0)
        }
        let graph = CFGraph.graph(
            "main", inputs: [CFGraph.tensor("x", .float32, [.fixed(3)]), CFGraph.tensor("y", .float32, [.fixed(4)])], outputs: ["ys"],
            nodes: [scan])
        cfExpectError("disagree on the sequence length: 3 and 4", code: .invalidModel) { _ = try Plan.compile(graph) }
        var loose = graph
        loose.inputs = [CFGraph.tensor("x", .float32, nil), CFGraph.tensor("y", .float32, nil)]
        let plan = try Plan.compile(loose)
        cfExpectError("disagree on the sequence length", code: .invalidInput) {
            _ = try plan.run(["x": try Self.matrix([3], [1, 2, 3]), "y": try Self.matrix([4], [1, 2, 3, 4])])
        }
    }

    @Test func badAttributesAreRejected() throws {
        let body = CFGraph.graph("body", inputs: [ValueInfo(name: "a", type: nil)], outputs: ["a"], nodes: [])
        cfExpectError("num_scan_inputs", code: .invalidModel) {
            _ = try Scan(OperatorHarness.configuration("Scan", opset: 9, attributes: ["body": .graph(body)], inputs: 1))
        }
        cfExpectError("directions are 0 (forward) or 1 (reverse)", code: .invalidModel) {
            _ = try Scan(
                OperatorHarness.configuration(
                    "Scan", opset: 9, attributes: ["body": .graph(body), "num_scan_inputs": .int(1), "scan_input_directions": .ints([2])],
                    inputs: 1))
        }
        cfExpectError("needs Scan opset 9", code: .invalidModel) {
            _ = try Scan(
                OperatorHarness.configuration(
                    "Scan", opset: 8, attributes: ["body": .graph(body), "num_scan_inputs": .int(1), "scan_input_axes": .ints([0])],
                    inputs: 2))
        }
        let scan = try CFGraph.node(
            "scan", "Scan", ["x"], ["ys"], attributes: ["body": .graph(body), "num_scan_inputs": .int(1), "scan_input_axes": .ints([2])],
            opset: 11
        ) { try Scan($0) }
        cfExpectError("scan_input_axes[0] = 2 is out of range", code: .invalidModel) {
            _ = try Plan.compile(CFGraph.graph("main", inputs: [CFGraph.tensor("x", .float32, [.fixed(3)])], outputs: ["ys"], nodes: [scan]))
        }
    }
}

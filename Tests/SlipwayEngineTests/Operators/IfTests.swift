import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

@Suite struct IfTests {
    /// then: x + x (x captured from the outer graph); else: a constant of another length.
    static func model(opset: Int = 16, elseValue: Tensor = Tensor(vector: [Float](repeating: 7, count: 2))) throws -> Graph {
        let thenBranch = CFGraph.graph("then", inputs: [], outputs: ["doubled"], nodes: [try CFGraph.add("twice", "x", "x", "doubled")])
        let elseBranch = CFGraph.graph("else", inputs: [], outputs: ["other"], nodes: [try CFGraph.constant("c", "other", elseValue)])
        let node = try CFGraph.node(
            "if", "If", ["cond"], ["y"], attributes: ["then_branch": .graph(thenBranch), "else_branch": .graph(elseBranch)], opset: opset
        ) { try If($0) }
        return CFGraph.graph(
            "main", inputs: [CFGraph.tensor("cond", .bool, []), CFGraph.tensor("x", .float32, [.fixed(3)])], outputs: ["y"], nodes: [node])
    }

    @Test func runsTheBranchTheConditionPicks() throws {
        let plan = try Plan.compile(try Self.model())
        let x = Value.tensor(Tensor(vector: [Float](arrayLiteral: 1, 2, 3)))
        let taken = try plan.run(["cond": .tensor(Tensor(scalar: true)), "x": x])
        #expect(CFGraph.floats(taken["y"]) == [2, 4, 6])
        let other = try plan.run(["cond": .tensor(Tensor(scalar: false)), "x": x])
        #expect(CFGraph.floats(other["y"]) == [7, 7])
    }

    @Test func branchesOfDifferentShapesMergeToAnUnknownDimension() throws {
        let plan = try Plan.compile(try Self.model())
        #expect(plan.outputs[0].type == .tensor(.float32))
        #expect(plan.outputs[0].shape == [.unknown])
    }

    @Test func branchesOfTheSameShapeKeepIt() throws {
        let plan = try Plan.compile(try Self.model(elseValue: Tensor(vector: [Float](repeating: 0, count: 3))))
        #expect(plan.outputs[0].shape == [.fixed(3)])
    }

    @Test func constantConditionAndBranchesFoldAway() throws {
        var graph = try Self.model(elseValue: Tensor(vector: [Float](arrayLiteral: 5)))
        graph.inputs = [CFGraph.tensor("x", .float32, [.fixed(3)])]
        graph.initializers["cond"] = .tensor(Tensor(scalar: false))
        let plan = try Plan.compile(graph)
        // The If still has a non-constant captured input (x), so it stays, but its shape is the else branch's.
        #expect(plan.outputs[0].shape == [.fixed(1)])
        let result = try plan.run(["x": .tensor(Tensor(vector: [Float](arrayLiteral: 1, 2, 3)))])
        #expect(CFGraph.floats(result["y"]) == [5])
    }

    @Test func branchesOfDifferentTypesAreRejected() throws {
        cfExpectError("then_branch produces tensor(float) but else_branch produces tensor(int64)", code: .invalidModel) {
            _ = try Plan.compile(try Self.model(elseValue: Tensor(vector: [Int64](arrayLiteral: 1))))
        }
    }

    @Test func conditionMustBeBool() throws {
        var graph = try Self.model()
        graph.inputs[0] = CFGraph.tensor("cond", .float32, [])
        cfExpectError("input 'cond' has type tensor(float)", code: .invalidModel) { _ = try Plan.compile(graph) }
    }

    @Test func conditionMustHoldOneValue() throws {
        var graph = try Self.model()
        graph.inputs[0] = CFGraph.tensor("cond", .bool, nil)
        let plan = try Plan.compile(graph)
        cfExpectError("must be a single bool", code: .invalidInput) {
            _ = try plan.run(["cond": .tensor(Tensor(vector: [true, false])), "x": .tensor(Tensor(vector: [Float](arrayLiteral: 1, 2, 3)))])
        }
    }

    @Test func sequenceOutputsNeedOpset13() throws {
        let make = { (opset: Int) throws -> Graph in
            let branch = { (name: String) throws -> Graph in
                CFGraph.graph(
                    name, inputs: [], outputs: ["s_\(name)"],
                    nodes: [
                        try CFGraph.constant("c_\(name)", "t_\(name)", Tensor(vector: [Float](arrayLiteral: 1))),
                        try CFGraph.node("sc_\(name)", "SequenceConstruct", ["t_\(name)"], ["s_\(name)"]) { try SequenceConstruct($0) },
                    ])
            }
            let node = try CFGraph.node(
                "if", "If", ["cond"], ["s"], attributes: ["then_branch": .graph(try branch("a")), "else_branch": .graph(try branch("b"))],
                opset: opset
            ) { try If($0) }
            return CFGraph.graph("main", inputs: [CFGraph.tensor("cond", .bool, [])], outputs: ["s"], nodes: [node])
        }
        cfExpectError("sequences need opset 13", code: .invalidModel) { _ = try Plan.compile(try make(11)) }
        let plan = try Plan.compile(try make(13))
        let result = try plan.run(["cond": .tensor(Tensor(scalar: true))])
        guard case .sequence(let s)? = result["s"] else {
            Issue.record("expected a sequence")
            return
        }
        #expect(s.elements.count == 1)
    }

    @Test func optionalAndPlainBranchOutputsMergeToAnOptional() throws {
        let thenBranch = CFGraph.graph(
            "then", inputs: [], outputs: ["o"],
            nodes: [try CFGraph.node("opt", "Optional", [], ["o"], attributes: ["type": .type(.tensor(.float32))]) { try OptionalConstruct($0) }])
        let elseBranch = CFGraph.graph(
            "else", inputs: [], outputs: ["t"], nodes: [try CFGraph.constant("c", "t", Tensor(vector: [Float](arrayLiteral: 3)))])
        let node = try CFGraph.node(
            "if", "If", ["cond"], ["y"], attributes: ["then_branch": .graph(thenBranch), "else_branch": .graph(elseBranch)]
        ) { try If($0) }
        let plan = try Plan.compile(CFGraph.graph("main", inputs: [CFGraph.tensor("cond", .bool, [])], outputs: ["y"], nodes: [node]))
        #expect(plan.outputs[0].type == .optional(.tensor(.float32)))
        let full = try plan.run(["cond": .tensor(Tensor(scalar: false))])
        guard case .optional(let inner?, _)? = full["y"] else {
            Issue.record("expected a present optional, got \(String(describing: full["y"]))")
            return
        }
        #expect(CFGraph.floats(inner) == [3])
        let empty = try plan.run(["cond": .tensor(Tensor(scalar: true))])
        guard case .optional(nil, _)? = empty["y"] else {
            Issue.record("expected an empty optional")
            return
        }
    }

    @Test func missingBranchIsRejected() throws {
        cfExpectError("else_branch", code: .invalidModel) {
            _ = try If(
                OperatorHarness.configuration(
                    "If", attributes: ["then_branch": .graph(CFGraph.graph("t", inputs: [], outputs: [], nodes: []))], inputs: 1))
        }
    }
}

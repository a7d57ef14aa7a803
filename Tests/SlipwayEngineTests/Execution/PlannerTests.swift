import Dispatch
import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// An operator that must never be folded (like a random generator): it adds one to its input.
private struct NotFoldable: Operator {
    var isDeterministic: Bool { false }
    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let input = try inputs.fact(0)
        return [ValueFact(type: input.type, shape: input.shape)]  // never claims a constant output
    }
    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        [.tensor(Tensor(vector: (try inputs.tensor(0).elements(as: Float.self) ?? []).map { $0 + 1 }))]
    }
}

@Suite struct PlannerTests {
    static let x = CFGraph.tensor("x", .float32, [.fixed(2)])
    static func feed(_ values: Float...) -> [String: Value] { ["x": .tensor(Tensor(vector: values))] }

    // MARK: Order and edges

    @Test func nodesListedOutOfOrderRunInDependencyOrder() throws {
        let graph = CFGraph.graph(
            "g", inputs: [Self.x], outputs: ["c"],
            nodes: [
                try CFGraph.add("c", "b", "x", "c"),
                try CFGraph.add("b", "a", "x", "b"),
                try CFGraph.identity("a", "x", "a"),
            ])
        let plan = try Plan.compile(graph, options: PlanOptions(fusion: false))
        #expect(plan.stepCount == 3)
        #expect(CFGraph.floats(try plan.run(Self.feed(1, 2))["c"]) == [3, 6])
        // With fusion, the Identity goes and the two Adds run as one step, with the same result.
        let fused = try Plan.compile(graph)
        #expect(fused.stepCount == 1)
        #expect(CFGraph.floats(try fused.run(Self.feed(1, 2))["c"]) == [3, 6])
        #expect(plan.outputs[0].shape == [.fixed(2)])
    }

    @Test func aCycleIsRejectedNamingItsNodes() throws {
        let graph = CFGraph.graph(
            "g", inputs: [Self.x], outputs: ["c"],
            nodes: [
                try CFGraph.add("first", "x", "c", "a"),
                try CFGraph.identity("second", "a", "b"),
                try CFGraph.identity("third", "b", "c"),
            ])
        cfExpectError("cycle", code: .invalidModel) { _ = try Plan.compile(graph) }
        do {
            _ = try Plan.compile(graph)
        } catch let error as EngineError {
            for name in ["first", "second", "third"] { #expect(error.message.contains("node \"\(name)\""), "\(error.message)") }
        }
    }

    @Test func aDanglingEdgeIsRejectedNamingTheValue() throws {
        let graph = CFGraph.graph("g", inputs: [Self.x], outputs: ["y"], nodes: [try CFGraph.add("sum", "x", "ghost", "y")])
        cfExpectError("node \"sum\" (Add) reads 'ghost', which no node, graph input or initializer defines", code: .invalidModel) {
            _ = try Plan.compile(graph)
        }
    }

    @Test func twoProducersOfOneValueAreRejected() throws {
        let graph = CFGraph.graph(
            "g", inputs: [Self.x], outputs: ["y"], nodes: [try CFGraph.identity("one", "x", "y"), try CFGraph.identity("two", "x", "y")])
        cfExpectError("value 'y' is produced by both node \"one\" (Identity) and node \"two\" (Identity)", code: .invalidModel) {
            _ = try Plan.compile(graph)
        }
    }

    @Test func overwritingAGraphInputIsRejected() throws {
        let graph = CFGraph.graph(
            "g", inputs: [Self.x], outputs: ["x"], nodes: [try CFGraph.constant("c", "x", Tensor(vector: [Float](arrayLiteral: 1, 2)))])
        cfExpectError("writes 'x', which is already a graph input", code: .invalidModel) { _ = try Plan.compile(graph) }
    }

    @Test func anUnproducedOutputIsRejected() throws {
        let graph = CFGraph.graph("g", inputs: [Self.x], outputs: ["nowhere"], nodes: [])
        cfExpectError("graph output 'nowhere' is not produced", code: .invalidModel) { _ = try Plan.compile(graph) }
    }

    // MARK: Constants and pass-through outputs

    @Test func constantSubgraphsAreFoldedAtLoad() throws {
        let w = Value.tensor(Tensor(vector: [Float](arrayLiteral: 10, 20)))
        let graph = CFGraph.graph(
            "g", inputs: [Self.x], outputs: ["y"],
            nodes: [try CFGraph.add("double", "w", "w", "ww"), try CFGraph.add("use", "ww", "x", "y")], initializers: ["w": w])
        let plan = try Plan.compile(graph)
        #expect(plan.stepCount == 1)
        #expect(CFGraph.floats(try plan.run(Self.feed(1, 2))["y"]) == [21, 42])
        let unfolded = try Plan.compile(graph, options: PlanOptions(constantFolding: false))
        #expect(unfolded.stepCount == 2)
        #expect(CFGraph.floats(try unfolded.run(Self.feed(1, 2))["y"]) == [21, 42])
    }

    @Test func nonDeterministicOperatorsAreNotFolded() throws {
        let w = Value.tensor(Tensor(vector: [Float](arrayLiteral: 1, 2)))
        let graph = CFGraph.graph(
            "g", inputs: [], outputs: ["y"], nodes: [try CFGraph.node("r", "Random", ["w"], ["y"]) { _ in NotFoldable() }], initializers: ["w": w])
        let plan = try Plan.compile(graph)
        #expect(plan.stepCount == 1)
        #expect(CFGraph.floats(try plan.run([:])["y"]) == [2, 3])
    }

    @Test func outputsMayBeInputsOrConstants() throws {
        let graph = CFGraph.graph(
            "g", inputs: [Self.x], outputs: ["x", "w", "copy"], nodes: [try CFGraph.identity("copy", "x", "copy")],
            initializers: ["w": .tensor(Tensor(vector: [Float](arrayLiteral: 7)))])
        let plan = try Plan.compile(graph)
        let result = try plan.run(Self.feed(3, 4))
        #expect(CFGraph.floats(result["x"]) == [3, 4])
        #expect(CFGraph.floats(result["w"]) == [7])
        #expect(CFGraph.floats(result["copy"]) == [3, 4])
    }

    @Test func feedsAreCheckedAgainstTheDeclaredInputs() throws {
        let plan = try Plan.compile(CFGraph.graph("g", inputs: [Self.x], outputs: ["x"], nodes: []))
        cfExpectError("missing input 'x'", code: .invalidInput) { _ = try plan.run([:]) }
        cfExpectError("unknown input 'y'", code: .invalidInput) { _ = try plan.run(["y": .tensor(Tensor(scalar: Float(1)))]) }
        cfExpectError("dimension 0 must be 2", code: .invalidInput) { _ = try plan.run(Self.feed(1, 2, 3)) }
    }

    // MARK: Subgraphs

    /// Loop (M times) whose body holds an If reading `flag` and `bias` from the outermost graph:
    /// acc += bias when flag, else acc stays.
    static func nestedCaptureModel() throws -> Graph {
        let thenBranch = CFGraph.graph("then", inputs: [], outputs: ["t"], nodes: [try CFGraph.add("bump", "acc_in", "bias", "t")])
        let elseBranch = CFGraph.graph("else", inputs: [], outputs: ["e"], nodes: [try CFGraph.identity("same", "acc_in", "e")])
        let body = CFGraph.graph(
            "body",
            inputs: [CFGraph.tensor("i", .int64, []), CFGraph.tensor("c", .bool, []), CFGraph.tensor("acc_in", .float32, [.fixed(1)])],
            outputs: ["c_out", "acc_out"],
            nodes: [
                try CFGraph.identity("keep", "c", "c_out"),
                try CFGraph.node(
                    "choose", "If", ["flag"], ["acc_out"], attributes: ["then_branch": .graph(thenBranch), "else_branch": .graph(elseBranch)]
                ) { try If($0) },
            ])
        let loop = try CFGraph.node("loop", "Loop", ["M", "", "acc"], ["total"], attributes: ["body": .graph(body)]) { try Loop($0) }
        return CFGraph.graph(
            "main",
            inputs: [
                CFGraph.tensor("M", .int64, []), CFGraph.tensor("acc", .float32, [.fixed(1)]), CFGraph.tensor("bias", .float32, [.fixed(1)]),
                CFGraph.tensor("flag", .bool, []),
            ],
            outputs: ["total"], nodes: [loop])
    }

    static func nestedFeeds(trips: Int64, bias: Float, flag: Bool) -> [String: Value] {
        [
            "M": .tensor(Tensor(scalar: trips)), "acc": .tensor(Tensor(vector: [Float](arrayLiteral: 0))),
            "bias": .tensor(Tensor(vector: [bias])), "flag": .tensor(Tensor(scalar: flag)),
        ]
    }

    @Test func nestedSubgraphsReadValuesOfTheOutermostGraph() throws {
        let graph = try Self.nestedCaptureModel()
        #expect(Set(graph.freeVariables).isEmpty)
        #expect(Set(graph.nodes[0].attributes.subgraphs[0].freeVariables) == ["flag", "bias"])
        let plan = try Plan.compile(graph)
        #expect(CFGraph.floats(try plan.run(Self.nestedFeeds(trips: 3, bias: 2, flag: true))["total"]) == [6])
        #expect(CFGraph.floats(try plan.run(Self.nestedFeeds(trips: 3, bias: 2, flag: false))["total"]) == [0])
    }

    @Test func capturedConstantsFoldInsideSubgraphs() throws {
        var graph = try Self.nestedCaptureModel()
        graph.inputs.removeAll { $0.name == "bias" || $0.name == "flag" }
        graph.initializers["bias"] = .tensor(Tensor(vector: [Float](arrayLiteral: 5)))
        graph.initializers["flag"] = .tensor(Tensor(scalar: true))
        let plan = try Plan.compile(graph)
        let result = try plan.run([
            "M": .tensor(Tensor(scalar: Int64(2))), "acc": .tensor(Tensor(vector: [Float](arrayLiteral: 1))),
        ])
        #expect(CFGraph.floats(result["total"]) == [11])
    }

    @Test func aSubgraphReadingAnUndefinedOuterValueIsRejected() throws {
        let branch = CFGraph.graph("then", inputs: [], outputs: ["t"], nodes: [try CFGraph.identity("read", "nowhere", "t")])
        let node = try CFGraph.node(
            "if", "If", ["cond"], ["y"], attributes: ["then_branch": .graph(branch), "else_branch": .graph(branch)]
        ) { try If($0) }
        let graph = CFGraph.graph("main", inputs: [CFGraph.tensor("cond", .bool, [])], outputs: ["y"], nodes: [node])
        cfExpectError("reads 'nowhere'", code: .invalidModel) { _ = try Plan.compile(graph) }
    }

    /// then: SequenceAt(SequenceEmpty(), 0), which fails whenever it runs; else: a constant.
    static func failingBranchModel() throws -> (graph: Graph, failing: [Node]) {
        let failing = [
            try CFGraph.node("empty", "SequenceEmpty", [], ["s"]) { try SequenceEmpty($0) },
            try CFGraph.constant("zero", "p", Tensor(scalar: Int64(0))),
            try CFGraph.node("first", "SequenceAt", ["s", "p"], ["t"]) { try SequenceAt($0) },
        ]
        let thenBranch = CFGraph.graph("then", inputs: [], outputs: ["t"], nodes: failing)
        let elseBranch = CFGraph.graph("else", inputs: [], outputs: ["e"], nodes: [try CFGraph.constant("c", "e", Tensor(scalar: Float(1)))])
        let node = try CFGraph.node(
            "if", "If", ["cond"], ["y"], attributes: ["then_branch": .graph(thenBranch), "else_branch": .graph(elseBranch)]
        ) { try If($0) }
        return (CFGraph.graph("main", inputs: [CFGraph.tensor("cond", .bool, [])], outputs: ["y"], nodes: [node]), failing)
    }

    @Test func aBranchThatFailsOnConstantsLoadsAndFailsOnlyWhenTaken() throws {
        let plan = try Plan.compile(try Self.failingBranchModel().graph)
        #expect(CFGraph.floats(try plan.run(["cond": .tensor(Tensor(scalar: false))])["y"]) == [1])
        cfExpectError("position 0 is out of range", code: .invalidInput) { _ = try plan.run(["cond": .tensor(Tensor(scalar: true))]) }
    }

    @Test func aTopLevelNodeThatFailsOnConstantsIsRejectedAtLoad() throws {
        let graph = CFGraph.graph("main", inputs: [], outputs: ["t"], nodes: try Self.failingBranchModel().failing)
        cfExpectError("node \"first\" (SequenceAt): position 0 is out of range", code: .invalidModel) { _ = try Plan.compile(graph) }
    }

    // MARK: Concurrency

    @Test func onePlanRunsFromManyThreadsAtOnce() throws {
        let plan = try Plan.compile(try Self.nestedCaptureModel())
        let runs = 64
        let results = ResultBox(count: runs)
        DispatchQueue.concurrentPerform(iterations: runs) { k in
            let feeds = Self.nestedFeeds(trips: Int64(k % 5), bias: Float(k), flag: k % 2 == 0)
            let total = (try? plan.run(feeds))?["total"]?.tensor?.elements(as: Float.self)?.first
            results.set(k, total)
        }
        for k in 0..<runs {
            let expected: Float = k % 2 == 0 ? Float(k % 5) * Float(k) : 0
            #expect(results.get(k) == expected, "run \(k)")
        }
    }
}

/// Per-index results written from concurrent runs (each index written once, read after all finish).
private final class ResultBox: @unchecked Sendable {
    private var values: [Float?]
    private let lock = SemaphoreLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: Float?) { lock.withLock { values[i] = v } }
    func get(_ i: Int) -> Float? { lock.withLock { values[i] } }
}

/// A minimal lock from Dispatch (Foundation is not imported here).
private final class SemaphoreLock: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 1)
    func withLock<T>(_ body: () -> T) -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return body()
    }
}

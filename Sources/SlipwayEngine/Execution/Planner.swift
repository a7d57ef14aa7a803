import SlipwayTensor

/// Options for turning a graph into a plan.
public struct PlanOptions: Sendable {
    /// Evaluate nodes whose inputs are all constants once, at load time.
    public var constantFolding: Bool
    /// Merge duplicate nodes and operator chains (Conv+BatchNormalization+Relu, MatMul+Add+Relu, element-wise chains);
    /// see `CommonSubexpressionPass`, `FusionPass`, `ElementwiseFusionPass`.
    public var fusion: Bool
    public init(constantFolding: Bool = true, fusion: Bool = true) {
        self.constantFolding = constantFolding
        self.fusion = fusion
    }
}

extension Plan {
    /// Validates a graph and builds its plan: edges resolved, cycles rejected, nodes ordered, every
    /// operator prepared (types and shapes inferred), constants folded, value lifetimes computed.
    ///
    /// - Parameters:
    ///   - graph: the graph to compile.
    ///   - inputFacts: facts that override the declared inputs' (subgraphs whose inputs are untyped).
    ///   - captured: facts of values this graph takes from an enclosing graph.
    /// - Throws: ``EngineError`` naming the node, edge or input at fault.
    public static func compile(
        _ graph: Graph, inputFacts: [ValueFact?]? = nil, captured: [String: ValueFact] = [:],
        options: PlanOptions = PlanOptions()
    ) throws -> Plan {
        var builder = PlanBuilder(
            graph: options.fusion ? FusionPass.run(CommonSubexpressionPass.run(graph)) : graph, options: options)
        return try builder.build(inputFacts: inputFacts, captured: captured)
    }

    /// Compiles the body of a control-flow node (`If` branch, `Loop`/`Scan` body), as
    /// ``PrepareContext/compileSubgraph`` does: like ``compile(_:inputFacts:captured:options:)``, except
    /// that a node failing on its constant inputs is left unfolded (it fails when, and only if, it runs),
    /// since the branch holding it may never be taken.
    static func compileSubgraph(
        _ graph: Graph, inputFacts: [ValueFact?], captured: [String: ValueFact], options: PlanOptions
    ) throws -> Plan {
        var builder = PlanBuilder(graph: graph, options: options)
        builder.deferFoldFailures = true
        return try builder.build(inputFacts: inputFacts, captured: captured)
    }
}

/// The state of one compilation (see ``Plan/compile(_:inputFacts:captured:options:)``).
struct PlanBuilder {
    let graph: Graph
    let options: PlanOptions
    var facts: [String: ValueFact] = [:]
    /// Leave nodes that throw while being folded in the plan instead of rejecting the graph (subgraphs).
    var deferFoldFailures = false

    init(graph: Graph, options: PlanOptions) {
        self.graph = graph
        self.options = options
    }

    mutating func build(inputFacts: [ValueFact?]?, captured: [String: ValueFact]) throws -> Plan {
        // 1. Sources: graph inputs (an input that is also an initializer is an overridable default), initializers, captures.
        var feedable: [ValueInfo] = []
        for (i, input) in graph.inputs.enumerated() {
            if let override = inputFacts.flatMap({ i < $0.count ? $0[i] : nil }) {
                facts[input.name] = override
                feedable.append(ValueInfo(name: input.name, type: override.type, shape: override.shape ?? input.shape))
                continue
            }
            if let initial = graph.initializers[input.name], inputFacts == nil {
                // ONNX IR < 4 lists initializers as inputs; treat them as constants.
                facts[input.name] = ValueFact(constant: initial)
                continue
            }
            guard let fact = input.fact else {
                throw EngineError.invalidModel("graph input '\(input.name)' has no type")
            }
            facts[input.name] = fact
            feedable.append(input)
        }
        for (name, value) in graph.initializers where facts[name] == nil {
            facts[name] = ValueFact(constant: value)
        }
        var capturedNames: [String] = []
        for (name, fact) in captured.sorted(by: { $0.key < $1.key }) where facts[name] == nil {
            facts[name] = fact
            capturedNames.append(name)
        }

        // 2. Edges and order.
        let order = try topologicalOrder(available: Set(facts.keys))

        // 3. Prepare every node; fold constants.
        var steps: [(node: Node, op: any Operator, implicit: [String])] = []
        for index in order {
            let node = graph.nodes[index]
            let implicit = implicitInputs(of: node)
            var inputFacts: [ValueFact?] = node.inputs.map { $0.isEmpty ? nil : facts[$0] }
            inputFacts += implicit.map { facts[$0] }
            var op = node.op
            let context = PrepareContext(
                nodeLabel: node.label, outputCount: node.outputs.count,
                outputsUsed: node.outputs.map { !$0.isEmpty },
                explicitInputCount: node.inputs.count, capturedNames: implicit,
                compileSubgraph: { [options] sub, subInputs, subCaptured in
                    try Plan.compileSubgraph(sub, inputFacts: subInputs, captured: subCaptured, options: options)
                })
            let outputFacts: [ValueFact]
            do {
                outputFacts = try op.prepare(inputFacts, context: context)
            } catch let error as EngineError {
                throw error.prefixed(node.label)
            } catch {
                throw EngineError.invalidModel("\(node.label): \(error)")
            }
            guard outputFacts.count >= node.outputs.count else {
                throw EngineError.invalidModel(
                    "\(node.label): declares \(node.outputs.count) outputs but the operator produces \(outputFacts.count)")
            }
            // An operator may fold itself (Shape of a fixed-shape input): every used output is a constant.
            let selfFolded = zip(node.outputs, outputFacts).allSatisfy { $0.0.isEmpty || $0.1.constant != nil }
            if selfFolded && !node.outputs.isEmpty {
                for (name, fact) in zip(node.outputs, outputFacts) where !name.isEmpty { facts[name] = fact }
                continue
            }
            if options.constantFolding, op.isDeterministic,
                let folded = try fold(op, node: node, inputFacts: inputFacts)
            {
                for (name, value) in zip(node.outputs, folded) where !name.isEmpty {
                    facts[name] = ValueFact(constant: value)
                }
                continue
            }
            for (name, fact) in zip(node.outputs, outputFacts) where !name.isEmpty {
                facts[name] = fact
            }
            steps.append((node, op, implicit))
        }

        // 3b. Drop steps that pass their input on unchanged; join chains of small element-wise steps into one.
        if options.fusion {
            let pinned = Set(graph.outputs.map(\.name))
            steps = NoOpEliminationPass.run(steps, facts: facts, pinned: pinned)
            steps = ElementwiseFusionPass.run(steps, facts: facts, pinned: pinned)
        }

        // 4. Outputs.
        var outputs: [ValueInfo] = []
        for output in graph.outputs {
            guard let fact = facts[output.name] else {
                throw EngineError.invalidModel("graph output '\(output.name)' is not produced by any node, input or initializer")
            }
            outputs.append(ValueInfo(name: output.name, type: fact.type, shape: fact.shape ?? output.shape))
        }

        // 5. Slots and lifetimes.
        var slotOf: [String: Int] = [:]
        func slot(_ name: String) -> Int {
            if let s = slotOf[name] { return s }
            let s = slotOf.count
            slotOf[name] = s
            return s
        }
        let inputSlots = feedable.map { slot($0.name) }
        let capturedSlots = capturedNames.map { slot($0) }
        var template: [Int: Value] = [:]
        var lastUse: [Int: Int] = [:]
        var planned: [(op: any Operator, label: String, inputs: [Int?], outputs: [Int?])] = []
        for (stepIndex, entry) in steps.enumerated() {
            var inputSlotsOfStep: [Int?] = []
            for name in entry.node.inputs + entry.implicit {
                if name.isEmpty {
                    inputSlotsOfStep.append(nil)
                    continue
                }
                let s = slot(name)
                if let constant = facts[name]?.constant, template[s] == nil { template[s] = constant }
                lastUse[s] = stepIndex
                inputSlotsOfStep.append(s)
            }
            let outputSlotsOfStep = entry.node.outputs.map { $0.isEmpty ? nil : slot($0) }
            planned.append((entry.op, entry.node.label, inputSlotsOfStep, outputSlotsOfStep))
        }
        let outputSlots = graph.outputs.map { slot($0.name) }
        for (output, s) in zip(graph.outputs, outputSlots) {
            if let constant = facts[output.name]?.constant, template[s] == nil { template[s] = constant }
        }
        // A slot is released at its last use unless it is an output, a constant or a fed value.
        let pinned = Set(outputSlots).union(template.keys).union(inputSlots).union(capturedSlots)
        var consumed = [[Int]](repeating: [], count: planned.count)
        for (s, stepIndex) in lastUse where !pinned.contains(s) {
            consumed[stepIndex].append(s)
        }
        let finalSteps = planned.indices.map { i in
            Plan.Step(
                op: planned[i].op, label: planned[i].label, inputs: planned[i].inputs, outputs: planned[i].outputs,
                consumed: consumed[i])
        }
        // Fed inputs are released at their last use too: the caller's copy keeps the buffer alive anyway.
        var slotsTemplate = [Value?](repeating: nil, count: slotOf.count)
        for (s, value) in template { slotsTemplate[s] = value }

        return Plan(
            inputs: feedable, outputs: outputs, capturedNames: capturedNames, slotCount: slotOf.count,
            template: slotsTemplate, inputSlots: inputSlots, capturedSlots: capturedSlots,
            outputSlots: outputSlots, steps: finalSteps)
    }

    /// Values a node's subgraphs read from this graph's scope.
    func implicitInputs(of node: Node) -> [String] {
        let subgraphs = node.attributes.subgraphs
        guard !subgraphs.isEmpty else { return [] }
        var seen = Set<String>()
        var result: [String] = []
        for sub in subgraphs {
            for name in sub.freeVariables where seen.insert(name).inserted { result.append(name) }
        }
        return result
    }

    /// Kahn's algorithm over the nodes; rejects dangling edges, duplicate producers and cycles.
    func topologicalOrder(available: Set<String>) throws -> [Int] {
        var producer: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                if let other = producer[output] {
                    throw EngineError.invalidModel(
                        "value '\(output)' is produced by both \(graph.nodes[other].label) and \(node.label)")
                }
                if available.contains(output) {
                    throw EngineError.invalidModel("\(node.label) writes '\(output)', which is already a graph input or initializer")
                }
                producer[output] = i
            }
        }
        var dependents = [[Int]](repeating: [], count: graph.nodes.count)
        var pending = [Int](repeating: 0, count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() {
            var deps = Set<Int>()
            for name in node.inputs + implicitInputs(of: node) where !name.isEmpty {
                if let p = producer[name] {
                    deps.insert(p)
                } else if !available.contains(name) {
                    throw EngineError.invalidModel(
                        "\(node.label) reads '\(name)', which no node, graph input or initializer defines (dangling edge)")
                }
            }
            pending[i] = deps.count
            for p in deps { dependents[p].append(i) }
        }
        var ready = (0..<graph.nodes.count).filter { pending[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(graph.nodes.count)
        var head = 0
        while head < ready.count {
            let i = ready[head]
            head += 1
            order.append(i)
            for d in dependents[i] {
                pending[d] -= 1
                if pending[d] == 0 { ready.append(d) }
            }
        }
        if order.count < graph.nodes.count {
            let stuck = (0..<graph.nodes.count).filter { pending[$0] > 0 }.prefix(5).map { graph.nodes[$0].label }
            throw EngineError.invalidModel("the graph has a cycle through \(stuck.joined(separator: ", "))")
        }
        return order
    }

    /// Runs a node at load time when all its present inputs are constants; nil when it cannot be folded.
    func fold(_ op: any Operator, node: Node, inputFacts: [ValueFact?]) throws -> [Value]? {
        var values: [Value?] = []
        for (i, fact) in inputFacts.enumerated() {
            let name = i < node.inputs.count ? node.inputs[i] : "captured"
            if name.isEmpty {
                values.append(nil)
                continue
            }
            guard let constant = fact?.constant else { return nil }
            values.append(constant)
        }
        // Skip folding huge results: keep the model's memory proportional to its file.
        do {
            let results = try op.run(values, context: RunContext())
            return results
        } catch let error as EngineError {
            if deferFoldFailures { return nil }
            // At load time a node failing on constants is the model's fault, whatever the kernel's code says.
            throw EngineError(.invalidModel, "\(node.label): \(error.message)")
        } catch {
            if deferFoldFailures { return nil }
            throw EngineError.invalidModel("\(node.label): \(error)")
        }
    }
}

import SlipwayTensor

/// ONNX `If`: runs `then_branch` when the single boolean `cond` is true, else `else_branch`, and returns
/// that branch's outputs (tensors, sequences or optionals; the branches may differ in shape).
///
/// Both branches are compiled once at load; values they read from the enclosing graph arrive as the
/// node's captured inputs. When `cond` is a load-time constant only the chosen branch's facts count.
public struct If: Operator {
    let thenGraph: Graph
    let elseGraph: Graph
    let opsetVersion: Int
    var thenBody: ControlFlowBody?
    var elseBody: ControlFlowBody?
    var outputTypes: [ValueType] = []

    public init(_ config: OperatorConfiguration) throws {
        guard let thenGraph = try config.attributes.graph("then_branch") else {
            throw EngineError.invalidModel("If needs the graph attribute 'then_branch'")
        }
        guard let elseGraph = try config.attributes.graph("else_branch") else {
            throw EngineError.invalidModel("If needs the graph attribute 'else_branch'")
        }
        guard thenGraph.outputs.count == elseGraph.outputs.count else {
            throw EngineError.invalidModel(
                "If: then_branch has \(thenGraph.outputs.count) outputs but else_branch has \(elseGraph.outputs.count)")
        }
        if !thenGraph.inputs.isEmpty || !elseGraph.inputs.isEmpty {
            throw EngineError.invalidModel("If: branches take no inputs, but one declares \(max(thenGraph.inputs.count, elseGraph.inputs.count))")
        }
        self.thenGraph = thenGraph
        self.elseGraph = elseGraph
        self.opsetVersion = config.opsetVersion
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let cond = try inputs.fact(0, "cond")
        guard cond.dataType == .bool else {
            throw EngineError.invalidModel("input 'cond' has type \(cond.type), expected tensor(bool)")
        }
        if let shape = cond.concreteShape, shape.reduce(1, *) != 1 {
            throw EngineError.invalidModel("input 'cond' must hold a single bool, its shape is \(shape)")
        }
        guard context.outputCount <= thenGraph.outputs.count else {
            throw EngineError.invalidModel("If declares \(context.outputCount) outputs but its branches produce \(thenGraph.outputs.count)")
        }
        let thenBody = try ControlFlowBody.compile(
            thenGraph, attribute: "then_branch", formalFacts: [], nodeInputs: inputs, context: context)
        let elseBody = try ControlFlowBody.compile(
            elseGraph, attribute: "else_branch", formalFacts: [], nodeInputs: inputs, context: context)
        self.thenBody = thenBody
        self.elseBody = elseBody

        var facts: [ValueFact] = []
        for (i, (a, b)) in zip(thenBody.outputFacts, elseBody.outputFacts).enumerated() {
            try ControlFlowFacts.checkOpsetAllows(a.type, opset: opsetVersion, what: "then_branch output \(i)")
            try ControlFlowFacts.checkOpsetAllows(b.type, opset: opsetVersion, what: "else_branch output \(i)")
            guard let merged = ControlFlowFacts.merge(a, b) else {
                throw EngineError.invalidModel("output \(i): then_branch produces \(a.type) but else_branch produces \(b.type)")
            }
            facts.append(merged)
        }
        outputTypes = facts.map(\.type)
        // A constant condition: the taken branch's shapes are exact.
        if let flag = cond.constantTensor?.elements(as: Bool.self)?.first {
            let taken = flag ? thenBody.outputFacts : elseBody.outputFacts
            for i in facts.indices where facts[i].type == taken[i].type {
                facts[i].shape = taken[i].shape
            }
        }
        return facts
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let thenBody, let elseBody else { throw EngineError.runtime("If was run before being prepared") }
        let flag = try ControlFlowValues.condition(inputs.first ?? nil, what: "input 'cond'")
        let body = flag ? thenBody : elseBody
        let outputs = try body.run([], captured: body.captured(from: inputs), context: context)
        var results: [Value] = []
        for (i, value) in outputs.enumerated() {
            guard i < outputTypes.count else { break }
            results.append(try ControlFlowValues.coerce(value, to: outputTypes[i], what: "\(body.attribute) output \(i)"))
        }
        return results
    }
}

import SlipwayTensor

/// Runs after every operator is prepared: drops steps that hand their input on unchanged — `Identity` on a
/// tensor, and `Cast` to the type the tensor already has (skl2onnx writes both: a `Cast` to float on float
/// input, an `Identity` before each graph output, a `Cast` to int64 of int64 labels).
///
/// For a step `Y = Identity(X)`: when `X` is computed by an earlier step and read by nothing else, that step
/// writes `Y` directly; otherwise, when `Y` is not a graph output, its readers read `X` instead. Values read by
/// subgraphs are never renamed. Either way every graph output keeps its name and value.
enum NoOpEliminationPass {
    typealias Step = (node: Node, op: any Operator, implicit: [String])

    static func run(_ steps: [Step], facts: [String: ValueFact], pinned: Set<String>) -> [Step] {
        var readers: [String: Int] = [:]
        var capturedBySubgraphs = Set<String>()
        for step in steps {
            for name in step.node.inputs where !name.isEmpty { readers[name, default: 0] += 1 }
            capturedBySubgraphs.formUnion(step.implicit)
        }
        var result: [Step] = []
        var producerIndex: [String: Int] = [:]
        var replaced: [String: String] = [:]
        for var step in steps {
            if !replaced.isEmpty { step.node.inputs = step.node.inputs.map { replaced[$0] ?? $0 } }
            if let (x, y) = passThrough(step, facts: facts), !capturedBySubgraphs.contains(x), !capturedBySubgraphs.contains(y) {
                if let p = producerIndex[x], !pinned.contains(x), readers[x] == 1,
                    let slot = result[p].node.outputs.firstIndex(of: x)
                {
                    result[p].node.outputs[slot] = y
                    producerIndex[y] = p
                    continue
                }
                if !pinned.contains(y) {
                    replaced[y] = x
                    readers[x, default: 0] += readers[y] ?? 0
                    continue
                }
            }
            for name in step.node.outputs where !name.isEmpty { producerIndex[name] = result.count }
            result.append(step)
        }
        return result
    }

    /// `(input, output)` of a step that returns its tensor input unchanged.
    static func passThrough(_ step: Step, facts: [String: ValueFact]) -> (String, String)? {
        let node = step.node
        guard node.domain.isEmpty || node.domain == "ai.onnx", node.inputs.count == 1, node.outputs.count == 1,
            let x = node.inputs.first, let y = node.outputs.first, !x.isEmpty, !y.isEmpty,
            let inputType = facts[x]?.dataType, step.implicit.isEmpty
        else { return nil }
        switch node.opType {
        case "Identity": return (x, y)
        case "Cast": return facts[y]?.dataType == inputType ? (x, y) : nil
        default: return nil
        }
    }
}

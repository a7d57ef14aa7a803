import SlipwayTensor

/// Merges nodes that compute the same thing: same operator, domain, inputs and attributes (a deterministic
/// operator without subgraph or tensor attributes). The later duplicate is removed and its readers read the
/// first one's outputs instead. Converters emit such duplicates often: skl2onnx's isolation forest has one
/// `Gather` of the same columns per tree, and two identical `Cast`s after each tree.
///
/// A duplicate is kept when one of its outputs is a graph output or is read by a subgraph (renaming
/// inside subgraphs is not worth the risk), so the rewritten graph computes exactly the same outputs.
enum CommonSubexpressionPass {
    static func run(_ graph: Graph) -> Graph {
        var graph = graph
        var protected = Set(graph.outputs.map(\.name))
        for node in graph.nodes {
            for sub in node.attributes.subgraphs { protected.formUnion(sub.freeVariables) }
        }
        // Renaming can make later nodes identical (Cast after merged Gathers): repeat until nothing changes.
        var changed = true
        while changed {
            changed = false
            var firstWithKey: [String: Int] = [:]
            var renamed: [String: String] = [:]
            var removed = Set<Int>()
            for index in graph.nodes.indices {
                if !renamed.isEmpty {
                    graph.nodes[index].inputs = graph.nodes[index].inputs.map { renamed[$0] ?? $0 }
                }
                let node = graph.nodes[index]
                guard let key = key(of: node) else { continue }
                guard let keeper = firstWithKey[key] else {
                    firstWithKey[key] = index
                    continue
                }
                let kept = graph.nodes[keeper]
                guard kept.outputs.count == node.outputs.count,
                    zip(kept.outputs, node.outputs).allSatisfy({ k, d in d.isEmpty || (!k.isEmpty && !protected.contains(d)) })
                else { continue }
                for (k, d) in zip(kept.outputs, node.outputs) where !d.isEmpty { renamed[d] = k }
                removed.insert(index)
            }
            if !removed.isEmpty {
                // Readers listed before their duplicate producer (the node list need not be sorted).
                for index in graph.nodes.indices {
                    graph.nodes[index].inputs = graph.nodes[index].inputs.map { renamed[$0] ?? $0 }
                }
                graph.nodes = graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
                changed = true
            }
        }
        return graph
    }

    /// A string equal for two nodes exactly when they compute the same outputs; nil for nodes never merged.
    static func key(of node: Node) -> String? {
        guard node.op.isDeterministic, !node.outputs.isEmpty, node.opType != "Constant" else { return nil }
        var parts = [node.domain, node.opType, "\(node.inputs.count)"]
        parts += node.inputs
        for name in node.attributes.values.keys.sorted() {
            guard let value = node.attributes.values[name], let text = canonical(value) else { return nil }
            parts.append(name + "=" + text)
        }
        return parts.joined(separator: "\u{1}")
    }

    /// Exact text for scalar and list attributes (floats by bit pattern); nil for tensors and graphs.
    static func canonical(_ value: AttributeValue) -> String? {
        switch value {
        case .int(let v): "i\(v)"
        case .float(let v): "f\(v.bitPattern)"
        case .string(let v): "s" + v.utf8.map { String($0) }.joined(separator: ",")
        case .ints(let v): "I" + v.map(String.init).joined(separator: ",")
        case .floats(let v): "F" + v.map { String($0.bitPattern) }.joined(separator: ",")
        case .strings(let v): "S" + v.map { $0.utf8.map { String($0) }.joined(separator: ",") }.joined(separator: ";")
        case .type(let t): "t\(t)"
        case .tensor, .graph, .tensors, .graphs: nil
        }
    }
}

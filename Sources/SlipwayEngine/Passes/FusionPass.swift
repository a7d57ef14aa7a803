import SlipwayTensor

/// Graph rewrites run before planning that merge chains of operators into one step:
///
/// - `Conv → BatchNormalization` (inference mode, float32, constant W/B and BN parameters): the
///   normalisation is folded into the convolution's weights and bias (`W'[m] = W[m]·a[m]`,
///   `B'[m] = B[m]·a[m] + b[m]` with `a = scale/√(var+ε)`, `b = bias - mean·a`).
/// - `Conv → Relu` and `MatMul → Add(constant bias) [→ Relu]`: the activation (and bias) run inside the
///   producing operator, on its output while it is still in cache.
/// - `MatMul [→ Add(bias)] → GELU`, the GELU spelled `Div(x, c) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, ½)`
///   with scalar constants: the five element-wise steps run in the MatMul's epilogue, same operations in
///   the same order.
/// - `MatMul → Mul(constant scalar)` (attention's `1/√d`): the product is scaled in the epilogue.
///
/// A chain is fused only when the intermediate value has no other reader (node, subgraph or graph
/// output), so the rewritten graph computes exactly the same outputs.
enum FusionPass {
    static func run(_ graph: Graph) -> Graph {
        var graph = graph
        var changed = true
        while changed {
            changed = false
            let uses = useCounts(graph)
            for index in graph.nodes.indices {
                if let removed = fuseGelu(at: index, in: &graph, uses: uses) {
                    for i in removed.sorted(by: >) { graph.nodes.remove(at: i) }
                    changed = true
                    break
                }
                if let fused = fuse(at: index, in: &graph, uses: uses) {
                    graph.nodes.remove(at: fused)
                    changed = true
                    break
                }
            }
        }
        return graph
    }

    /// How many times each value is read (node inputs, subgraph captures, graph outputs).
    static func useCounts(_ graph: Graph) -> [String: Int] {
        var uses: [String: Int] = [:]
        for node in graph.nodes {
            for name in node.inputs where !name.isEmpty { uses[name, default: 0] += 1 }
            for sub in node.attributes.subgraphs {
                for name in sub.freeVariables { uses[name, default: 0] += 1 }
            }
        }
        for output in graph.outputs { uses[output.name, default: 0] += 2 }
        return uses
    }

    /// Tries to merge node `index` with the single reader of its output; returns the index of the node
    /// to delete when it did.
    static func fuse(at index: Int, in graph: inout Graph, uses: [String: Int]) -> Int? {
        let node = graph.nodes[index]
        guard node.domain.isEmpty || node.domain == "ai.onnx", node.outputs.count == 1, let output = node.outputs.first,
            !output.isEmpty, uses[output] == 1,
            let readerIndex = graph.nodes.firstIndex(where: { $0.inputs.contains(output) })
        else { return nil }
        let reader = graph.nodes[readerIndex]
        guard reader.domain.isEmpty || reader.domain == "ai.onnx" else { return nil }
        if var conv = node.op as? Conv {
            if reader.opType == "Relu", conv.activation == nil {
                conv.activation = .relu
                replace(index, with: conv, inputs: node.inputs, outputs: reader.outputs, in: &graph)
                return readerIndex
            }
            if reader.opType == "BatchNormalization", conv.activation == nil, let bn = reader.op as? BatchNormalization,
                !bn.training, reader.outputs.count == 1, reader.inputs.first == output,
                let inputs = foldBatchNormalization(conv: node, bn: reader, epsilon: bn.epsilon, in: &graph)
            {
                replace(index, with: conv, inputs: inputs, outputs: reader.outputs, in: &graph)
                return readerIndex
            }
            return nil
        }
        if var matmul = node.op as? MatMul {
            if reader.opType == "Relu", matmul.bias != nil, matmul.activation == nil, matmul.scale == nil {
                matmul.activation = .relu
                replace(index, with: matmul, inputs: node.inputs, outputs: reader.outputs, in: &graph)
                return readerIndex
            }
            if reader.opType == "Add", matmul.bias == nil, matmul.activation == nil, matmul.scale == nil, reader.inputs.count == 2,
                let bias = biasVector(reader.inputs[0] == output ? reader.inputs[1] : reader.inputs[0], forMatMul: node, in: graph)
            {
                matmul.bias = bias.values
                matmul.biasRank = bias.rank
                replace(index, with: matmul, inputs: node.inputs, outputs: reader.outputs, in: &graph)
                return readerIndex
            }
            if reader.opType == "Mul", matmul.scale == nil, reader.inputs.count == 2, reader.outputs.count == 1,
                let scale = scalar(reader.inputs[0] == output ? reader.inputs[1] : reader.inputs[0], in: graph)
            {
                matmul.scale = scale
                replace(index, with: matmul, inputs: node.inputs, outputs: reader.outputs, in: &graph)
                return readerIndex
            }
        }
        return nil
    }

    /// Merges `MatMul → Div(x, c) → Erf → Add(·, one) → Mul(x, ·) → Mul(·, half)` (any operand order of the
    /// commutative steps; `c`, `one`, `half` float32 scalar constants) into the MatMul's epilogue when the
    /// MatMul's output has exactly these two readers and every intermediate value one. Returns the indices
    /// of the five nodes to delete.
    static func fuseGelu(at index: Int, in graph: inout Graph, uses: [String: Int]) -> [Int]? {
        let node = graph.nodes[index]
        guard var matmul = node.op as? MatMul, matmul.activation == nil, matmul.scale == nil, node.outputs.count == 1,
            let x = node.outputs.first, !x.isEmpty, uses[x] == 2
        else { return nil }
        /// The single default-domain reader of `value` with this op type and one output.
        func reader(of value: String, _ opType: String, where ok: (Node) -> Bool = { _ in true }) -> (Int, Node)? {
            guard let i = graph.nodes.firstIndex(where: { $0.opType == opType && $0.inputs.contains(value) && ok($0) }) else { return nil }
            let n = graph.nodes[i]
            guard n.domain.isEmpty || n.domain == "ai.onnx", n.outputs.count == 1, !n.outputs[0].isEmpty else { return nil }
            return (i, n)
        }
        func other(_ n: Node, _ value: String) -> String? {
            guard n.inputs.count == 2 else { return nil }
            return n.inputs[0] == value ? n.inputs[1] : n.inputs[1] == value ? n.inputs[0] : nil
        }
        guard let (divIndex, div) = reader(of: x, "Div", where: { $0.inputs.first == x }), div.inputs.count == 2,
            let divisor = scalar(div.inputs[1], in: graph), uses[div.outputs[0]] == 1,
            let (erfIndex, erf) = reader(of: div.outputs[0], "Erf"), erf.inputs == [div.outputs[0]], uses[erf.outputs[0]] == 1,
            let (addIndex, add) = reader(of: erf.outputs[0], "Add"), let oneName = other(add, erf.outputs[0]),
            let one = scalar(oneName, in: graph), uses[add.outputs[0]] == 1,
            let (mulIndex, mul) = reader(of: add.outputs[0], "Mul"), other(mul, add.outputs[0]) == x, uses[mul.outputs[0]] == 1,
            let (halfIndex, halfNode) = reader(of: mul.outputs[0], "Mul"), let halfName = other(halfNode, mul.outputs[0]),
            let half = scalar(halfName, in: graph)
        else { return nil }
        matmul.activation = .gelu(NNGelu(divisor: divisor, one: one, half: half))
        replace(index, with: matmul, inputs: node.inputs, outputs: halfNode.outputs, in: &graph)
        return [divIndex, erfIndex, addIndex, mulIndex, halfIndex]
    }

    /// The value of a float32 one-element constant of rank 0 or 1 (broadcasting it never changes a shape of rank ≥ 1).
    static func scalar(_ name: String, in graph: Graph) -> Float? {
        guard let t = floats(name, in: graph), t.count == 1, t.rank <= 1 else { return nil }
        return t.elements(as: Float.self)?.first
    }

    static func replace(_ index: Int, with op: any Operator, inputs: [String], outputs: [String], in graph: inout Graph) {
        graph.nodes[index].op = op
        graph.nodes[index].inputs = inputs
        graph.nodes[index].outputs = outputs
    }

    static func floats(_ name: String, in graph: Graph) -> Tensor? {
        guard !name.isEmpty, let tensor = graph.initializers[name]?.tensor, tensor.dataType == .float32 else { return nil }
        // A graph input that shadows an initializer may be fed at run time: not a constant.
        if graph.inputs.contains(where: { $0.name == name }) { return nil }
        return tensor
    }

    /// New initializer names for the folded W and B, or nil when the pattern does not apply.
    static func foldBatchNormalization(conv: Node, bn: Node, epsilon: Float, in graph: inout Graph) -> [String]? {
        guard conv.inputs.count >= 2, bn.inputs.count == 5, let w = floats(conv.inputs[1], in: graph), w.rank >= 3,
            let wValues = w.elements(as: Float.self)
        else { return nil }
        let m = w.shape[0]
        var parameters: [[Float]] = []
        for name in bn.inputs.dropFirst() {
            guard let t = floats(name, in: graph), t.count == m, let values = t.elements(as: Float.self) else { return nil }
            parameters.append(values)
        }
        var bias = [Float](repeating: 0, count: m)
        if conv.inputs.count > 2, !conv.inputs[2].isEmpty {
            guard let b = floats(conv.inputs[2], in: graph), b.count == m, let values = b.elements(as: Float.self) else { return nil }
            bias = values
        }
        let perChannel = m > 0 ? wValues.count / m : 0
        var folded = wValues
        for channel in 0..<m {
            let a = parameters[0][channel] / (parameters[3][channel] + epsilon).squareRoot()
            for i in (channel * perChannel)..<((channel + 1) * perChannel) { folded[i] *= a }
            bias[channel] = bias[channel] * a + parameters[1][channel] - parameters[2][channel] * a
        }
        let base = (bn.outputs.first ?? "bn") + "::folded"
        let wName = uniqueName(base + "_W", graph), bName = uniqueName(base + "_B", graph)
        graph.initializers[wName] = .tensor(Tensor(uncheckedShape: w.shape, storage: .float32(folded)))
        graph.initializers[bName] = .tensor(Tensor(uncheckedShape: [m], storage: .float32(bias)))
        return [conv.inputs[0], wName, bName]
    }

    static func uniqueName(_ base: String, _ graph: Graph) -> String {
        var name = base
        var counter = 0
        let used = Set(graph.nodes.flatMap { $0.inputs + $0.outputs }).union(graph.inputs.map(\.name))
        while graph.initializers[name] != nil || used.contains(name) {
            counter += 1
            name = "\(base)_\(counter)"
        }
        return name
    }

    /// The bias of `MatMul(A, B) + bias` when B is a constant float32 matrix `[k, n]` and the bias a
    /// constant of shape `[n]` or `[1, n]` (broadcast along the last axis; a `[1, n]` bias also makes a
    /// rank-1 product `[1, n]`, which the fused MatMul reproduces). Returns the values and the bias rank.
    static func biasVector(_ name: String, forMatMul node: Node, in graph: Graph) -> (values: [Float], rank: Int)? {
        guard node.inputs.count == 2, let b = floats(node.inputs[1], in: graph), b.rank == 2,
            let bias = floats(name, in: graph), bias.shape == [b.shape[1]] || bias.shape == [1, b.shape[1]],
            let values = bias.elements(as: Float.self)
        else { return nil }
        return (values, bias.rank)
    }
}

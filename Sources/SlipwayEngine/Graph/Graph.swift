public import SlipwayTensor

/// A declared graph input or output: name, type and (possibly symbolic) shape.
public struct ValueInfo: Sendable {
    public var name: String
    public var type: ValueType?
    public var shape: [Dim]?

    public init(name: String, type: ValueType?, shape: [Dim]? = nil) {
        self.name = name
        self.type = type
        self.shape = shape
    }

    public var fact: ValueFact? {
        guard let type else { return nil }
        return ValueFact(type: type, shape: shape)
    }
}

/// One operator application in a graph.
public struct Node: Sendable {
    public var name: String
    public var opType: String
    public var domain: String
    /// Input value names; an empty string is an omitted optional input.
    public var inputs: [String]
    /// Output value names; an empty string is an output the model does not use.
    public var outputs: [String]
    public var attributes: Attributes
    /// The operator, built from the node by an operator registry.
    public var op: any Operator

    public init(
        name: String, opType: String, domain: String, inputs: [String], outputs: [String],
        attributes: Attributes, op: any Operator
    ) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.op = op
    }

    /// `node "name" (Op)` for error messages.
    public var label: String {
        let shown = name.isEmpty ? (outputs.first.map { "producing \($0)" } ?? "unnamed") : "\"\(name)\""
        let qualified = domain.isEmpty || domain == "ai.onnx" ? opType : "\(domain).\(opType)"
        return "node \(shown) (\(qualified))"
    }
}

/// A computation graph: inputs, constant initializers, nodes and outputs. Nodes need not be sorted.
public struct Graph: Sendable {
    public var name: String
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    public var initializers: [String: Value]
    public var nodes: [Node]

    public init(name: String, inputs: [ValueInfo], outputs: [ValueInfo], initializers: [String: Value], nodes: [Node]) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.nodes = nodes
    }

    /// Names this graph uses but does not define (inputs, initializers, node outputs): the values a
    /// subgraph captures from its enclosing scope. Nested subgraphs are included.
    public var freeVariables: [String] {
        var defined = Set(inputs.map(\.name))
        defined.formUnion(initializers.keys)
        for node in nodes { defined.formUnion(node.outputs) }
        var free: [String] = []
        var seen = Set<String>()
        func use(_ name: String) {
            guard !name.isEmpty, !defined.contains(name), seen.insert(name).inserted else { return }
            free.append(name)
        }
        for node in nodes {
            node.inputs.forEach(use)
            for sub in node.attributes.subgraphs { sub.freeVariables.forEach(use) }
        }
        outputs.map(\.name).forEach(use)
        return free
    }
}

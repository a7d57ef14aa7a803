import SlipwayTensor

/// Runs after every operator is prepared (so types and shapes are known): joins connected element-wise
/// steps over float32/bool tensors of one shape into a single ``FusedElementwise`` step.
///
/// A step joins a group when
/// - it is `Add`, `Sub`, `Mul`, `Div`, two-input `Max`/`Min`, `Neg`, `Abs`, `Log`, `Sqrt`, `Reciprocal`, a
///   comparison, `Not`, `Where`, `Identity`, or a `Cast` between float32 and bool;
/// - every value it reads and writes is float32 or bool, its output has the group's shape (as far as the
///   inferred facts tell; the fused step checks the actual shapes at run time), and every input either has
///   that shape or is a one-element constant of no higher rank (a broadcast scalar);
/// - it reads a value another step of the group computes (groups are the connected components).
/// A group runs as one step placed after every step that computes its inputs; a group that some outside step
/// both feeds and reads from (so no such place exists) is left alone, as are groups of one step.
enum ElementwiseFusionPass {
    typealias Step = (node: Node, op: any Operator, implicit: [String])

    static func run(_ steps: [Step], facts: [String: ValueFact], pinned: Set<String>) -> [Step] {
        var producer: [String: Int] = [:]
        // The steps reading each value (inputs and subgraph captures), found once for every component.
        var readers: [String: [Int]] = [:]
        for (i, step) in steps.enumerated() {
            for name in step.node.outputs where !name.isEmpty { producer[name] = i }
            for name in step.node.inputs + step.implicit where !name.isEmpty { readers[name, default: []].append(i) }
        }
        // Connected components of fusible steps (union-find over the edges between them).
        var shapes: [Int: [Dim]] = [:]
        for (i, step) in steps.enumerated() {
            if let shape = fusibleShape(step, facts: facts) { shapes[i] = shape }
        }
        var parent = Array(steps.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        for (i, shape) in shapes {
            for name in steps[i].node.inputs {
                guard let p = producer[name], let other = shapes[p], compatible(shape, other) else { continue }
                parent[root(i)] = root(p)
            }
        }
        var components: [Int: [Int]] = [:]
        for i in shapes.keys.sorted() { components[root(i), default: []].append(i) }

        // A component runs as one step where all its inputs exist and before anything outside reads its values.
        var fusedBefore: [Int: [Step]] = [:]
        var fusedMembers = Set<Int>()
        for members in components.values where members.count >= 2 {
            let memberSet = Set(members)
            var values = Set<String>()
            for m in members { values.formUnion(steps[m].node.outputs) }
            var lastInputProducer = -1
            for m in members {
                for name in steps[m].node.inputs where !values.contains(name) {
                    if let p = producer[name] { lastInputProducer = max(lastInputProducer, p) }
                }
            }
            var readOutside = Set<String>()
            var firstOutsideReader = steps.count
            for name in values {
                for i in readers[name] ?? [] where !memberSet.contains(i) {
                    readOutside.insert(name)
                    firstOutsideReader = min(firstOutsideReader, i)
                }
            }
            readOutside.formUnion(values.intersection(pinned))
            guard lastInputProducer < firstOutsideReader else { continue }
            let position = max(members[0], lastInputProducer + 1)
            let shape = shapes[members[0]] ?? []
            fusedBefore[position, default: []].append(
                fuse(members, shape: shape, steps: steps, facts: facts, readOutside: readOutside))
            fusedMembers.formUnion(members)
        }
        guard !fusedMembers.isEmpty else { return steps }
        var result: [Step] = []
        for (i, step) in steps.enumerated() {
            result += fusedBefore[i] ?? []
            if !fusedMembers.contains(i) { result.append(step) }
        }
        return result
    }

    /// The shape of the step's output when the step can be fused, else nil.
    static func fusibleShape(_ step: Step, facts: [String: ValueFact]) -> [Dim]? {
        let node = step.node
        guard node.domain.isEmpty || node.domain == "ai.onnx", step.implicit.isEmpty, node.outputs.count == 1,
            let output = node.outputs.first, !output.isEmpty, let outFact = facts[output],
            let outType = outFact.dataType, outType == .float32 || outType == .bool,
            let shape = outFact.shape,
            code(for: node, facts: facts) != nil
        else { return nil }
        var dynamicCount = 0
        for name in node.inputs {
            guard !name.isEmpty, let fact = facts[name], let type = fact.dataType, type == .float32 || type == .bool else { return nil }
            if let constant = fact.constantTensor {
                guard constant.count == 1, constant.rank <= shape.count else { return nil }
            } else {
                guard let inputShape = fact.shape, compatible(inputShape, shape) else { return nil }
                dynamicCount += 1
            }
        }
        return dynamicCount > 0 ? shape : nil
    }

    /// Shapes that may be equal at run time: the same rank, and equal dimensions where both are known
    /// (the fused step checks the actual shapes and runs the original operators when they differ).
    static func compatible(_ a: [Dim], _ b: [Dim]) -> Bool {
        a.count == b.count
            && zip(a, b).allSatisfy { x, y in
                if case .unknown = x { return true }
                if case .unknown = y { return true }
                return x == y
            }
    }

    /// The instruction a node becomes, checking the types the instruction assumes.
    static func code(for node: Node, facts: [String: ValueFact]) -> FusedElementwise.Code? {
        let types = node.inputs.map { facts[$0]?.dataType }
        let out = node.outputs.first.flatMap { facts[$0]?.dataType }
        let allFloat = types.allSatisfy { $0 == .float32 } && out == .float32
        switch (node.opType, node.inputs.count) {
        case ("Add", 2): return allFloat ? .add : nil
        case ("Sub", 2): return allFloat ? .sub : nil
        case ("Mul", 2): return allFloat ? .mul : nil
        case ("Div", 2): return allFloat ? .div : nil
        case ("Max", 2): return allFloat ? .max : nil
        case ("Min", 2): return allFloat ? .min : nil
        case ("Neg", 1): return allFloat ? .neg : nil
        case ("Abs", 1): return allFloat ? .abs : nil
        case ("Log", 1): return allFloat ? .log : nil
        case ("Sqrt", 1): return allFloat ? .sqrt : nil
        case ("Reciprocal", 1): return allFloat ? .reciprocal : nil
        case ("Equal", 2), ("Greater", 2), ("Less", 2), ("GreaterOrEqual", 2), ("LessOrEqual", 2):
            guard out == .bool, types[0] == types[1] else { return nil }
            switch node.opType {
            case "Equal": return .equal
            case "Greater": return .greater
            case "Less": return .less
            case "GreaterOrEqual": return .greaterOrEqual
            default: return .lessOrEqual
            }
        case ("Not", 1): return types[0] == .bool && out == .bool ? .not : nil
        case ("Identity", 1): return types[0] == out ? .copy : nil
        case ("Cast", 1):
            if out == .bool { return types[0] == .float32 ? .toBool : (types[0] == .bool ? .copy : nil) }
            return out == .float32 && (types[0] == .float32 || types[0] == .bool) ? .copy : nil
        case ("Where", 3):
            return types[0] == .bool && types[1] == out && types[2] == out ? .where : nil
        default: return nil
        }
    }

    static func fuse(_ members: [Int], shape: [Dim], steps: [Step], facts: [String: ValueFact], readOutside: Set<String>) -> Step {
        var scalars: [Float] = []
        var scalarRegister: [String: Int] = [:]
        var inputNames: [String] = []
        // Registers: scalars, then inputs, then temporaries; numbered once all are known.
        enum Operand {
            case scalar(Int)
            case input(Int)
            case temporary(Int)
        }
        var temporaryOf: [String: Int] = [:]
        var draft: [(code: FusedElementwise.Code, destination: Int, operands: [Operand])] = []
        var originals: [FusedElementwise.Original] = []
        var localOf: [String: Int] = [:]
        for m in members {
            let node = steps[m].node
            var operands: [Operand] = []
            var references: [FusedElementwise.Reference?] = []
            for name in node.inputs {
                if let t = temporaryOf[name] {
                    operands.append(.temporary(t))
                    references.append(localOf[name].map { .local($0) })
                } else if let constant = facts[name]?.constant, let tensor = constant.tensor {
                    if scalarRegister[name] == nil {
                        scalarRegister[name] = scalars.count
                        let value: Float =
                            switch tensor.storage {
                            case .float32(let v): v.first ?? 0
                            case .bool(let v): (v.first ?? false) ? 1 : 0
                            default: 0
                            }
                        scalars.append(value)
                    }
                    operands.append(.scalar(scalarRegister[name] ?? 0))
                    references.append(.constant(constant))
                } else {
                    let index = inputNames.firstIndex(of: name) ?? inputNames.count
                    if index == inputNames.count { inputNames.append(name) }
                    operands.append(.input(index))
                    references.append(.input(index))
                }
            }
            let output = node.outputs[0]
            let t = temporaryOf.count
            temporaryOf[output] = t
            localOf[output] = t
            // Checked by fusibleShape before the step joined the group.
            let code = Self.code(for: node, facts: facts) ?? .copy
            draft.append((code, t, operands))
            originals.append(.init(op: steps[m].op, label: node.label, inputs: references, outputs: [t]))
        }
        let s = scalars.count, k = inputNames.count
        func register(_ operand: Operand) -> Int {
            switch operand {
            case .scalar(let i): i
            case .input(let i): s + i
            case .temporary(let i): s + k + i
            }
        }
        let program = draft.map {
            FusedElementwise.Instruction(code: $0.code, destination: s + k + $0.destination, operands: $0.operands.map(register))
        }
        var outputNames: [String] = []
        for m in members {
            let name = steps[m].node.outputs[0]
            if readOutside.contains(name) { outputNames.append(name) }
        }
        let outputs = outputNames.map { name in
            (register: s + k + (temporaryOf[name] ?? 0), dataType: facts[name]?.dataType ?? .float32)
        }
        let op = FusedElementwise(
            scalars: scalars, inputCount: k, temporaryCount: temporaryOf.count, program: program, outputs: outputs,
            outputFacts: outputNames.map { facts[$0] ?? ValueFact(.float32, shape: shape) }, originals: originals,
            localCount: temporaryOf.count, outputLocals: outputNames.map { localOf[$0] ?? 0 })
        let firstLabel = steps[members[0]].node.label
        let node = Node(
            name: "fused(\(members.count) element-wise steps from \(firstLabel))", opType: "FusedElementwise", domain: "",
            inputs: inputNames, outputs: outputNames, attributes: Attributes(), op: op)
        return (node, op, [])
    }
}

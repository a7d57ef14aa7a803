import SlipwayTensor

// Shared by If, Loop and Scan (and the sequence ops): compiled bodies, fact merging, value coercion,
// and the tensor copies that slice scan inputs and stack scan outputs.

/// A compiled subgraph (`then_branch`, `body`, ...) plus where its captured values sit in the node's inputs.
struct ControlFlowBody: Sendable {
    /// The attribute holding the graph, for error messages.
    let attribute: String
    let plan: Plan
    /// For each of `plan.capturedNames`, its index in the node's inputs (explicit inputs come first).
    let capturedInputIndices: [Int]

    /// Compiles `graph` once at load time.
    ///
    /// - Parameters:
    ///   - formalFacts: one fact per formal input of the graph.
    ///   - nodeInputs: the node's input facts (explicit then captured), as given to `prepare`.
    static func compile(
        _ graph: Graph, attribute: String, formalFacts: [ValueFact?], nodeInputs: [ValueFact?], context: PrepareContext
    ) throws -> ControlFlowBody {
        let free = Set(graph.freeVariables)
        let captured = context.capturedFacts(nodeInputs).filter { free.contains($0.key) }
        let plan: Plan
        do {
            plan = try context.compileSubgraph(graph, formalFacts, captured)
        } catch let error as EngineError {
            throw error.prefixed("attribute '\(attribute)'")
        }
        var indices: [Int] = []
        for name in plan.capturedNames {
            guard let position = context.capturedNames.firstIndex(of: name) else {
                throw EngineError.invalidModel("attribute '\(attribute)' reads '\(name)', which the enclosing graph does not define")
            }
            indices.append(context.explicitInputCount + position)
        }
        return ControlFlowBody(attribute: attribute, plan: plan, capturedInputIndices: indices)
    }

    /// The graph's inferred output facts.
    var outputFacts: [ValueFact] {
        plan.outputs.map { ValueFact(type: $0.type ?? .tensor(.float32), shape: $0.shape) }
    }

    /// The captured values, in the plan's order, taken from the node's run inputs.
    func captured(from inputs: [Value?]) -> [Value?] {
        capturedInputIndices.map { $0 < inputs.count ? inputs[$0] : nil }
    }

    /// Runs the body once; errors say which attribute (and iteration) failed.
    func run(_ formal: [Value?], captured: [Value?], context: RunContext, iteration: Int? = nil) throws -> [Value] {
        do {
            return try plan.run(positional: formal, captured: captured, context: context)
        } catch let error as EngineError {
            let place = iteration.map { "'\(attribute)' iteration \($0)" } ?? "'\(attribute)'"
            throw error.prefixed(place)
        }
    }
}

/// Type and shape reasoning shared by the control-flow operators.
enum ControlFlowFacts {
    /// The type two alternatives agree on: equal types, or `T` and `optional(T)` (→ `optional(T)`).
    static func commonType(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == b { return a }
        switch (a, b) {
        case (.optional(let x), .optional(let y)):
            return commonType(x, y).map { .optional($0) }
        case (.optional(let x), _):
            return commonType(x, b).map { .optional($0) }
        case (_, .optional(let y)):
            return commonType(a, y).map { .optional($0) }
        case (.sequence(let x), .sequence(let y)):
            return commonType(x, y).map { .sequence($0) }
        default:
            return nil
        }
    }

    /// What holds for either of two values: their common type; equal dims kept, differing dims unknown,
    /// differing ranks unknown. Constants are dropped. Nil when the types are incompatible.
    static func merge(_ a: ValueFact, _ b: ValueFact) -> ValueFact? {
        guard let type = commonType(a.type, b.type) else { return nil }
        return ValueFact(type: type, shape: mergeShapes(a.shape, b.shape))
    }

    static func mergeShapes(_ a: [Dim]?, _ b: [Dim]?) -> [Dim]? {
        guard let a, let b, a.count == b.count else { return nil }
        return zip(a, b).map { $0 == $1 ? $0 : .unknown }
    }

    /// The same fact without its constant value (values that change between iterations).
    static func varying(_ fact: ValueFact) -> ValueFact {
        ValueFact(type: fact.type, shape: fact.shape)
    }

    /// The fact to compile a subgraph's formal input with: the declared type when there is one (the
    /// runtime value is wrapped into or unwrapped from an optional to fit), the shape that is known.
    static func formal(_ declared: ValueInfo, actual: ValueFact, attribute: String) throws -> ValueFact {
        guard let type = declared.type else { return varying(actual) }
        guard commonType(type, actual.type) != nil else {
            throw EngineError.invalidModel(
                "attribute '\(attribute)' input '\(declared.name)' is declared \(type) but receives \(actual.type)")
        }
        if case .tensor = type {
            return ValueFact(type: type, shape: actual.shape ?? declared.shape)
        }
        return ValueFact(type: type, shape: nil)
    }

    /// Shape with `dim` inserted at `axis` (nil stays nil).
    static func inserting(_ dim: Dim, at axis: Int, into shape: [Dim]?) -> [Dim]? {
        guard var shape, axis >= 0, axis <= shape.count else { return nil }
        shape.insert(dim, at: axis)
        return shape
    }

    /// Shape with `axis` removed (nil stays nil).
    static func removing(axis: Int, from shape: [Dim]?) -> [Dim]? {
        guard var shape, axis >= 0, axis < shape.count else { return nil }
        shape.remove(at: axis)
        return shape
    }

    /// Throws unless `type` is allowed by `opset`: sequences from 13, optionals from 16 (If and Loop).
    static func checkOpsetAllows(_ type: ValueType, opset: Int, what: String) throws {
        switch type {
        case .tensor: return
        case .sequence where opset < 13:
            throw EngineError.invalidModel("\(what) is \(type); sequences need opset 13 or later (model imports \(opset))")
        case .optional where opset < 16:
            throw EngineError.invalidModel("\(what) is \(type); optionals need opset 16 or later (model imports \(opset))")
        case .map:
            throw EngineError.invalidModel("\(what) is \(type); maps cannot flow through control flow")
        default: return
        }
    }
}

/// Value adjustments at subgraph boundaries.
enum ControlFlowValues {
    /// Wraps a value into an optional, or unwraps a present one, to fit `type`.
    static func coerce(_ value: Value, to type: ValueType, what: @autoclosure () -> String) throws -> Value {
        if case .optional(let element) = type {
            if case .optional = value { return value }
            return .optional(value, element)
        }
        if case .optional(let inner, _) = value {
            guard let inner else {
                throw EngineError.invalidInput("\(what()) is an empty optional where \(type) is expected")
            }
            return inner
        }
        return value
    }

    /// The single boolean of a condition tensor.
    static func condition(_ value: Value?, what: String) throws -> Bool {
        guard let value, case .tensor(let t) = value else {
            throw EngineError.invalidInput("\(what) must be a bool tensor")
        }
        guard case .bool(let flags) = t.storage, flags.count == 1, let flag = flags.first else {
            throw EngineError.invalidInput("\(what) must be a single bool, got \(t)")
        }
        return flag
    }

    static func tensor(_ value: Value, what: @autoclosure () -> String) throws -> Tensor {
        guard case .tensor(let t) = value else {
            throw EngineError.invalidInput("\(what()) must be a tensor, got \(value.type)")
        }
        return t
    }
}

/// Whole-block tensor copies: concatenation, stacking, splitting and slicing along an axis.
enum ControlFlowTensors {
    /// Concatenates tensors of one type whose shapes agree except along `axis`.
    static func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw EngineError.invalidInput("nothing to concatenate") }
        let rank = first.rank
        guard axis >= 0, axis < rank else { throw EngineError.invalidInput("axis \(axis) is out of range for rank \(rank)") }
        var total = 0
        for t in tensors {
            guard t.dataType == first.dataType else {
                throw EngineError.invalidInput("cannot concatenate \(t.dataType) with \(first.dataType)")
            }
            guard t.rank == rank, t.shape[..<axis] == first.shape[..<axis], t.shape[(axis + 1)...] == first.shape[(axis + 1)...] else {
                throw EngineError.invalidInput("cannot concatenate shapes \(first.shape) and \(t.shape) along axis \(axis)")
            }
            total += t.shape[axis]
        }
        var shape = first.shape
        shape[axis] = total
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        let storage = try first.storage.visit(Concatenate(tensors: tensors, outer: outer, inner: inner, axis: axis))
        return Tensor(uncheckedShape: shape, storage: storage)
    }

    /// Stacks same-shaped tensors along a new axis at `axis` (0...rank).
    static func stack(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw EngineError.invalidInput("nothing to stack") }
        guard axis >= 0, axis <= first.rank else {
            throw EngineError.invalidInput("axis \(axis) is out of range for stacking rank \(first.rank)")
        }
        var expanded: [Tensor] = []
        for t in tensors {
            guard t.shape == first.shape else {
                throw EngineError.invalidInput("cannot stack shapes \(first.shape) and \(t.shape): every element must have the same shape")
            }
            var shape = t.shape
            shape.insert(1, at: axis)
            expanded.append(Tensor(uncheckedShape: shape, storage: t.storage))
        }
        return try concat(expanded, axis: axis)
    }

    /// Splits along `axis` into pieces of the given sizes (which must sum to the axis length).
    static func split(_ tensor: Tensor, axis: Int, sizes: [Int]) throws -> [Tensor] {
        guard axis >= 0, axis < tensor.rank else {
            throw EngineError.invalidInput("axis \(axis) is out of range for rank \(tensor.rank)")
        }
        let length = tensor.shape[axis]
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == length else {
            throw EngineError.invalidInput("split sizes \(sizes) do not add up to the axis length \(length)")
        }
        let outer = tensor.shape[..<axis].reduce(1, *)
        let inner = tensor.shape[(axis + 1)...].reduce(1, *)
        var pieces: [Tensor] = []
        var start = 0
        for size in sizes {
            var shape = tensor.shape
            shape[axis] = size
            let storage = try tensor.storage.visit(Block(start: start, count: size, length: length, outer: outer, inner: inner))
            pieces.append(Tensor(uncheckedShape: shape, storage: storage))
            start += size
        }
        return pieces
    }

    /// The slice at `index` along `axis`, with that axis removed.
    static func slice(_ tensor: Tensor, axis: Int, index: Int) throws -> Tensor {
        guard axis >= 0, axis < tensor.rank, index >= 0, index < tensor.shape[axis] else {
            throw EngineError.invalidInput("index \(index) along axis \(axis) is out of range for shape \(tensor.shape)")
        }
        let length = tensor.shape[axis]
        let outer = tensor.shape[..<axis].reduce(1, *)
        let inner = tensor.shape[(axis + 1)...].reduce(1, *)
        var shape = tensor.shape
        shape.remove(at: axis)
        let storage = try tensor.storage.visit(Block(start: index, count: 1, length: length, outer: outer, inner: inner))
        return Tensor(uncheckedShape: shape, storage: storage)
    }

    private struct Concatenate: StorageVisitor {
        let tensors: [Tensor]
        let outer: Int
        let inner: Int
        let axis: Int

        func visit<T: TensorElement>(_ first: [T]) throws -> TensorStorage {
            var arrays: [[T]] = []
            var chunks: [Int] = []
            for t in tensors {
                guard let a = T.unwrap(t.storage) else { throw EngineError.invalidInput("mixed element types") }
                arrays.append(a)
                chunks.append(t.shape[axis] * inner)
            }
            if outer == 1 { return T.wrap(Array(arrays.joined())) }
            var result: [T] = []
            for o in 0..<outer {
                for (a, chunk) in zip(arrays, chunks) where chunk > 0 {
                    result.append(contentsOf: a[(o * chunk)..<((o + 1) * chunk)])
                }
            }
            return T.wrap(result)
        }
    }

    /// Copies `count` entries starting at `start` along an axis of `length`, for every outer index.
    private struct Block: StorageVisitor {
        let start: Int
        let count: Int
        let length: Int
        let outer: Int
        let inner: Int

        func visit<T: TensorElement>(_ a: [T]) throws -> TensorStorage {
            let piece = count * inner
            if outer == 1 { return T.wrap(Array(a[(start * inner)..<(start * inner + piece)])) }
            var result: [T] = []
            for o in 0..<outer {
                let base = (o * length + start) * inner
                result.append(contentsOf: a[base..<(base + piece)])
            }
            return T.wrap(result)
        }
    }
}

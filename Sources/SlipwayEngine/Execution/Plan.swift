import SlipwayTensor

/// A validated, type-checked, topologically ordered graph, ready to run.
///
/// A plan is immutable and `Sendable`: any number of threads may call ``run(_:)`` at once; each call
/// keeps its own value slots.
public struct Plan: Sendable {
    /// One operator call. A class, so that walking the steps retains one reference per step instead of
    /// copying (and retaining) every field.
    final class Step: Sendable {
        let op: any Operator
        let label: String
        /// Slot of each input (nil: omitted optional input).
        let inputs: [Int?]
        /// Slot of each output (nil: output unused).
        let outputs: [Int?]
        /// Slots whose last use is this step: released before the call so kernels may reuse their buffers.
        let consumed: [Int]

        init(op: any Operator, label: String, inputs: [Int?], outputs: [Int?], consumed: [Int]) {
            self.op = op
            self.label = label
            self.inputs = inputs
            self.outputs = outputs
            self.consumed = consumed
        }
    }

    /// The graph inputs the caller must feed, with their inferred facts (initializer-backed inputs excluded).
    public let inputs: [ValueInfo]
    /// The graph outputs, with inferred facts.
    public let outputs: [ValueInfo]
    /// Names captured from an enclosing graph (subgraphs only), fed after the formal inputs.
    public let capturedNames: [String]

    let slotCount: Int
    let template: [Value?]
    let inputSlots: [Int]
    let capturedSlots: [Int]
    let outputSlots: [Int]
    let steps: [Step]

    /// How many operator calls one run makes (after constant folding).
    public var stepCount: Int { steps.count }

    /// Runs the plan on named inputs and returns every graph output by name.
    ///
    /// Inputs are checked against the declared types and shapes; an error names the input at fault.
    public func run(_ feeds: [String: Value], context: RunContext = RunContext()) throws -> [String: Value] {
        for name in feeds.keys where !inputs.contains(where: { $0.name == name }) {
            let known = inputs.map(\.name).joined(separator: ", ")
            throw EngineError.invalidInput("unknown input '\(name)'; the model's inputs are: \(known)")
        }
        var ordered: [Value?] = []
        ordered.reserveCapacity(inputs.count)
        for info in inputs {
            guard let value = feeds[info.name] else {
                throw EngineError.invalidInput("missing input '\(info.name)'")
            }
            try Plan.check(value, against: info)
            ordered.append(value)
        }
        let values = try execute(ordered, captured: [], context: context)
        var result: [String: Value] = Dictionary(minimumCapacity: outputs.count)
        for (info, value) in zip(outputs, values) { result[info.name] = value }
        return result
    }

    /// Runs with positional inputs (and captured values, for subgraphs); returns outputs in order.
    /// Inputs are not checked against declared facts: control-flow operators call this.
    public func run(positional inputs: [Value?], captured: [Value?], context: RunContext = RunContext()) throws -> [Value] {
        try execute(inputs, captured: captured, context: context)
    }

    private func execute(_ inputValues: [Value?], captured: [Value?], context: RunContext) throws -> [Value] {
        // Constants stay in `template` (copying it would retain every constant on every run); a slot
        // reads its own value, else the template's.
        var slots = [Value?](repeating: nil, count: slotCount)
        for (slot, value) in zip(inputSlots, inputValues) { slots[slot] = value }
        for (slot, value) in zip(capturedSlots, captured) { slots[slot] = value }
        for step in steps {
            let args = step.inputs.map { slot in slot.flatMap { slots[$0] ?? template[$0] } }
            for slot in step.consumed { slots[slot] = nil }
            let results: [Value]
            do {
                results = try step.op.run(consume args, context: context)
            } catch let error as EngineError {
                throw error.prefixed(step.label)
            } catch {
                throw EngineError.runtime("\(step.label): \(error)")
            }
            guard results.count >= step.outputs.count else {
                throw EngineError.runtime("\(step.label): produced \(results.count) outputs, expected \(step.outputs.count)")
            }
            for (slot, value) in zip(step.outputs, results) {
                if let slot { slots[slot] = value }
            }
        }
        var outputs: [Value] = []
        outputs.reserveCapacity(outputSlots.count)
        for (i, slot) in outputSlots.enumerated() {
            guard let value = slots[slot] ?? template[slot] else {
                throw EngineError.runtime("graph output '\(self.outputs[i].name)' was not computed")
            }
            outputs.append(value)
        }
        return outputs
    }

    /// Checks a fed value against a declared input: type, rank, fixed dimensions.
    static func check(_ value: Value, against info: ValueInfo) throws {
        guard let type = info.type else { return }
        if case .tensor(let expected) = type {
            guard case .tensor(let t) = value else {
                throw EngineError.invalidInput("input '\(info.name)' must be a tensor(\(expected)), got \(value.type)")
            }
            guard t.dataType == expected else {
                throw EngineError.invalidInput(
                    "input '\(info.name)' has datatype \(t.dataType.v2Name), the model expects \(expected.v2Name)")
            }
            if let shape = info.shape {
                guard shape.count == t.rank else {
                    throw EngineError.invalidInput(
                        "input '\(info.name)' has shape \(t.shape) (rank \(t.rank)), the model expects rank \(shape.count) \(shapeText(shape))")
                }
                for (axis, (dim, actual)) in zip(shape, t.shape).enumerated() {
                    if case .fixed(let d) = dim, d != actual {
                        throw EngineError.invalidInput(
                            "input '\(info.name)' has shape \(t.shape), the model expects \(shapeText(shape)) (dimension \(axis) must be \(d))")
                    }
                }
            }
        } else if value.type != type, case .optional = type {
            return
        } else if value.type != type {
            throw EngineError.invalidInput("input '\(info.name)' must be \(type), got \(value.type)")
        }
    }

    static func shapeText(_ shape: [Dim]) -> String {
        "["
            + shape.map { d in
                switch d {
                case .fixed(let v): "\(v)"
                case .symbol(let s): s
                case .unknown: "-1"
                }
            }.joined(separator: ", ") + "]"
    }
}

import SlipwayTensor

/// ONNX `Scan`: iterates `body` over slices of M scan inputs, carrying N state tensors from one
/// iteration to the next, and stacks the body's K per-iteration scan outputs.
///
/// The body takes `(state_1...state_N, slice_1...slice_M)` and returns `(state_1...state_N, out_1...out_K)`.
/// - Opset 8: every input has a leading batch axis; scan inputs are `[batch, sequence, ...]`, the optional
///   first input `sequence_lens` gives each batch entry's length (outputs are zero-padded beyond it), and
///   `directions` reverses scan inputs.
/// - Opset 9+: no batch axis; `scan_input_axes`/`scan_input_directions` choose the axis and order each scan
///   input is iterated along, `scan_output_axes`/`scan_output_directions` where and in which order the
///   outputs are stacked (negative axes count from the end).
public struct Scan: Operator {
    let bodyGraph: Graph
    let opsetVersion: Int
    let scanInputCount: Int
    let stateCount: Int
    let scanOutputCount: Int
    let inputAxes: [Int]
    let inputReversed: [Bool]
    let outputAxes: [Int]
    let outputReversed: [Bool]
    var body: ControlFlowBody?
    /// Element type and per-iteration shape of each scan output, for empty results.
    var scanOutputFacts: [(dataType: DataType, shape: [Dim]?)] = []

    /// Opset 8's batch layout.
    var batched: Bool { opsetVersion < 9 }

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        guard let body = try a.graph("body") else { throw EngineError.invalidModel("Scan needs the graph attribute 'body'") }
        guard let m = try a.int("num_scan_inputs") else {
            throw EngineError.invalidModel("Scan needs the attribute 'num_scan_inputs'")
        }
        guard m >= 1, m <= body.inputs.count else {
            throw EngineError.invalidModel(
                "attribute 'num_scan_inputs' is \(m), but 'body' takes \(body.inputs.count) inputs (it must be 1...\(body.inputs.count))")
        }
        let n = body.inputs.count - m
        let k = body.outputs.count - n
        guard k >= 0 else {
            throw EngineError.invalidModel("Scan: 'body' has \(n) state inputs but only \(body.outputs.count) outputs")
        }
        self.bodyGraph = body
        self.opsetVersion = config.opsetVersion
        self.scanInputCount = m
        self.stateCount = n
        self.scanOutputCount = k

        func directions(_ name: String, count: Int) throws -> [Bool] {
            guard let values = try a.ints(name) else { return Array(repeating: false, count: count) }
            guard values.count == count else {
                throw EngineError.invalidModel("attribute '\(name)' has \(values.count) entries, expected \(count)")
            }
            for v in values where v != 0 && v != 1 {
                throw EngineError.invalidModel("attribute '\(name)' has value \(v); directions are 0 (forward) or 1 (reverse)")
            }
            return values.map { $0 == 1 }
        }
        func axes(_ name: String, count: Int) throws -> [Int] {
            guard let values = try a.ints(name) else { return Array(repeating: 0, count: count) }
            guard values.count == count else {
                throw EngineError.invalidModel("attribute '\(name)' has \(values.count) entries, expected \(count)")
            }
            return values
        }
        if config.opsetVersion < 9 {
            for name in ["scan_input_axes", "scan_input_directions", "scan_output_axes", "scan_output_directions"] where a.has(name) {
                throw EngineError.invalidModel("attribute '\(name)' needs Scan opset 9 or later (model imports \(config.opsetVersion))")
            }
            inputReversed = try directions("directions", count: m)
            inputAxes = Array(repeating: 0, count: m)
            outputAxes = Array(repeating: 0, count: k)
            outputReversed = Array(repeating: false, count: k)
        } else {
            if a.has("directions") {
                throw EngineError.invalidModel("attribute 'directions' is Scan-8 only; opset \(config.opsetVersion) uses 'scan_input_directions'")
            }
            inputReversed = try directions("scan_input_directions", count: m)
            inputAxes = try axes("scan_input_axes", count: m)
            outputAxes = try axes("scan_output_axes", count: k)
            outputReversed = try directions("scan_output_directions", count: k)
        }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let first = batched ? 1 : 0
        guard context.explicitInputCount == first + stateCount + scanInputCount else {
            throw EngineError.invalidModel(
                "Scan takes \(batched ? "sequence_lens, " : "")\(stateCount) state and \(scanInputCount) scan inputs, got \(context.explicitInputCount) inputs"
            )
        }
        guard context.outputCount <= stateCount + scanOutputCount else {
            throw EngineError.invalidModel("Scan declares \(context.outputCount) outputs but produces \(stateCount + scanOutputCount)")
        }
        if batched, let lens = inputs.optionalFact(0), lens.dataType != .int64 {
            throw EngineError.invalidModel("input 'sequence_lens' has type \(lens.type), expected tensor(int64)")
        }
        var batch: Dim = .unknown
        var length: Dim = .unknown
        func agree(_ current: inout Dim, _ dim: Dim?, _ what: String) throws {
            guard let dim else { return }
            if case .fixed(let a) = current, case .fixed(let b) = dim, a != b {
                throw EngineError.invalidModel("Scan inputs disagree on the \(what): \(a) and \(b)")
            }
            if case .unknown = current { current = dim }
        }

        var states: [ValueFact] = []
        for i in 0..<stateCount {
            let fact = try inputs.fact(first + i, "initial_state[\(i)]")
            guard fact.dataType != nil else {
                throw EngineError.invalidModel("state input \(i) must be a tensor, got \(fact.type)")
            }
            var shape = fact.shape
            if batched, let s = shape {
                guard s.count >= 1 else { throw EngineError.invalidModel("state input \(i) needs a batch axis, its shape is \(s)") }
                try agree(&batch, s[0], "batch size")
                shape = Array(s.dropFirst())
            }
            states.append(ValueFact(type: fact.type, shape: shape))
        }
        var slices: [ValueFact] = []
        for j in 0..<scanInputCount {
            let fact = try inputs.fact(first + stateCount + j, "scan_input[\(j)]")
            guard fact.dataType != nil else {
                throw EngineError.invalidModel("scan input \(j) must be a tensor, got \(fact.type)")
            }
            var shape: [Dim]? = nil
            if let s = fact.shape {
                if batched {
                    guard s.count >= 2 else {
                        throw EngineError.invalidModel("scan input \(j) needs batch and sequence axes, its shape is \(s)")
                    }
                    try agree(&batch, s[0], "batch size")
                    try agree(&length, s[1], "sequence length")
                    shape = Array(s.dropFirst(2))
                } else {
                    guard let axis = Shape.normalizeAxis(inputAxes[j], rank: s.count) else {
                        throw EngineError.invalidModel(
                            "scan_input_axes[\(j)] = \(inputAxes[j]) is out of range for scan input \(j) of rank \(s.count)")
                    }
                    if axis != inputAxes[j], opsetVersion < 11 {
                        throw EngineError.invalidModel("negative scan_input_axes need Scan opset 11 or later (model imports \(opsetVersion))")
                    }
                    try agree(&length, s[axis], "sequence length")
                    shape = ControlFlowFacts.removing(axis: axis, from: s)
                }
            }
            slices.append(ValueFact(type: fact.type, shape: shape))
        }

        // Compile until the state facts hold for every iteration.
        var compiled: ControlFlowBody?
        var outputs: [ValueFact] = []
        var stable = false
        for pass in 0..<4 where !stable {
            var formal: [ValueFact] = []
            for (i, fact) in (states + slices).enumerated() {
                formal.append(try ControlFlowFacts.formal(bodyGraph.inputs[i], actual: fact, attribute: "body"))
            }
            let body = try ControlFlowBody.compile(bodyGraph, attribute: "body", formalFacts: formal, nodeInputs: inputs, context: context)
            compiled = body
            outputs = body.outputFacts
            var changed = false
            for i in 0..<stateCount {
                guard outputs[i].type == states[i].type else {
                    throw EngineError.invalidModel("state \(i) enters the body as \(states[i].type) but the body returns \(outputs[i].type)")
                }
                let shape = ControlFlowFacts.mergeShapes(states[i].shape, outputs[i].shape)
                if shape != states[i].shape {
                    changed = true
                    states[i].shape = pass >= 2 ? nil : shape
                }
            }
            stable = !changed
        }
        guard stable, let body = compiled else {
            throw EngineError.invalidModel("Scan: the state shapes do not settle across iterations")
        }
        self.body = body

        var facts: [ValueFact] = []
        for state in states {
            facts.append(ValueFact(type: state.type, shape: batched ? ControlFlowFacts.inserting(batch, at: 0, into: state.shape) : state.shape))
        }
        scanOutputFacts = []
        for k in 0..<scanOutputCount {
            let produced = outputs[stateCount + k]
            guard let d = produced.dataType else {
                throw EngineError.invalidModel("scan output \(k) must be a tensor, got \(produced.type)")
            }
            scanOutputFacts.append((d, produced.shape))
            var shape: [Dim]? = nil
            if let s = produced.shape {
                if batched {
                    shape = [batch, length] + s
                } else {
                    guard let axis = Shape.normalizeAxis(outputAxes[k], rank: s.count + 1) else {
                        throw EngineError.invalidModel(
                            "scan_output_axes[\(k)] = \(outputAxes[k]) is out of range for an output of rank \(s.count + 1)")
                    }
                    shape = ControlFlowFacts.inserting(length, at: axis, into: s)
                }
            }
            facts.append(ValueFact(d, shape: shape))
        }
        return facts
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let body else { throw EngineError.runtime("Scan was run before being prepared") }
        let first = batched ? 1 : 0
        var states: [Tensor] = []
        for i in 0..<stateCount { states.append(try inputs.tensor(first + i, "initial_state[\(i)]")) }
        var scanInputs: [Tensor] = []
        for j in 0..<scanInputCount { scanInputs.append(try inputs.tensor(first + stateCount + j, "scan_input[\(j)]")) }
        let captured = body.captured(from: inputs)
        return batched
            ? try runBatched(
                body, states: states, scanInputs: scanInputs, lengths: try inputs.optionalTensor(0), captured: captured, context: context)
            : try runUnbatched(body, states: states, scanInputs: scanInputs, captured: captured, context: context)
    }

    /// Opset 9+: one scan over the given axes.
    private func runUnbatched(
        _ body: ControlFlowBody, states: [Tensor], scanInputs: [Tensor], captured: [Value?], context: RunContext
    ) throws -> [Value] {
        var axes: [Int] = []
        var length: Int? = nil
        for (j, x) in scanInputs.enumerated() {
            guard let axis = Shape.normalizeAxis(inputAxes[j], rank: x.rank) else {
                throw EngineError.invalidInput("scan_input_axes[\(j)] = \(inputAxes[j]) is out of range for scan input \(j) of shape \(x.shape)")
            }
            if let length, x.shape[axis] != length {
                throw EngineError.invalidInput("scan inputs disagree on the sequence length: \(length) and \(x.shape[axis]) (scan input \(j))")
            }
            length = x.shape[axis]
            axes.append(axis)
        }
        let steps = length ?? 0
        let (finalStates, perIteration) = try iterate(
            body, states: states, steps: steps, captured: captured, context: context
        ) { j, t in
            try ControlFlowTensors.slice(scanInputs[j], axis: axes[j], index: inputReversed[j] ? steps - 1 - t : t)
        }
        var outputs: [Value] = finalStates.map { .tensor($0) }
        for k in 0..<scanOutputCount {
            var tensors = perIteration[k]
            if outputReversed[k] { tensors.reverse() }
            let rank = tensors.first?.rank ?? (scanOutputFacts[k].shape?.count ?? 0)
            guard let axis = Shape.normalizeAxis(outputAxes[k], rank: rank + 1) else {
                throw EngineError.invalidInput("scan_output_axes[\(k)] = \(outputAxes[k]) is out of range for an output of rank \(rank + 1)")
            }
            if tensors.isEmpty {
                var shape = (scanOutputFacts[k].shape ?? []).map { $0.value ?? 0 }
                shape.insert(0, at: min(axis, shape.count))
                outputs.append(.tensor(try Tensor.zeros(scanOutputFacts[k].dataType, shape: shape)))
            } else {
                outputs.append(.tensor(try stacked(tensors, axis: axis, output: k)))
            }
        }
        return outputs
    }

    /// Opset 8: one scan per batch entry, outputs padded with zeros beyond each entry's length.
    private func runBatched(
        _ body: ControlFlowBody, states: [Tensor], scanInputs: [Tensor], lengths: Tensor?, captured: [Value?], context: RunContext
    ) throws -> [Value] {
        var batch: Int? = nil
        var maxLength: Int? = nil
        for (i, t) in (states + scanInputs).enumerated() {
            let isScan = i >= stateCount
            guard t.rank >= (isScan ? 2 : 1) else {
                throw EngineError.invalidInput(
                    "\(isScan ? "scan input \(i - stateCount)" : "state input \(i)") has shape \(t.shape), which lacks the batch\(isScan ? " and sequence" : "") axis"
                )
            }
            if let batch, t.shape[0] != batch {
                throw EngineError.invalidInput("Scan inputs disagree on the batch size: \(batch) and \(t.shape[0])")
            }
            batch = t.shape[0]
            if isScan {
                if let maxLength, t.shape[1] != maxLength {
                    throw EngineError.invalidInput("scan inputs disagree on the sequence length: \(maxLength) and \(t.shape[1])")
                }
                maxLength = t.shape[1]
            }
        }
        let batchSize = batch ?? 0
        let maxSteps = maxLength ?? 0
        var lengthOf = [Int](repeating: maxSteps, count: batchSize)
        if let lengths {
            guard let values = lengths.integers(), values.count == batchSize else {
                throw EngineError.invalidInput("input 'sequence_lens' must hold \(batchSize) integers (one per batch entry), got \(lengths)")
            }
            for (b, v) in values.enumerated() {
                guard v >= 1, v <= maxSteps else {
                    throw EngineError.invalidInput("sequence_lens[\(b)] = \(v) is out of range 1...\(maxSteps)")
                }
                lengthOf[b] = v
            }
        }
        if batchSize == 0 {
            var outputs: [Value] = states.map { .tensor($0) }
            for fact in scanOutputFacts {
                let shape = [0, maxSteps] + (fact.shape ?? []).map { $0.value ?? 0 }
                outputs.append(.tensor(try Tensor.zeros(fact.dataType, shape: shape)))
            }
            return outputs
        }
        var stateRows = [[Tensor]](repeating: [], count: stateCount)
        var outputRows = [[Tensor]](repeating: [], count: scanOutputCount)
        for b in 0..<batchSize {
            let rowStates = try states.map { try ControlFlowTensors.slice($0, axis: 0, index: b) }
            let rowInputs = try scanInputs.map { try ControlFlowTensors.slice($0, axis: 0, index: b) }
            let steps = lengthOf[b]
            let (finalStates, perIteration) = try iterate(
                body, states: rowStates, steps: steps, captured: captured, context: context
            ) { j, t in
                try ControlFlowTensors.slice(rowInputs[j], axis: 0, index: inputReversed[j] ? steps - 1 - t : t)
            }
            for i in 0..<stateCount { stateRows[i].append(finalStates[i]) }
            for k in 0..<scanOutputCount {
                var tensors = perIteration[k]
                if tensors.isEmpty {
                    let shape = [0] + (scanOutputFacts[k].shape ?? []).map { $0.value ?? 0 }
                    outputRows[k].append(try Tensor.zeros(scanOutputFacts[k].dataType, shape: shape))
                    continue
                }
                if let sample = tensors.first, steps < maxSteps {
                    let padding = try Tensor.zeros(sample.dataType, shape: sample.shape)
                    tensors += Array(repeating: padding, count: maxSteps - steps)
                }
                outputRows[k].append(try stacked(tensors, axis: 0, output: k))
            }
        }
        var outputs: [Value] = []
        for i in 0..<stateCount {
            do {
                outputs.append(.tensor(try ControlFlowTensors.stack(stateRows[i], axis: 0)))
            } catch let error as EngineError {
                throw error.prefixed("state \(i)")
            }
        }
        for k in 0..<scanOutputCount { outputs.append(.tensor(try stacked(outputRows[k], axis: 0, output: k))) }
        return outputs
    }

    /// Runs the body `steps` times; `slice(j, t)` gives scan input j's element for iteration t.
    private func iterate(
        _ body: ControlFlowBody, states initial: [Tensor], steps: Int, captured: [Value?], context: RunContext,
        slice: (Int, Int) throws -> Tensor
    ) throws -> (states: [Tensor], outputs: [[Tensor]]) {
        var states = initial
        var outputs = [[Tensor]](repeating: [], count: scanOutputCount)
        for t in 0..<steps {
            var feeds: [Value?] = states.map { .tensor($0) }
            for j in 0..<scanInputCount { feeds.append(.tensor(try slice(j, t))) }
            let results = try body.run(feeds, captured: captured, context: context, iteration: t)
            guard results.count == stateCount + scanOutputCount else {
                throw EngineError.runtime("'body' returned \(results.count) values, expected \(stateCount + scanOutputCount)")
            }
            for i in 0..<stateCount { states[i] = try ControlFlowValues.tensor(results[i], what: "'body' state output \(i)") }
            for k in 0..<scanOutputCount {
                outputs[k].append(try ControlFlowValues.tensor(results[stateCount + k], what: "'body' scan output \(k)"))
            }
        }
        return (states, outputs)
    }

    private func stacked(_ tensors: [Tensor], axis: Int, output k: Int) throws -> Tensor {
        do {
            return try ControlFlowTensors.stack(tensors, axis: axis)
        } catch let error as EngineError {
            throw error.prefixed("scan output \(k)")
        }
    }
}

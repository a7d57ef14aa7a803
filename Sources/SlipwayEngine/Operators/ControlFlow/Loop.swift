import SlipwayTensor

/// ONNX `Loop`: runs `body` while the iteration count is below `M` (optional) and `cond` (optional)
/// holds, threading N loop-carried values through the iterations and stacking the body's K scan
/// outputs along a new first axis.
///
/// The body takes `(iteration_num, cond, v_1...v_N)` and returns `(cond, v_1...v_N, scan_1...scan_K)`.
/// Loop-carried values may be tensors, sequences (opset 13+) or optionals (opset 16+) and may change
/// shape between iterations: the body is compiled with facts that hold for every iteration.
public struct Loop: Operator {
    let bodyGraph: Graph
    let opsetVersion: Int
    var body: ControlFlowBody?
    /// The type of each loop-carried output (what the body returns; initial values are coerced to it).
    var carriedTypes: [ValueType] = []
    /// The type each carried value is fed to the body as (its declared input type).
    var bodyInputTypes: [ValueType] = []
    /// Element type and per-iteration shape of each scan output, for the zero-iteration case.
    var scanOutputs: [(dataType: DataType, shape: [Dim]?)] = []

    public init(_ config: OperatorConfiguration) throws {
        guard let body = try config.attributes.graph("body") else {
            throw EngineError.invalidModel("Loop needs the graph attribute 'body'")
        }
        guard body.inputs.count >= 2 else {
            throw EngineError.invalidModel("Loop: 'body' must take at least 2 inputs (iteration_num, cond), it takes \(body.inputs.count)")
        }
        guard body.outputs.count >= 1 else {
            throw EngineError.invalidModel("Loop: 'body' must return at least the condition")
        }
        self.bodyGraph = body
        self.opsetVersion = config.opsetVersion
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let explicit = context.explicitInputCount
        let carriedCount = explicit - 2
        guard carriedCount >= 0 else {
            throw EngineError.invalidModel("Loop takes inputs (M, cond, v_initial...), got \(explicit)")
        }
        guard bodyGraph.inputs.count == carriedCount + 2 else {
            throw EngineError.invalidModel(
                "Loop has \(carriedCount) loop-carried inputs but 'body' takes \(bodyGraph.inputs.count) inputs (expected \(carriedCount + 2))")
        }
        let scanCount = bodyGraph.outputs.count - 1 - carriedCount
        guard scanCount >= 0 else {
            throw EngineError.invalidModel(
                "Loop has \(carriedCount) loop-carried values but 'body' returns only \(bodyGraph.outputs.count) outputs")
        }
        guard context.outputCount <= carriedCount + scanCount else {
            throw EngineError.invalidModel("Loop declares \(context.outputCount) outputs but produces \(carriedCount + scanCount)")
        }
        if let m = inputs.optionalFact(0) {
            guard let d = m.dataType, d == .int64 || d == .int32 else {
                throw EngineError.invalidModel("input 'M' has type \(m.type), expected tensor(int64)")
            }
        }
        if let c = inputs.optionalFact(1), c.dataType != .bool {
            throw EngineError.invalidModel("input 'cond' has type \(c.type), expected tensor(bool)")
        }
        var carried: [ValueFact] = []
        for i in 0..<carriedCount {
            let fact = try inputs.fact(2 + i, "v_initial[\(i)]")
            try ControlFlowFacts.checkOpsetAllows(fact.type, opset: opsetVersion, what: "loop-carried input \(i)")
            carried.append(ControlFlowFacts.varying(fact))
        }

        // Compile until the carried facts hold for every iteration (shapes may grow, types may gain an optional).
        var compiled: ControlFlowBody?
        var outputs: [ValueFact] = []
        var formal: [ValueFact] = []
        var stable = false
        for pass in 0..<4 where !stable {
            formal = [
                try ControlFlowFacts.formal(bodyGraph.inputs[0], actual: ValueFact(.int64, shape: []), attribute: "body"),
                try ControlFlowFacts.formal(bodyGraph.inputs[1], actual: ValueFact(.bool, shape: []), attribute: "body"),
            ]
            for (i, fact) in carried.enumerated() {
                formal.append(try ControlFlowFacts.formal(bodyGraph.inputs[2 + i], actual: fact, attribute: "body"))
            }
            let body = try ControlFlowBody.compile(bodyGraph, attribute: "body", formalFacts: formal, nodeInputs: inputs, context: context)
            compiled = body
            outputs = body.outputFacts
            var changed = false
            for i in 0..<carriedCount {
                let produced = outputs[1 + i]
                guard let merged = ControlFlowFacts.merge(carried[i], produced) else {
                    throw EngineError.invalidModel(
                        "loop-carried value \(i) enters the body as \(carried[i].type) but the body returns \(produced.type)")
                }
                if merged.type != carried[i].type || merged.shape != carried[i].shape {
                    changed = true
                    carried[i] = pass >= 2 ? ValueFact(type: merged.type, shape: nil) : merged
                }
            }
            stable = !changed
        }
        guard stable, let body = compiled else {
            throw EngineError.invalidModel("Loop: the types of the loop-carried values do not settle across iterations")
        }
        self.body = body

        guard outputs[0].dataType == .bool else {
            throw EngineError.invalidModel("Loop: 'body' output 0 (the condition) is \(outputs[0].type), expected tensor(bool)")
        }
        var facts: [ValueFact] = []
        carriedTypes = []
        bodyInputTypes = formal[2...].map(\.type)
        for i in 0..<carriedCount {
            let produced = outputs[1 + i]
            try ControlFlowFacts.checkOpsetAllows(produced.type, opset: opsetVersion, what: "'body' output \(1 + i)")
            carriedTypes.append(produced.type)
            // The final value is the initial one (zero iterations) or any iteration's: `carried` covers both.
            facts.append(ValueFact(type: produced.type, shape: produced.dataType != nil ? carried[i].shape : nil))
        }
        scanOutputs = []
        for k in 0..<scanCount {
            let produced = outputs[1 + carriedCount + k]
            guard let d = produced.dataType else {
                throw EngineError.invalidModel("Loop scan output \(k) ('body' output \(1 + carriedCount + k)) must be a tensor, got \(produced.type)")
            }
            scanOutputs.append((d, produced.shape))
            facts.append(ValueFact(d, shape: ControlFlowFacts.inserting(.unknown, at: 0, into: produced.shape)))
        }
        return facts
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let body else { throw EngineError.runtime("Loop was run before being prepared") }
        var limit = Int64.max
        if let m = try inputs.optionalTensor(0) {
            guard m.count == 1, let value = m.integers()?.first else {
                throw EngineError.invalidInput("input 'M' must be a single integer, got \(m)")
            }
            limit = Int64(value)
        }
        var keepGoing = true
        if inputs.count > 1, let c = inputs[1] {
            keepGoing = try ControlFlowValues.condition(c, what: "input 'cond'")
        }
        let carriedCount = carriedTypes.count
        var carried: [Value] = []
        for i in 0..<carriedCount {
            guard 2 + i < inputs.count, let value = inputs[2 + i] else {
                throw EngineError.invalidInput("input v_initial[\(i)] is required")
            }
            carried.append(value)
        }
        let captured = body.captured(from: inputs)
        var scans = [[Tensor]](repeating: [], count: scanOutputs.count)
        var iteration: Int64 = 0
        while iteration < limit && keepGoing {
            var feeds: [Value?] = [.tensor(Tensor(scalar: iteration)), .tensor(Tensor(scalar: true))]
            for (i, value) in carried.enumerated() {
                feeds.append(try ControlFlowValues.coerce(value, to: bodyInputTypes[i], what: "loop-carried value \(i)"))
            }
            let results = try body.run(feeds, captured: captured, context: context, iteration: Int(iteration))
            guard results.count == 1 + carriedCount + scanOutputs.count else {
                throw EngineError.runtime("'body' returned \(results.count) values, expected \(1 + carriedCount + scanOutputs.count)")
            }
            keepGoing = try ControlFlowValues.condition(results[0], what: "'body' output 0 (cond)")
            for i in 0..<carriedCount { carried[i] = results[1 + i] }
            for k in scans.indices {
                scans[k].append(try ControlFlowValues.tensor(results[1 + carriedCount + k], what: "scan output \(k)"))
            }
            iteration += 1
        }
        var outputs: [Value] = []
        for (i, value) in carried.enumerated() {
            outputs.append(try ControlFlowValues.coerce(value, to: carriedTypes[i], what: "loop-carried value \(i)"))
        }
        for (k, tensors) in scans.enumerated() {
            if tensors.isEmpty {
                let shape = [0] + (scanOutputs[k].shape ?? []).map { $0.value ?? 0 }
                outputs.append(.tensor(try Tensor.zeros(scanOutputs[k].dataType, shape: shape)))
            } else {
                do {
                    outputs.append(.tensor(try ControlFlowTensors.stack(tensors, axis: 0)))
                } catch let error as EngineError {
                    throw error.prefixed("scan output \(k)")
                }
            }
        }
        return outputs
    }
}

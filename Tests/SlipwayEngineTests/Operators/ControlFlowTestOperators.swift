import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

// Minimal stand-ins for operators of other families that control-flow bodies use in tests (float32
// and int64 only, no attributes beyond what the tests need). They are test-only and deliberately simple.

/// Elementwise binary arithmetic with numpy broadcasting, through Double.
struct CFTestBinary: Operator {
    let name: String
    let apply: @Sendable (Double, Double) -> Double

    static func add() -> CFTestBinary { CFTestBinary(name: "Add", apply: { $0 + $1 }) }
    static func mul() -> CFTestBinary { CFTestBinary(name: "Mul", apply: { $0 * $1 }) }

    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let a = try inputs.fact(0), b = try inputs.fact(1)
        guard let d = a.dataType, d == b.dataType else { throw EngineError.invalidModel("\(name): mismatched types") }
        var shape: [Dim]? = nil
        if let x = a.shape, let y = b.shape { shape = Dim.broadcast([x, y]) }
        return [ValueFact(d, shape: shape)]
    }

    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        guard let shape = Shape.broadcast(a.shape, b.shape), let x = a.doubles(), let y = b.doubles() else {
            throw EngineError.invalidInput("\(name): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let values = zip(BroadcastIndexer(shape: a.shape, target: shape), BroadcastIndexer(shape: b.shape, target: shape))
            .map { apply(x[$0], y[$1]) }
        return [.tensor(try Tensor.fromDoubles(values, shape: shape, as: a.dataType))]
    }
}

/// Logical not of a bool tensor.
struct CFTestNot: Operator {
    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { [try inputs.fact(0)] }
    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let flags = try inputs.tensor(0).elements(as: Bool.self) else { throw EngineError.invalidInput("Not: bool only") }
        let t = try inputs.tensor(0)
        return [.tensor(try Tensor(shape: t.shape, elements: flags.map { !$0 }))]
    }
}

/// Unsqueeze with `axes` as an attribute (opset < 13) or an input.
struct CFTestUnsqueeze: Operator {
    let attributeAxes: [Int]?

    init(_ config: OperatorConfiguration) throws { attributeAxes = try config.attributes.ints("axes") }

    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [ValueFact(try inputs.dataType(0), shape: nil)]
    }

    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let t = try inputs.tensor(0)
        guard let axes = try attributeAxes ?? inputs.optionalTensor(1)?.integers() else {
            throw EngineError.invalidInput("Unsqueeze: no axes")
        }
        var shape = t.shape
        let rank = shape.count + axes.count
        for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() { shape.insert(1, at: axis) }
        return [.tensor(try t.reshaped(shape))]
    }
}

/// Slice of a 1-D tensor along axis 0 with `starts`/`ends` inputs (step 1).
struct CFTestSlice: Operator {
    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [ValueFact(try inputs.dataType(0), shape: [.unknown])]
    }

    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let t = try inputs.tensor(0)
        guard t.rank == 1, let start = try inputs.tensor(1).integers()?.first, let end = try inputs.tensor(2).integers()?.first else {
            throw EngineError.invalidInput("Slice: test version handles 1-D only")
        }
        let n = t.shape[0]
        let lower = min(max(start < 0 ? start + n : start, 0), n)
        let upper = min(max(end < 0 ? end + n : end, lower), n)
        let offsets = Array(lower..<upper)
        return [.tensor(t.gathering(offsets: offsets, shape: [offsets.count]))]
    }
}

/// `a < b` on scalars, as a bool scalar.
struct CFTestLess: Operator {
    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { [ValueFact(.bool, shape: [])] }
    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let a = try inputs.tensor(0).doubles()?.first, let b = try inputs.tensor(1).doubles()?.first else {
            throw EngineError.invalidInput("Less: numbers only")
        }
        return [.tensor(Tensor(scalar: a < b))]
    }
}

/// Concatenates two 1-D float tensors (its output shape is fixed only when both inputs' are).
struct CFTestConcat1D: Operator {
    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let a = try inputs.fact(0), b = try inputs.fact(1)
        if let x = a.concreteShape, let y = b.concreteShape { return [ValueFact(.float32, shape: [.fixed(x[0] + y[0])])] }
        return [ValueFact(.float32, shape: [.unknown])]
    }
    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard let a = try inputs.tensor(0).elements(as: Float.self), let b = try inputs.tensor(1).elements(as: Float.self) else {
            throw EngineError.invalidInput("Concat: floats only")
        }
        return [.tensor(Tensor(vector: a + b))]
    }
}

/// The shape of its input as int64; folds itself when the input shape is fully known at load (like ONNX Shape).
struct CFTestShape: Operator {
    func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let fact = try inputs.fact(0)
        if let shape = fact.concreteShape { return [ValueFact(constant: .tensor(Tensor(vector: shape.map { Int64($0) })))] }
        return [ValueFact(.int64, shape: [fact.rank.map { .fixed($0) } ?? .unknown])]
    }
    func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        [.tensor(Tensor(vector: try inputs.tensor(0).shape.map { Int64($0) }))]
    }
}

/// Builders for small graphs in tests.
enum CFGraph {
    /// A node whose operator is built from the same attributes the node carries (so the planner sees subgraphs).
    static func node(
        _ name: String, _ opType: String, _ inputs: [String], _ outputs: [String], attributes: [String: AttributeValue] = [:],
        opset: Int = 17, make: (OperatorConfiguration) throws -> any Operator
    ) throws -> Node {
        let config = OperatorHarness.configuration(opType, opset: opset, attributes: attributes, inputs: inputs.count, outputs: outputs.count)
        return Node(
            name: name, opType: opType, domain: "", inputs: inputs, outputs: outputs, attributes: Attributes(attributes),
            op: try make(config))
    }

    static func constant(_ name: String, _ output: String, _ value: Tensor) throws -> Node {
        try node(name, "Constant", [], [output], attributes: ["value": .tensor(value)]) { try Constant($0) }
    }

    static func identity(_ name: String, _ input: String, _ output: String) throws -> Node {
        try node(name, "Identity", [input], [output]) { try Identity($0) }
    }

    static func add(_ name: String, _ a: String, _ b: String, _ output: String) throws -> Node {
        try node(name, "Add", [a, b], [output]) { _ in CFTestBinary.add() }
    }

    static func tensor(_ name: String, _ dataType: DataType, _ shape: [Dim]? = nil) -> ValueInfo {
        ValueInfo(name: name, type: .tensor(dataType), shape: shape)
    }

    static func graph(_ name: String, inputs: [ValueInfo], outputs: [String], nodes: [Node], initializers: [String: Value] = [:]) -> Graph {
        Graph(name: name, inputs: inputs, outputs: outputs.map { ValueInfo(name: $0, type: nil) }, initializers: initializers, nodes: nodes)
    }

    static func floats(_ value: Value?) -> [Float]? { value?.tensor?.elements(as: Float.self) }
}

/// Expects `body` to throw an ``EngineError`` whose message contains `fragment`.
func cfExpectError(
    _ fragment: String, code: EngineError.Code? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected an error containing '\(fragment)'", sourceLocation: sourceLocation)
    } catch let error as EngineError {
        #expect(error.message.contains(fragment), "message: \(error.message)", sourceLocation: sourceLocation)
        if let code { #expect(error.code == code, "code \(error.code) for: \(error.message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

import SlipwayTensor
import SlipwayTestSupport

@testable import SlipwayEngine

/// A small deterministic generator (SplitMix64) for the reduction family's randomised tests.
struct ReductionTestRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }

    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }

    mutating func shape(maxRank: Int, maxDim: Int) -> [Int] { (0..<int(0...maxRank)).map { _ in int(1...maxDim) } }
}

/// Builds and runs one operator of the reduction family; returns its output tensors.
func reductionRun(
    _ opType: String, opset: Int, attributes: [String: AttributeValue] = [:], inputs: [Tensor?], outputs: Int = 1,
    constantInputs: Set<Int> = []
) throws -> [Tensor] {
    let config = OperatorHarness.configuration(opType, opset: opset, attributes: attributes, inputs: inputs.count, outputs: outputs)
    let op: any Operator
    switch opType {
    case "ReduceSum": op = try ReduceSum(config)
    case "ReduceMean": op = try ReduceMean(config)
    case "ReduceMax": op = try ReduceMax(config)
    case "ReduceMin": op = try ReduceMin(config)
    case "ReduceProd": op = try ReduceProd(config)
    case "ReduceL1": op = try ReduceL1(config)
    case "ReduceL2": op = try ReduceL2(config)
    case "ReduceLogSum": op = try ReduceLogSum(config)
    case "ReduceLogSumExp": op = try ReduceLogSumExp(config)
    case "ReduceSumSquare": op = try ReduceSumSquare(config)
    case "ArgMax": op = try ArgMax(config)
    case "ArgMin": op = try ArgMin(config)
    case "TopK": op = try TopK(config)
    case "CumSum": op = try CumSum(config)
    case "Einsum": op = try Einsum(config)
    default: throw EngineError.invalidModel("no such reduction op \(opType)")
    }
    let values = try OperatorHarness.run(
        op, inputs: inputs.map { $0.map { Value.tensor($0) } }, outputCount: outputs, constantInputs: constantInputs)
    return values.compactMap(\.tensor)
}

/// Prepares one operator on facts only and returns the inferred output facts.
func reductionFacts(
    _ op: any Operator, _ facts: [ValueFact?], outputs: Int = 1
) throws -> [ValueFact] {
    var op = op
    let context = PrepareContext(
        nodeLabel: "test", outputCount: outputs, outputsUsed: Array(repeating: true, count: outputs),
        explicitInputCount: facts.count, capturedNames: [],
        compileSubgraph: { _, _, _ in throw EngineError.invalidModel("no subgraphs here") })
    return try op.prepare(facts, context: context)
}

/// Whether two float arrays agree within `tolerance` (relative to magnitude, at least absolute `tolerance`).
func reductionClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        if x.isNaN && y.isNaN { continue }
        if x == y { continue }
        if !(abs(x - y) <= tolerance * max(1, abs(y))) { return false }
    }
    return true
}

import SlipwayTensor
import SlipwayTestSupport
import Testing

@testable import SlipwayEngine

/// Einsum: parsing, implicit/explicit outputs, ellipsis, diagonals, multi-operand contractions, checked
/// against a brute-force sum over every label.
@Suite struct EinsumTests {
    static func run(_ equation: String, _ inputs: [Tensor], opset: Int = 12) throws -> Tensor {
        try reductionRun("Einsum", opset: opset, attributes: ["equation": .string(equation)], inputs: inputs)[0]
    }

    static func random(_ shape: [Int], _ random: inout ReductionTestRandom) throws -> Tensor {
        try Tensor(shape: shape, elements: random.floats(shape.reduce(1, *)))
    }

    @Test func matmulAndBatchMatmul() throws {
        let a = try Tensor(shape: [2, 3], elements: [Float(1), 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], elements: [Float(1), 0, 0, 1, 1, 1])
        let c = try Self.run("ij,jk->ik", [a, b])
        #expect(c.shape == [2, 2])
        #expect(c.elements(as: Float.self) == [4, 5, 10, 11])
        let implicit = try Self.run("ij,jk", [a, b])
        #expect(implicit.elements(as: Float.self) == [4, 5, 10, 11])
        let transposedOut = try Self.run("ij,jk->ki", [a, b])
        #expect(transposedOut.elements(as: Float.self) == [4, 10, 5, 11])
    }

    @Test func singleOperandForms() throws {
        let m = try Tensor(shape: [3, 3], elements: (0..<9).map { Double($0) })
        #expect(try Self.run("ii", [m]).elements(as: Double.self) == [12])
        #expect(try Self.run("ii->i", [m]).elements(as: Double.self) == [0, 4, 8])
        #expect(try Self.run("ij->ji", [m]).elements(as: Double.self) == [0, 3, 6, 1, 4, 7, 2, 5, 8])
        #expect(try Self.run("ij->i", [m]).elements(as: Double.self) == [3, 12, 21])
        #expect(try Self.run("ij->", [m]).elements(as: Double.self) == [36])
        let scalar = try Self.run("->", [Tensor(scalar: Double(3))])
        #expect(scalar.shape == [])
        #expect(scalar.elements(as: Double.self) == [3])
    }

    @Test func ellipsisBroadcastAndBatchDiagonal() throws {
        let x = try Tensor(shape: [2, 3, 3], elements: (0..<18).map { Float($0) })
        let diag = try Self.run("...ii->...i", [x])
        #expect(diag.shape == [2, 3])
        #expect(diag.elements(as: Float.self) == [0, 4, 8, 9, 13, 17])
        // `...` broadcasts: [2,1,3] against [4,3] → [2,4].
        let a = try Tensor(shape: [2, 1, 3], elements: (0..<6).map { Float($0) })
        let b = try Tensor(shape: [4, 3], elements: Array(repeating: Float(1), count: 12))
        let out = try Self.run("...j,...j->...", [a, b])
        #expect(out.shape == [2, 4])
        #expect(out.elements(as: Float.self) == [3, 3, 3, 3, 12, 12, 12, 12])
    }

    @Test func integersAndBFloat16() throws {
        let a = Tensor(vector: [Int32(1), 2, 3])
        #expect(try Self.run("i,i", [a, a]).elements(as: Int32.self) == [14])
        let outer = try Self.run("i,j->ij", [a, a])
        #expect(outer.shape == [3, 3])
        #expect(outer.elements(as: Int32.self) == [1, 2, 3, 2, 4, 6, 3, 6, 9])
        let h = Tensor(vector: [BFloat16(1), BFloat16(2)])
        let sum = try Self.run("i->", [h], opset: 28)
        #expect(sum.dataType == .bfloat16)
        #expect(sum.elements(as: BFloat16.self)?.first?.floatValue == 3)
    }

    @Test func matchesBruteForce() throws {
        var random = ReductionTestRandom(seed: 21)
        let cases: [(String, [[Int]])] = [
            ("bij,bjk->bik", [[2, 3, 4], [2, 4, 5]]),
            ("ij,jk,kl->il", [[2, 3], [3, 4], [4, 2]]),
            ("abc,cd,db->a", [[3, 2, 4], [4, 5], [5, 2]]),
            ("iij,jk->ik", [[3, 3, 2], [2, 4]]),
            ("ab,ab,ab->", [[2, 3], [2, 3], [2, 3]]),
            ("ij,kl->ijkl", [[2, 2], [3, 1]]),
            ("bn,anm,bm->ba", [[2, 3], [4, 3, 5], [2, 5]]),
            ("Ab,bA", [[3, 2], [2, 3]]),
            ("i...,i...->...", [[3, 2, 2], [3, 2, 2]]),
            ("ijk->kij", [[2, 3, 4]]),
            ("ij,ij->ij", [[3, 4], [3, 4]]),
            ("ik,kj", [[5, 6], [6, 1]]),
        ]
        for (equation, shapes) in cases {
            let inputs = try shapes.map { try Self.random($0, &random) }
            let out = try Self.run(equation, inputs)
            let expected = try bruteForceEinsum(equation, inputs)
            #expect(out.shape == expected.shape, "\(equation)")
            #expect(reductionClose(out.elements(as: Float.self) ?? [], expected.values, tolerance: 1e-4), "\(equation)")
        }
    }

    @Test func errors() throws {
        let m = try Tensor(shape: [2, 3], elements: [Float](repeating: 1, count: 6))
        #expect(throws: EngineError.self) { _ = try Self.run("ii", [m]) }  // unequal diagonal
        #expect(throws: EngineError.self) { _ = try Self.run("ij,jk", [m, m]) }  // j: 3 vs 2
        #expect(throws: EngineError.self) { _ = try Self.run("ijk", [m]) }  // rank mismatch
        #expect(throws: EngineError.self) { _ = try Self.run("i1", [m]) }  // not a letter
        #expect(throws: EngineError.self) { _ = try Self.run("ij->ii", [m]) }  // repeated output
        #expect(throws: EngineError.self) { _ = try Self.run("ij->k", [m]) }  // unknown output letter
        #expect(throws: EngineError.self) { _ = try Self.run("ij,jk->ik", [m]) }  // operand count
        #expect(throws: EngineError.self) { _ = try Self.run("..i", [m]) }
        #expect(throws: EngineError.self) { _ = try Self.run("ij", [m], opset: 11) }
    }

    @Test func shapeInference() throws {
        let op = try Einsum(
            OperatorHarness.configuration("Einsum", opset: 12, attributes: ["equation": .string("b...ij,bjk->b...ik")], inputs: 2))
        let facts = try reductionFacts(
            op,
            [
                ValueFact(.float32, shape: [.symbol("B"), .fixed(7), .fixed(2), .fixed(3)]),
                ValueFact(.float32, shape: [.symbol("B"), .fixed(3), .fixed(5)]),
            ])
        #expect(facts[0].shape == [.symbol("B"), .fixed(7), .fixed(2), .fixed(5)])
        #expect(throws: EngineError.self) {
            _ = try reductionFacts(op, [ValueFact(.float32, shape: [.fixed(1), .fixed(2), .fixed(3)]), ValueFact(.int64, shape: nil)])
        }
    }
}

/// Brute-force Einsum: loops over every combination of every label's index (test-only reference).
private func bruteForceEinsum(_ equation: String, _ inputs: [Tensor]) throws -> (shape: [Int], values: [Float]) {
    let parsed = try EinsumEquation(parsing: equation)
    let labels = try parsed.labels(ranks: inputs.map(\.rank), error: EngineError.invalidInput)
    var sizes: [Int: Int] = [:]
    for (t, ls) in zip(inputs, labels.inputs) { for (d, l) in zip(t.shape, ls) { sizes[l] = max(sizes[l] ?? 1, d) } }
    let all = sizes.keys.sorted()
    let outShape = labels.output.map { sizes[$0] ?? 1 }
    var out = [Float](repeating: 0, count: outShape.reduce(1, *))
    let data = inputs.map { $0.elements(as: Float.self) ?? [] }
    var index = [Int: Int]()
    for l in all { index[l] = 0 }
    let total = all.map { sizes[$0] ?? 1 }.reduce(1, *)
    for _ in 0..<total {
        var product: Float = 1
        for (k, (t, ls)) in zip(inputs, labels.inputs).enumerated() {
            var flat = 0
            for (d, l) in zip(t.shape, ls) { flat = flat * d + (d == 1 ? 0 : index[l] ?? 0) }
            product *= data[k][flat]
        }
        var o = 0
        for (d, l) in zip(outShape, labels.output) { o = o * d + (index[l] ?? 0) }
        out[o] += product
        for l in all.reversed() {
            index[l, default: 0] += 1
            if index[l, default: 0] < sizes[l, default: 1] { break }
            index[l] = 0
        }
    }
    return (outShape, out)
}

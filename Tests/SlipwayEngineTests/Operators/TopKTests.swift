import SlipwayTensor
import SlipwayTestSupport
import Testing

@testable import SlipwayEngine

/// TopK: k as attribute (opset 1) and input, largest/smallest, ties, integer types, errors.
@Suite struct TopKTests {
    static let x = try! Tensor(shape: [2, 4], elements: [Float(1), 4, 2, 4, 9, 0, 9, 3])

    @Test func largestWithStableTies() throws {
        let out = try reductionRun("TopK", opset: 11, inputs: [Self.x, Tensor(vector: [Int64(3)])], outputs: 2)
        #expect(out[0].shape == [2, 3])
        #expect(out[0].elements(as: Float.self) == [4, 4, 2, 9, 9, 3])
        #expect(out[1].elements(as: Int64.self) == [1, 3, 2, 0, 2, 3])
    }

    @Test func smallestOnAxisZero() throws {
        let out = try reductionRun(
            "TopK", opset: 11, attributes: ["axis": .int(0), "largest": .int(0)], inputs: [Self.x, Tensor(vector: [Int64(1)])], outputs: 2)
        #expect(out[0].shape == [1, 4])
        #expect(out[0].elements(as: Float.self) == [1, 0, 2, 3])
        #expect(out[1].elements(as: Int64.self) == [0, 1, 0, 1])
    }

    @Test func opset1TakesKAttribute() throws {
        let out = try reductionRun("TopK", opset: 1, attributes: ["k": .int(2)], inputs: [Self.x], outputs: 2)
        #expect(out[0].elements(as: Float.self) == [4, 4, 9, 9])
    }

    @Test func uint64AndZeroK() throws {
        let big = Tensor(vector: [UInt64.max, 1, UInt64.max - 1])
        let out = try reductionRun("TopK", opset: 24, inputs: [big, Tensor(vector: [Int64(2)])], outputs: 2)
        #expect(out[0].elements(as: UInt64.self) == [UInt64.max, UInt64.max - 1])
        #expect(out[1].elements(as: Int64.self) == [0, 2])
        let none = try reductionRun("TopK", opset: 24, inputs: [big, Tensor(vector: [Int64(0)])], outputs: 2)
        #expect(none[0].shape == [0])
    }

    @Test func errors() throws {
        #expect(throws: EngineError.self) { _ = try reductionRun("TopK", opset: 11, inputs: [Self.x, Tensor(vector: [Int64(5)])], outputs: 2) }
        #expect(throws: EngineError.self) { _ = try reductionRun("TopK", opset: 11, inputs: [Self.x, Tensor(vector: [Int64(-1)])], outputs: 2) }
        #expect(throws: EngineError.self) {
            _ = try reductionRun("TopK", opset: 11, inputs: [Self.x, Tensor(vector: [Int64(1), 2])], outputs: 2)
        }
        #expect(throws: EngineError.self) {
            _ = try reductionRun("TopK", opset: 11, attributes: ["axis": .int(3)], inputs: [Self.x, Tensor(vector: [Int64(1)])], outputs: 2)
        }
    }

    @Test func shapeInference() throws {
        let op = try TopK(OperatorHarness.configuration("TopK", opset: 11, inputs: 2, outputs: 2))
        let data = ValueFact(.float32, shape: [.symbol("N"), .fixed(10)])
        let known = try reductionFacts(op, [data, ValueFact(constant: .tensor(Tensor(vector: [Int64(3)])))], outputs: 2)
        #expect(known[0].shape == [.symbol("N"), .fixed(3)])
        #expect(known[1].dataType == .int64)
        let unknown = try reductionFacts(op, [data, ValueFact(.int64, shape: [.fixed(1)])], outputs: 2)
        #expect(unknown[1].shape == [.symbol("N"), .unknown])
    }
}

import SlipwayTensor
import SlipwayTestSupport
import Testing

@testable import SlipwayEngine

/// ArgMax and ArgMin: axis, keepdims, select_last_index, dtypes, errors.
@Suite struct ArgMaxTests {
    static let x = try! Tensor(shape: [2, 3], elements: [Float(2), 5, 5, 7, 1, 7])

    @Test func argMaxDefaultAxisKeepsDims() throws {
        let out = try reductionRun("ArgMax", opset: 13, inputs: [Self.x])[0]
        #expect(out.shape == [1, 3])
        #expect(out.elements(as: Int64.self) == [1, 0, 1])
    }

    @Test func argMaxLastAxisTiesAndSelectLast() throws {
        let first = try reductionRun("ArgMax", opset: 13, attributes: ["axis": .int(-1), "keepdims": .int(0)], inputs: [Self.x])[0]
        #expect(first.shape == [2])
        #expect(first.elements(as: Int64.self) == [1, 0])
        let last = try reductionRun(
            "ArgMax", opset: 13, attributes: ["axis": .int(1), "keepdims": .int(0), "select_last_index": .int(1)], inputs: [Self.x])[0]
        #expect(last.elements(as: Int64.self) == [2, 2])
    }

    @Test func argMinOnIntegersAndHalf() throws {
        let ints = try Tensor(shape: [3], elements: [UInt8(4), 1, 1])
        #expect(try reductionRun("ArgMin", opset: 13, inputs: [ints])[0].elements(as: Int64.self) == [1])
        let last = try reductionRun("ArgMin", opset: 12, attributes: ["select_last_index": .int(1)], inputs: [ints])[0]
        #expect(last.elements(as: Int64.self) == [2])
        let half = try Tensor(shape: [2, 2], elements: [Float16(3), -1, 0, 2])
        let out = try reductionRun("ArgMin", opset: 13, attributes: ["axis": .int(1), "keepdims": .int(0)], inputs: [half])[0]
        #expect(out.elements(as: Int64.self) == [1, 0])
    }

    @Test func errors() throws {
        #expect(throws: EngineError.self) { _ = try reductionRun("ArgMax", opset: 13, attributes: ["axis": .int(2)], inputs: [Self.x]) }
        let empty = try Tensor(shape: [0, 2], elements: [Float]())
        #expect(throws: EngineError.self) { _ = try reductionRun("ArgMax", opset: 13, inputs: [empty]) }
        #expect(throws: EngineError.self) { _ = try reductionRun("ArgMin", opset: 13, inputs: [Tensor(vector: [true])]) }
    }

    @Test func shapeInference() throws {
        let op = try ArgMax(OperatorHarness.configuration("ArgMax", opset: 13, attributes: ["axis": .int(1), "keepdims": .int(0)], inputs: 1))
        let facts = try reductionFacts(op, [ValueFact(.float32, shape: [.symbol("N"), .fixed(4), .fixed(5)])])
        #expect(facts[0].dataType == .int64)
        #expect(facts[0].shape == [.symbol("N"), .fixed(5)])
    }
}

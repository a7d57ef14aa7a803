import SlipwayTensor
import SlipwayTestSupport
import Testing

@testable import SlipwayEngine

/// CumSum: exclusive, reverse, axis input, dtypes.
@Suite struct CumSumTests {
    static let x = try! Tensor(shape: [2, 3], elements: [Double(1), 2, 3, 4, 5, 6])

    @Test func variants() throws {
        func run(_ attributes: [String: AttributeValue], axis: Int32) throws -> [Double] {
            try reductionRun("CumSum", opset: 14, attributes: attributes, inputs: [Self.x, Tensor(scalar: axis)])[0].elements(as: Double.self) ?? []
        }
        #expect(try run([:], axis: 1) == [1, 3, 6, 4, 9, 15])
        #expect(try run([:], axis: 0) == [1, 2, 3, 5, 7, 9])
        #expect(try run(["exclusive": .int(1)], axis: 1) == [0, 1, 3, 0, 4, 9])
        #expect(try run(["reverse": .int(1)], axis: -1) == [6, 5, 3, 15, 11, 6])
        #expect(try run(["reverse": .int(1), "exclusive": .int(1)], axis: 1) == [5, 3, 0, 11, 6, 0])
    }

    @Test func integerAndHalf() throws {
        let ints = Tensor(vector: [Int32.max, 1, 2])
        let wrapped = try reductionRun("CumSum", opset: 14, inputs: [ints, Tensor(scalar: Int64(0))])[0]
        #expect(wrapped.elements(as: Int32.self) == [Int32.max, Int32.min, Int32.min + 2])
        let half = Tensor(vector: [Float16(0.5), 0.25, 0.25])
        let out = try reductionRun("CumSum", opset: 14, inputs: [half, Tensor(scalar: Int64(0))])[0]
        #expect(out.elements(as: Float16.self) == [0.5, 0.75, 1])
    }

    @Test func errors() throws {
        #expect(throws: EngineError.self) { _ = try reductionRun("CumSum", opset: 14, inputs: [Self.x, Tensor(scalar: Int64(2))]) }
        #expect(throws: EngineError.self) { _ = try reductionRun("CumSum", opset: 14, inputs: [Self.x, Tensor(vector: [Int64(0), 1])]) }
        #expect(throws: EngineError.self) {
            _ = try reductionRun("CumSum", opset: 14, inputs: [Tensor(vector: [Int8(1)]), Tensor(scalar: Int64(0))])
        }
        #expect(throws: EngineError.self) { _ = try reductionRun("CumSum", opset: 10, inputs: [Self.x, Tensor(scalar: Int64(0))]) }
    }
}

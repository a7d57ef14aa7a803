import SlipwayEngine
import SlipwayTensor
import Testing

/// Layout operators move low-precision codes unchanged; arithmetic rejects those types with an error.
@Suite struct LowPrecisionLayoutTests {
    static func int4(_ codes: [UInt8], shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, storage: .lowPrecision(LowPrecisionStorage(.int4, codes: codes)))
    }

    static func codes(_ t: Tensor?) -> [UInt8]? {
        guard let t, case .lowPrecision(let s) = t.storage else { return nil }
        return s.codes
    }

    @Test func transposeGatherAndConcatMoveCodes() throws {
        let x = try Self.int4([1, 2, 3, 0xF, 0xE, 0xD], shape: [2, 3])
        let transposed = try layoutRun("Transpose", [x], make: Transpose.init).first
        #expect(transposed?.dataType == .int4 && transposed?.shape == [3, 2])
        #expect(Self.codes(transposed) == [1, 0xF, 2, 0xE, 3, 0xD])
        let gathered = try layoutRun("Gather", opset: 13, [x, ints([1], shape: [1])], make: Gather.init).first
        #expect(Self.codes(gathered) == [0xF, 0xE, 0xD])
        let joined = try layoutRun("Concat", opset: 13, attributes: ["axis": .int(0)], [x, x], make: Concat.init).first
        #expect(joined?.shape == [4, 3] && Self.codes(joined)?.count == 12)
        #expect(throws: (any Error).self) {
            try layoutRun("Concat", opset: 13, attributes: ["axis": .int(0)], [x, iota([2, 3])], make: Concat.init)
        }
    }

    @Test func arithmeticRejectsLowPrecision() throws {
        let x = try Self.int4([1, 2], shape: [2])
        #expect(throws: (any Error).self) { try layoutRun("Relu", opset: 14, [x], make: Relu.init) }
        #expect(throws: (any Error).self) { try layoutRun("ReduceSum", opset: 13, [x], make: ReduceSum.init) }
    }
}

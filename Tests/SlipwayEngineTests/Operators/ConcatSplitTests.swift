import SlipwayEngine
import SlipwayTensor
import Testing

/// Concat and Split.
@Suite struct ConcatSplitTests {
    @Test func concatMiddleAxis() throws {
        let out = try layoutRun("Concat", attributes: ["axis": .int(1)], [iota([2, 1]), floats([9, 8, 7, 6], shape: [2, 2])], make: Concat.init)
        #expect(out[0].shape == [2, 3])
        #expect(out[0].floatValues == [0, 9, 8, 1, 7, 6])
    }

    @Test func concatNegativeAxisAndEmptyInput() throws {
        let out = try layoutRun("Concat", attributes: ["axis": .int(-1)], [iota([2, 0]), iota([2, 2])], make: Concat.init)
        #expect(out[0].shape == [2, 2])
    }

    @Test func concatRejectsMismatchedShapes() {
        #expect(
            throwsEngineError(.invalidModel) {
                _ = try layoutRun("Concat", attributes: ["axis": .int(0)], [iota([2, 3]), iota([2, 2])], make: Concat.init)
            })
    }

    @Test func splitEqualAndVariable() throws {
        let equal = try layoutRun("Split", opset: 13, attributes: ["axis": .int(1)], [iota([2, 4])], outputs: 2, make: Split.init)
        #expect(equal.map(\.shape) == [[2, 2], [2, 2]])
        #expect(equal[1].floatValues == [2, 3, 6, 7])
        let variable = try layoutRun("Split", opset: 13, [iota([5]), ints([2, 3])], outputs: 2, make: Split.init)
        #expect(variable[1].floatValues == [2, 3, 4])
        let old = try layoutRun("Split", opset: 11, attributes: ["split": .ints([1, 4])], [iota([5])], outputs: 2, make: Split.init)
        #expect(old[0].floatValues == [0])
    }

    @Test func splitNumOutputsUneven() throws {
        let parts = try layoutRun("Split", opset: 18, attributes: ["num_outputs": .int(3)], [iota([7])], outputs: 3, make: Split.init)
        #expect(parts.map(\.shape) == [[3], [3], [1]])
    }

    @Test func splitRejectsBadSizes() {
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Split", opset: 13, [iota([5]), ints([2, 2])], outputs: 2, make: Split.init)
            })
    }
}

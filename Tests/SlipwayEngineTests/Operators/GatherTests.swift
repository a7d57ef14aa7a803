import SlipwayEngine
import SlipwayTensor
import Testing

/// Gather, GatherElements, GatherND.
@Suite struct GatherTests {
    @Test func gatherAxis0WithNegativeIndices() throws {
        let out = try layoutRun("Gather", opset: 13, [iota([3, 2]), ints([2, -3], shape: [2])], make: Gather.init)
        #expect(out[0].shape == [2, 2])
        #expect(out[0].floatValues == [4, 5, 0, 1])
    }

    @Test func gatherAxis1With2DIndices() throws {
        let out = try layoutRun(
            "Gather", opset: 13, attributes: ["axis": .int(1)], [iota([2, 3]), ints([0, 2, 1, 1], shape: [2, 2])],
            make: Gather.init)
        #expect(out[0].shape == [2, 2, 2])
        #expect(out[0].floatValues == [0, 2, 1, 1, 3, 5, 4, 4])
    }

    @Test func gatherScalarIndexDropsTheAxis() throws {
        let out = try layoutRun("Gather", opset: 13, [iota([3, 2]), ints([1], shape: [])], make: Gather.init)
        #expect(out[0].shape == [2])
    }

    @Test func gatherOutOfRangeIsAnInputError() {
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("Gather", opset: 13, [iota([5]), ints([7])], make: Gather.init) })
    }

    @Test func gatherElements() throws {
        let out = try layoutRun(
            "GatherElements", opset: 13, attributes: ["axis": .int(1)],
            [floats([1, 2, 3, 4], shape: [2, 2]), ints([0, 0, 1, -2], shape: [2, 2])], make: GatherElements.init)
        #expect(out[0].floatValues == [1, 1, 4, 3])
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("GatherElements", opset: 13, [iota([2, 2]), ints([2, 0], shape: [1, 2])], make: GatherElements.init)
            })
    }

    @Test func gatherNDWithAndWithoutBatchDims() throws {
        let plain = try layoutRun("GatherND", opset: 13, [iota([2, 2]), ints([0, 0, 1, 1], shape: [2, 2])], make: GatherND.init)
        #expect(plain[0].floatValues == [0, 3])
        let rows = try layoutRun("GatherND", opset: 13, [iota([2, 2]), ints([1, 0], shape: [2, 1])], make: GatherND.init)
        #expect(rows[0].floatValues == [2, 3, 0, 1])
        let batched = try layoutRun(
            "GatherND", opset: 13, attributes: ["batch_dims": .int(1)],
            [iota([2, 2, 2]), ints([1, 0], shape: [2, 1])], make: GatherND.init)
        #expect(batched[0].shape == [2, 2])
        #expect(batched[0].floatValues == [2, 3, 4, 5])
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("GatherND", opset: 13, [iota([2, 2]), ints([0, 2], shape: [1, 2])], make: GatherND.init)
            })
    }
}

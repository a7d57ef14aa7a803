import SlipwayEngine
import SlipwayTensor
import Testing

/// Reshape, Flatten, Squeeze, Unsqueeze: shape-only operators.
@Suite struct ReshapeTests {
    @Test func reshapeCopiesZeroAndInfersMinusOne() throws {
        let out = try layoutRun("Reshape", [iota([2, 3, 4]), ints([0, -1])], make: Reshape.init)
        #expect(out[0].shape == [2, 12])
        #expect(out[0].floatValues == iota([2, 3, 4]).floatValues)
    }

    @Test func reshapeAllowZeroMakesEmptyDims() throws {
        let out = try layoutRun("Reshape", attributes: ["allowzero": .int(1)], [iota([0, 3]), ints([3, 0])], make: Reshape.init)
        #expect(out[0].shape == [3, 0])
    }

    @Test func reshapeOpset1UsesTheAttribute() throws {
        let out = try layoutRun("Reshape", opset: 1, attributes: ["shape": .ints([4, -1])], [iota([2, 4])], make: Reshape.init)
        #expect(out[0].shape == [4, 2])
    }

    @Test func reshapeKeepsSymbolicBatch() throws {
        let facts = try layoutPrepare(
            "Reshape", [ValueFact(.float32, shape: [.symbol("N"), .fixed(3), .fixed(4)]), ValueFact(constant: .tensor(ints([0, -1])))],
            make: Reshape.init)
        #expect(facts[0].shape == [.symbol("N"), .fixed(12)])
    }

    @Test func reshapeRejectsBadSizes() {
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("Reshape", [iota([2, 3]), ints([4, -1])], make: Reshape.init) })
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("Reshape", [iota([2, 3]), ints([-1, -1])], make: Reshape.init) })
    }

    @Test func flattenNegativeAxis() throws {
        let out = try layoutRun("Flatten", attributes: ["axis": .int(-1)], [iota([2, 3, 4])], make: Flatten.init)
        #expect(out[0].shape == [6, 4])
        let zero = try layoutRun("Flatten", attributes: ["axis": .int(0)], [iota([2, 3])], make: Flatten.init)
        #expect(zero[0].shape == [1, 6])
        #expect(throwsEngineError(.invalidModel) { _ = try layoutRun("Flatten", attributes: ["axis": .int(4)], [iota([2, 3])], make: Flatten.init) })
    }

    @Test func squeezeBothOpsetStyles() throws {
        let old = try layoutRun("Squeeze", opset: 11, attributes: ["axes": .ints([0, -1])], [iota([1, 3, 1])], make: Squeeze.init)
        #expect(old[0].shape == [3])
        let new = try layoutRun("Squeeze", [iota([1, 3, 1]), ints([2])], make: Squeeze.init)
        #expect(new[0].shape == [1, 3])
        let all = try layoutRun("Squeeze", [iota([1, 3, 1])], make: Squeeze.init)
        #expect(all[0].shape == [3])
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("Squeeze", [iota([2, 3]), ints([0])], make: Squeeze.init) })
    }

    @Test func unsqueezeBothOpsetStyles() throws {
        let old = try layoutRun("Unsqueeze", opset: 11, attributes: ["axes": .ints([0, 3])], [iota([2, 3])], make: Unsqueeze.init)
        #expect(old[0].shape == [1, 2, 3, 1])
        let new = try layoutRun("Unsqueeze", [iota([2, 3]), ints([-1, 1])], constant: [1], make: Unsqueeze.init)
        #expect(new[0].shape == [2, 1, 3, 1])
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("Unsqueeze", [iota([2]), ints([0, 0])], make: Unsqueeze.init) })
    }
}

import SlipwayEngine
import SlipwayTensor
import Testing

/// Inputs a client or a broken model can send: every one must be an error, never a crash or a huge allocation.
@Suite struct LayoutHostileInputTests {
    @Test func hugeShapesAreRefused() {
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("ConstantOfShape", [ints([1 << 20, 1 << 20])], make: ConstantOfShape.init)
            })
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Expand", opset: 13, [iota([1]), ints([1 << 40])], make: Expand.init)
            })
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Tile", opset: 13, [iota([2, 2]), ints([Int(Int64.max), 3])], make: Tile.init)
            })
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Pad", [iota([2]), ints([Int(Int64.max), 1])], make: Pad.init)
            })
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Reshape", [iota([2, 3]), ints([Int(Int64.max), Int(Int64.max), -1])], make: Reshape.init)
            })
    }

    @Test func extremeSliceParameters() throws {
        let out = try layoutRun(
            "Slice", opset: 13, [iota([5]), ints([Int(Int64.max)]), ints([Int(Int64.min)]), ints([0]), ints([Int(Int64.min)])],
            make: SliceOperator.init)
        #expect(out[0].floatValues == [4])
        let forward = try layoutRun(
            "Slice", opset: 13, [iota([5]), ints([1]), ints([Int(Int64.max)]), ints([0]), ints([Int(Int64.max)])],
            make: SliceOperator.init)
        #expect(forward[0].floatValues == [1])
    }

    @Test func extremeIndicesAndCounts() throws {
        let hot = try layoutRun("OneHot", opset: 11, [floats([1e30, .nan, 1]), floats([2], shape: []), floats([0, 1])], make: OneHot.init)
        #expect(hot[0].floatValues == [0, 0, 0, 0, 0, 1])
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun(
                    "Range", [ints([Int(Int64.min)], shape: []), ints([Int(Int64.max)], shape: []), ints([1], shape: [])],
                    make: RangeOperator.init)
            })
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun(
                    "Range", [floats([0], shape: []), floats([.infinity], shape: []), floats([1], shape: [])], make: RangeOperator.init)
            })
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Split", opset: 13, [iota([4]), ints([Int(Int64.max), Int(Int64.min)])], outputs: 2, make: Split.init)
            })
    }

    @Test func emptySqueezeAxesSqueezeEverything() throws {
        let out = try layoutRun("Squeeze", [iota([1, 3, 1]), ints([])], make: Squeeze.init)
        #expect(out[0].shape == [3])
    }
}

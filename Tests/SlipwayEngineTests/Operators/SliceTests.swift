import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct SliceTests {
    @Test func basicSliceWithSteps() throws {
        let out = try layoutRun(
            "Slice", opset: 13, [iota([3, 4]), ints([0, 1]), ints([3, 4]), ints([0, 1]), ints([2, 2])],
            make: SliceOperator.init)
        #expect(out[0].shape == [2, 2])
        #expect(out[0].floatValues == [1, 3, 9, 11])
    }

    @Test func negativeStepsAndClamping() throws {
        let reversed = try layoutRun(
            "Slice", opset: 13, [iota([5]), ints([-1]), ints([Int(Int64.min)]), ints([0]), ints([-1])],
            make: SliceOperator.init)
        #expect(reversed[0].floatValues == [4, 3, 2, 1, 0])
        let clamped = try layoutRun("Slice", opset: 13, [iota([5]), ints([2]), ints([Int(Int64.max)])], make: SliceOperator.init)
        #expect(clamped[0].floatValues == [2, 3, 4])
        let empty = try layoutRun("Slice", opset: 13, [iota([5]), ints([10]), ints([20])], make: SliceOperator.init)
        #expect(empty[0].shape == [0])
    }

    @Test func opset1Attributes() throws {
        let out = try layoutRun(
            "Slice", opset: 1, attributes: ["starts": .ints([1]), "ends": .ints([-1]), "axes": .ints([1])],
            [iota([2, 4])], make: SliceOperator.init)
        #expect(out[0].floatValues == [1, 2, 5, 6])
    }

    @Test func infersShapesFromConstantsAndKeepsWholeSymbolicAxes() throws {
        let facts = try layoutPrepare(
            "Slice", opset: 13,
            [
                ValueFact(.float32, shape: [.symbol("N"), .fixed(10)]), ValueFact(constant: .tensor(ints([0, 2]))),
                ValueFact(constant: .tensor(ints([Int(Int64.max), 8]))),
            ], make: SliceOperator.init)
        #expect(facts[0].shape == [.symbol("N"), .fixed(6)])
    }

    @Test func zeroStepIsAnError() {
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Slice", opset: 13, [iota([5]), ints([0]), ints([3]), ints([0]), ints([0])], make: SliceOperator.init)
            })
    }
}

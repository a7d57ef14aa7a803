import SlipwayEngine
import SlipwayTensor
import Testing

/// Shape, Size, Range, ConstantOfShape, OneHot, Trilu, NonZero.
@Suite struct GeneratorLayoutTests {
    @Test func shapeFoldsWhenKnownAndSlices() throws {
        let facts = try layoutPrepare("Shape", [ValueFact(.float32, shape: [.fixed(2), .fixed(3), .fixed(4)])], make: ShapeOperator.init)
        #expect(facts[0].constantTensor?.intValues == [2, 3, 4])
        let symbolic = try layoutPrepare("Shape", [ValueFact(.float32, shape: [.symbol("N"), .fixed(3)])], make: ShapeOperator.init)
        #expect(symbolic[0].constant == nil)
        #expect(symbolic[0].shape == [.fixed(2)])
        let tail = try layoutPrepare(
            "Shape", attributes: ["start": .int(1)], [ValueFact(.float32, shape: [.symbol("N"), .fixed(3)])],
            make: ShapeOperator.init)
        #expect(tail[0].constantTensor?.intValues == [3])
        let out = try layoutRun("Shape", attributes: ["start": .int(-2), "end": .int(10)], [iota([2, 3, 4])], make: ShapeOperator.init)
        #expect(out[0].intValues == [3, 4])
    }

    @Test func size() throws {
        #expect(try layoutRun("Size", [iota([2, 3])], make: Size.init)[0].intValues == [6])
    }

    @Test func rangeIntegersAndFloats() throws {
        let i = try layoutRun("Range", [ints([10], shape: []), ints([4], shape: []), ints([-3], shape: [])], make: RangeOperator.init)
        #expect(i[0].intValues == [10, 7])
        let f = try layoutRun("Range", [floats([1], shape: []), floats([2], shape: []), floats([0.25], shape: [])], make: RangeOperator.init)
        #expect(f[0].floatValues == [1, 1.25, 1.5, 1.75])
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("Range", [ints([0], shape: []), ints([4], shape: []), ints([0], shape: [])], make: RangeOperator.init)
            })
    }

    @Test func constantOfShape() throws {
        let out = try layoutRun(
            "ConstantOfShape", attributes: ["value": .tensor(Tensor(vector: [Int32(7)]))], [ints([2, 2])],
            make: ConstantOfShape.init)
        #expect(out[0].dataType == .int32)
        #expect(out[0].intValues == [7, 7, 7, 7])
        let defaults = try layoutRun("ConstantOfShape", [ints([])], make: ConstantOfShape.init)
        #expect(defaults[0].shape == [])
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("ConstantOfShape", [ints([-1])], make: ConstantOfShape.init) })
    }

    @Test func oneHot() throws {
        let out = try layoutRun("OneHot", opset: 11, [ints([0, -1, 5]), floats([3], shape: []), floats([0, 1])], make: OneHot.init)
        #expect(out[0].shape == [3, 3])
        #expect(out[0].floatValues == [1, 0, 0, 0, 0, 1, 0, 0, 0])
        let axis0 = try layoutRun(
            "OneHot", opset: 11, attributes: ["axis": .int(0)], [ints([1, 0]), floats([2], shape: []), floats([0, 1])],
            make: OneHot.init)
        #expect(axis0[0].floatValues == [0, 1, 1, 0])
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("OneHot", opset: 11, [ints([0]), floats([3], shape: []), floats([0, 1, 2])], make: OneHot.init)
            })
    }

    @Test func trilu() throws {
        let upper = try layoutRun("Trilu", opset: 14, [iota([3, 3])], make: Trilu.init)
        #expect(upper[0].floatValues == [0, 1, 2, 0, 4, 5, 0, 0, 8])
        let lower = try layoutRun("Trilu", opset: 14, attributes: ["upper": .int(0)], [iota([2, 3]), ints([-1], shape: [])], make: Trilu.init)
        #expect(lower[0].floatValues == [0, 0, 0, 3, 0, 0])
        let huge = try layoutRun("Trilu", opset: 14, [iota([2, 2]), ints([Int(Int64.min)], shape: [])], make: Trilu.init)
        #expect(huge[0].floatValues == [0, 1, 2, 3])
        #expect(throwsEngineError(.invalidModel) { _ = try layoutRun("Trilu", opset: 14, [iota([3])], make: Trilu.init) })
    }

    @Test func nonZero() throws {
        let x = Tensor(uncheckedShape: [2, 2], storage: .bool([true, false, false, true]))
        let out = try layoutRun("NonZero", opset: 13, [x], make: NonZero.init)
        #expect(out[0].shape == [2, 2])
        #expect(out[0].intValues == [0, 1, 0, 1])
    }
}

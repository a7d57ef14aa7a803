import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct PadTests {
    func pad(_ mode: String, _ data: Tensor, _ pads: [Int], opset: Int = 25) throws -> Tensor {
        try layoutRun("Pad", opset: opset, attributes: ["mode": .string(mode)], [data, ints(pads)], make: Pad.init)[0]
    }

    @Test func everyModeOnOneAxis() throws {
        let data = floats([1, 2, 3])
        #expect(try pad("constant", data, [2, 1]).floatValues == [0, 0, 1, 2, 3, 0])
        #expect(try pad("edge", data, [2, 1]).floatValues == [1, 1, 1, 2, 3, 3])
        #expect(try pad("reflect", data, [2, 2]).floatValues == [3, 2, 1, 2, 3, 2, 1])
        #expect(try pad("wrap", data, [2, 1]).floatValues == [2, 3, 1, 2, 3, 1])
        #expect(try pad("constant", data, [-1, 0]).floatValues == [2, 3])
    }

    @Test func constantValueAndAxesInputs() throws {
        let out = try layoutRun("Pad", opset: 18, [iota([2, 2]), ints([1, 1]), floats([9], shape: []), ints([-1])], make: Pad.init)
        #expect(out[0].shape == [2, 4])
        #expect(out[0].floatValues == [9, 0, 1, 9, 9, 2, 3, 9])
    }

    @Test func opset2Attributes() throws {
        let out = try layoutRun("Pad", opset: 2, attributes: ["pads": .ints([0, 1, 0, 0]), "value": .float(5)], [iota([1, 2])], make: Pad.init)
        #expect(out[0].floatValues == [5, 0, 1])
    }

    @Test func wrapNeedsOpset19AndEmptyAxesCannotReflect() {
        #expect(throwsEngineError(.invalidModel) { _ = try pad("wrap", floats([1]), [1, 1], opset: 18) })
        #expect(throwsEngineError(.invalidInput) { _ = try pad("reflect", floats([]), [1, 1]) })
    }
}

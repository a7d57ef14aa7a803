import SlipwayEngine
import SlipwayTensor
import Testing

/// ScatterElements and ScatterND with every reduction.
@Suite struct ScatterTests {
    @Test func scatterElementsNoneAndReductions() throws {
        let data = floats([1, 2, 3, 4, 5], shape: [1, 5])
        let indices = ints([1, 3, 1], shape: [1, 3])
        let updates = floats([10, 20, 30], shape: [1, 3])
        func run(_ reduction: String) throws -> [Float] {
            try layoutRun(
                "ScatterElements", opset: 18, attributes: ["axis": .int(1), "reduction": .string(reduction)],
                [data, indices, updates], make: ScatterElements.init)[0].floatValues
        }
        #expect(try run("none") == [1, 30, 3, 20, 5])
        #expect(try run("add") == [1, 42, 3, 24, 5])
        #expect(try run("mul") == [1, 600, 3, 80, 5])
        #expect(try run("max") == [1, 30, 3, 20, 5])
        #expect(try run("min") == [1, 2, 3, 4, 5])
    }

    @Test func scatterElementsNegativeIndexAndErrors() throws {
        let out = try layoutRun("ScatterElements", opset: 18, [floats([0, 0, 0]), ints([-1]), floats([7])], make: ScatterElements.init)
        #expect(out[0].floatValues == [0, 0, 7])
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("ScatterElements", opset: 18, [floats([0, 0, 0]), ints([3]), floats([7])], make: ScatterElements.init)
            })
        #expect(
            throwsEngineError(.invalidModel) {
                _ = try layoutRun(
                    "ScatterElements", opset: 13, attributes: ["reduction": .string("max")],
                    [floats([0]), ints([0]), floats([1])], make: ScatterElements.init)
            })
    }

    @Test func scatterNDSlicesAndReductions() throws {
        let data = iota([2, 2])
        let indices = ints([1, 1], shape: [2, 1])
        let updates = floats([10, 20, 30, 40], shape: [2, 2])
        let none = try layoutRun("ScatterND", opset: 18, [data, indices, updates], make: ScatterND.init)
        #expect(none[0].floatValues == [0, 1, 30, 40])
        let add = try layoutRun("ScatterND", opset: 18, attributes: ["reduction": .string("add")], [data, indices, updates], make: ScatterND.init)
        #expect(add[0].floatValues == [0, 1, 42, 63])
        let ints32 = Tensor(uncheckedShape: [3], storage: .int32([1, 2, 3]))
        let mul = try layoutRun(
            "ScatterND", opset: 18, attributes: ["reduction": .string("mul")],
            [ints32, ints([2], shape: [1, 1]), Tensor(uncheckedShape: [1], storage: .int32([5]))], make: ScatterND.init)
        #expect(mul[0].intValues == [1, 2, 15])
        #expect(
            throwsEngineError(.invalidInput) {
                _ = try layoutRun("ScatterND", opset: 18, [data, indices, floats([1, 2])], make: ScatterND.init)
            })
    }
}

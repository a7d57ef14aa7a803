import SlipwayEngine
import SlipwayTensor
import Testing

/// Expand and Tile.
@Suite struct ExpandTileTests {
    @Test func expandBroadcastsBothWays() throws {
        let out = try layoutRun("Expand", opset: 13, [iota([3, 1]), ints([2, 1, 4])], make: Expand.init)
        #expect(out[0].shape == [2, 3, 4])
        #expect(out[0].floatValues.prefix(8) == [0, 0, 0, 0, 1, 1, 1, 1])
        let facts = try layoutPrepare(
            "Expand", opset: 13,
            [ValueFact(.float32, shape: [.symbol("N"), .fixed(1)]), ValueFact(constant: .tensor(ints([1, 5])))], make: Expand.init)
        #expect(facts[0].shape == [.symbol("N"), .fixed(5)])
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("Expand", opset: 13, [iota([3]), ints([4])], make: Expand.init) })
    }

    @Test func tileRepeatsEachAxis() throws {
        let out = try layoutRun("Tile", opset: 13, [iota([2, 2]), ints([2, 3])], make: Tile.init)
        #expect(out[0].shape == [4, 6])
        #expect(out[0].floatValues.prefix(6) == [0, 1, 0, 1, 0, 1])
        #expect(out[0].floatValues.suffix(6) == [2, 3, 2, 3, 2, 3])
        let strings = Tensor(uncheckedShape: [1], storage: .string(["x"]))
        #expect(try layoutRun("Tile", opset: 13, [strings, ints([3])], make: Tile.init)[0].elements(as: String.self) == ["x", "x", "x"])
        #expect(throwsEngineError(.invalidInput) { _ = try layoutRun("Tile", opset: 13, [iota([2]), ints([1, 1])], make: Tile.init) })
    }
}

import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct TransposeTests {
    @Test func defaultReversesAxes() throws {
        let out = try layoutRun("Transpose", [iota([2, 3])], make: Transpose.init)
        #expect(out[0].shape == [3, 2])
        #expect(out[0].floatValues == [0, 3, 1, 4, 2, 5])
    }

    @Test func permutationOfRank4() throws {
        let out = try layoutRun("Transpose", attributes: ["perm": .ints([0, 2, 3, 1])], [iota([1, 2, 2, 2])], make: Transpose.init)
        #expect(out[0].shape == [1, 2, 2, 2])
        #expect(out[0].floatValues == [0, 4, 1, 5, 2, 6, 3, 7])
    }

    @Test func stringsAndSymbolicShapes() throws {
        let strings = Tensor(uncheckedShape: [2, 2], storage: .string(["a", "b", "c", "d"]))
        let out = try layoutRun("Transpose", [strings], make: Transpose.init)
        #expect(out[0].elements(as: String.self) == ["a", "c", "b", "d"])
        let facts = try layoutPrepare(
            "Transpose", attributes: ["perm": .ints([1, 0])], [ValueFact(.float32, shape: [.symbol("N"), .fixed(3)])],
            make: Transpose.init)
        #expect(facts[0].shape == [.fixed(3), .symbol("N")])
    }

    @Test func rejectsBadPermutation() {
        #expect(
            throwsEngineError(.invalidModel) {
                _ = try layoutRun("Transpose", attributes: ["perm": .ints([0, 0])], [iota([2, 2])], make: Transpose.init)
            })
    }
}

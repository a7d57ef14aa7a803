import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct ComparisonTests {
    @Test func comparisonsProduceBool() throws {
        let a = Elementwise.t([1, 2, 3, .nan] as [Float])
        let b = Elementwise.t([2] as [Float], [1])
        #expect(try Elementwise.run(Equal.init, "Equal", [a, b]).elements(as: Bool.self) == [false, true, false, false])
        #expect(try Elementwise.run(Greater.init, "Greater", [a, b]).elements(as: Bool.self) == [false, false, true, false])
        #expect(try Elementwise.run(Less.init, "Less", [a, b]).elements(as: Bool.self) == [true, false, false, false])
        #expect(try Elementwise.run(GreaterOrEqual.init, "GreaterOrEqual", [a, b]).elements(as: Bool.self) == [false, true, true, false])
        #expect(try Elementwise.run(LessOrEqual.init, "LessOrEqual", [a, b]).elements(as: Bool.self) == [true, true, false, false])
    }

    @Test func equalComparesStringsAndUnsignedIntegers() throws {
        let s = try Elementwise.run(Equal.init, "Equal", opset: 19, [Elementwise.t(["a", "b"]), Elementwise.t(["b"], [1])])
        #expect(s.elements(as: Bool.self) == [false, true])
        let u = try Elementwise.run(Greater.init, "Greater", [Elementwise.t([UInt64.max, 1]), Elementwise.t([1, UInt64.max] as [UInt64])])
        #expect(u.elements(as: Bool.self) == [true, false])
    }

    @Test func orderingStringsIsRejectedAtLoad() {
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Greater.init, "Greater", [ValueFact(.string, shape: nil), ValueFact(.string, shape: nil)])
        }
    }
}

@Suite struct LogicalBitwiseTests {
    @Test func logicalOperators() throws {
        let a = Elementwise.t([true, true, false, false], [2, 2])
        let b = Elementwise.t([true, false], [2])
        #expect(try Elementwise.run(And.init, "And", [a, b]).elements(as: Bool.self) == [true, false, false, false])
        #expect(try Elementwise.run(Or.init, "Or", [a, b]).elements(as: Bool.self) == [true, true, true, false])
        #expect(try Elementwise.run(Xor.init, "Xor", [a, b]).elements(as: Bool.self) == [false, true, true, false])
        #expect(try Elementwise.run(Not.init, "Not", [a]).elements(as: Bool.self) == [false, false, true, true])
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(And.init, "And", [ValueFact(.float32, shape: nil), ValueFact(.float32, shape: nil)])
        }
    }

    @Test func bitwiseOperators() throws {
        let a = Elementwise.t([0b1100, -1] as [Int32])
        let b = Elementwise.t([0b1010, 5] as [Int32])
        #expect(try Elementwise.run(BitwiseAnd.init, "BitwiseAnd", opset: 18, [a, b]).elements(as: Int32.self) == [0b1000, 5])
        #expect(try Elementwise.run(BitwiseOr.init, "BitwiseOr", opset: 18, [a, b]).elements(as: Int32.self) == [0b1110, -1])
        #expect(try Elementwise.run(BitwiseXor.init, "BitwiseXor", opset: 18, [a, b]).elements(as: Int32.self) == [0b0110, -6])
        #expect(try Elementwise.run(BitwiseNot.init, "BitwiseNot", opset: 18, [a]).elements(as: Int32.self) == [~0b1100, 0])
    }

    @Test func bitShiftHonoursDirection() throws {
        let x = Elementwise.t([16, 4, 1] as [UInt8])
        let y = Elementwise.t([1, 2, 9] as [UInt8])
        let left = try Elementwise.run(BitShift.init, "BitShift", opset: 11, attributes: ["direction": .string("LEFT")], [x, y])
        #expect(left.elements(as: UInt8.self) == [32, 16, 0])
        let right = try Elementwise.run(BitShift.init, "BitShift", opset: 11, attributes: ["direction": .string("RIGHT")], [x, y])
        #expect(right.elements(as: UInt8.self) == [8, 1, 0])
        #expect(throws: EngineError.self) {
            try Elementwise.run(BitShift.init, "BitShift", opset: 11, attributes: ["direction": .string("UP")], [x, y])
        }
    }
}

@Suite struct VariadicTests {
    @Test func maxMinSumMeanBroadcast() throws {
        let a = Elementwise.t([1, 5, 3, .nan] as [Float], [2, 2])
        let b = Elementwise.t([2, 4] as [Float], [2])
        let c = Elementwise.t([0] as [Float], [])
        let max = Elementwise.floats(try Elementwise.run(Max.init, "Max", [a, b, c]))
        #expect(Array(max.prefix(3)) == [2, 5, 3] && max[3].isNaN)
        let min = Elementwise.floats(try Elementwise.run(Min.init, "Min", [a, b]))
        #expect(Array(min.prefix(3)) == [1, 4, 2] && min[3].isNaN)
        let ab = Elementwise.t([1, 5, 3, 7] as [Float], [2, 2])
        #expect(Elementwise.floats(try Elementwise.run(Sum.init, "Sum", [ab, b, c])) == [3, 9, 5, 11])
        #expect(Elementwise.floats(try Elementwise.run(Mean.init, "Mean", [ab, b])) == [1.5, 4.5, 2.5, 5.5])
        #expect(Elementwise.floats(try Elementwise.run(Mean.init, "Mean", [ab])) == [1, 5, 3, 7])
    }

    @Test func maxOnIntegersAndTypeMismatch() throws {
        let m = try Elementwise.run(Max.init, "Max", [Elementwise.t([1, -9] as [Int16]), Elementwise.t([-1, 3] as [Int16])])
        #expect(m.elements(as: Int16.self) == [1, 3])
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Max.init, "Max", [ValueFact(.float32, shape: nil), ValueFact(.float64, shape: nil)])
        }
        #expect(throws: EngineError.self) { try Elementwise.prepare(Sum.init, "Sum", [ValueFact(.int32, shape: nil)]) }
    }
}

@Suite struct WhereTests {
    @Test func whereBroadcastsThreeInputs() throws {
        let c = Elementwise.t([true, false], [2])
        let x = Elementwise.t([1, 2, 3, 4] as [Int64], [2, 2])
        let y = Elementwise.t([-1] as [Int64], [])
        let out = try Elementwise.run(Where.init, "Where", [c, x, y])
        #expect(out.shape == [2, 2])
        #expect(out.elements(as: Int64.self) == [1, -1, 3, -1])
        let s = try Elementwise.run(Where.init, "Where", [c, Elementwise.t(["a", "b"]), Elementwise.t(["c", "d"])])
        #expect(s.elements(as: String.self) == ["a", "d"])
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(
                Where.init, "Where", [ValueFact(.float32, shape: nil), ValueFact(.float32, shape: nil), ValueFact(.float32, shape: nil)])
        }
    }
}

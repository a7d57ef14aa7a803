import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct BinaryArithmeticTests {
    @Test func addBroadcastsLikeNumpy() throws {
        let a = Elementwise.t([1, 2, 3, 4, 5, 6] as [Float], [2, 3])
        let b = Elementwise.t([10, 20, 30] as [Float], [3])
        let out = try Elementwise.run(Add.init, "Add", [a, b])
        #expect(out.shape == [2, 3])
        #expect(Elementwise.floats(out) == [11, 22, 33, 14, 25, 36])
        let column = Elementwise.t([100, 200] as [Float], [2, 1])
        #expect(Elementwise.floats(try Elementwise.run(Add.init, "Add", [a, column])) == [101, 102, 103, 204, 205, 206])
        let scalar = Elementwise.t([1] as [Float], [])
        #expect(Elementwise.floats(try Elementwise.run(Add.init, "Add", [scalar, a])) == [2, 3, 4, 5, 6, 7])
    }

    @Test func subMulDivOnFloatsAndHalfTypes() throws {
        let a = Elementwise.t([6, -3] as [Float])
        let b = Elementwise.t([2, 4] as [Float])
        #expect(Elementwise.floats(try Elementwise.run(Sub.init, "Sub", [a, b])) == [4, -7])
        #expect(Elementwise.floats(try Elementwise.run(Mul.init, "Mul", [a, b])) == [12, -12])
        #expect(Elementwise.floats(try Elementwise.run(Div.init, "Div", [a, b])) == [3, -0.75])
        let h = try Elementwise.run(Add.init, "Add", [Elementwise.t([1.5, 2] as [Float16]), Elementwise.t([0.25, 1] as [Float16])])
        #expect(h.elements(as: Float16.self) == [1.75, 3])
        let bf = try Elementwise.run(
            Mul.init, "Mul", [Elementwise.t([BFloat16(3), BFloat16(-2)]), Elementwise.t([BFloat16(0.5), BFloat16(4)])])
        #expect(bf.elements(as: BFloat16.self)?.map(\.floatValue) == [1.5, -8])
    }

    @Test func integerArithmeticWrapsAndTruncates() throws {
        let a = Elementwise.t([7, -7, 127, -128] as [Int8])
        let b = Elementwise.t([2, 2, 1, -1] as [Int8])
        #expect(try Elementwise.run(Div.init, "Div", [a, b]).elements(as: Int8.self) == [3, -3, 127, -128])
        #expect(try Elementwise.run(Add.init, "Add", [a, b]).elements(as: Int8.self) == [9, -5, -128, 127])
        let u = try Elementwise.run(Sub.init, "Sub", [Elementwise.t([1] as [UInt8]), Elementwise.t([2] as [UInt8])])
        #expect(u.elements(as: UInt8.self) == [255])
    }

    @Test func integerDivisionByZeroIsAnInputError() throws {
        #expect(throws: EngineError.self) {
            try Elementwise.run(Div.init, "Div", [Elementwise.t([1, 2] as [Int32]), Elementwise.t([1, 0] as [Int32])])
        }
    }

    @Test func legacyBroadcastAlignsAtAxis() throws {
        let a = Elementwise.t([Float](repeating: 1, count: 12), [2, 3, 2])
        let b = Elementwise.t([10, 20, 30] as [Float], [3])
        let out = try Elementwise.run(Add.init, "Add", opset: 6, attributes: ["broadcast": .int(1), "axis": .int(1)], [a, b])
        #expect(Elementwise.floats(out) == [11, 11, 21, 21, 31, 31, 11, 11, 21, 21, 31, 31])
        #expect(throws: EngineError.self) { try Elementwise.run(Add.init, "Add", opset: 6, [a, b]) }
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Add.init, "Add", opset: 6, [ValueFact(.float32, shape: [.fixed(2)]), ValueFact(.float32, shape: [.fixed(1)])])
        }
    }

    @Test func mismatchedTypesAndShapesFailAtLoad() throws {
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Add.init, "Add", [ValueFact(.float32, shape: [.fixed(2)]), ValueFact(.int64, shape: [.fixed(2)])])
        }
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Mul.init, "Mul", [ValueFact(.float32, shape: [.fixed(2)]), ValueFact(.float32, shape: [.fixed(3)])])
        }
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Sub.init, "Sub", [ValueFact(.string, shape: nil), ValueFact(.string, shape: nil)])
        }
        let facts = try Elementwise.prepare(
            Add.init, "Add", [ValueFact(.float32, shape: [.symbol("N"), .fixed(1)]), ValueFact(.float32, shape: [.fixed(4)])])
        #expect(facts.first?.shape == [.symbol("N"), .fixed(4)])
    }
}

@Suite struct PowModPReluTests {
    @Test func powFollowsCSemantics() throws {
        let out = try Elementwise.run(Pow.init, "Pow", [Elementwise.t([-2, 0, 4, -8] as [Float]), Elementwise.t([3, 0, 0.5, 1.0 / 3] as [Float])])
        let v = Elementwise.floats(out)
        #expect(v[0] == -8 && v[1] == 1 && v[2] == 2 && v[3].isNaN)
    }

    @Test func powMixedTypesKeepTheBaseType() throws {
        let a = try Elementwise.run(Pow.init, "Pow", opset: 15, [Elementwise.t([1, 2, 3] as [Int32]), Elementwise.t([1, 2, 3] as [Float])])
        #expect(a.elements(as: Int32.self) == [1, 4, 27])
        let b = try Elementwise.run(Pow.init, "Pow", opset: 15, [Elementwise.t([2, 3] as [Float]), Elementwise.t([2, -1] as [Int64])])
        #expect(Elementwise.close(Elementwise.floats(b), [4, 1.0 / 3]))
        let u = try Elementwise.run(Pow.init, "Pow", opset: 15, [Elementwise.t([1, 2, 3] as [Float]), Elementwise.t([4, 5, 6] as [UInt64])])
        #expect(Elementwise.floats(u) == [1, 32, 729])
        let c = try Elementwise.run(Pow.init, "Pow", opset: 15, [Elementwise.t([2, -3, 5] as [Int64]), Elementwise.t([10, 3, -1] as [Int64])])
        #expect(c.elements(as: Int64.self) == [1024, -27, 0])
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Pow.init, "Pow", [ValueFact(.float32, shape: nil), ValueFact(.bool, shape: nil)])
        }
    }

    @Test func modFollowsTheFmodAttribute() throws {
        let a = Elementwise.t([-4, 7, 5, -7] as [Int32])
        let b = Elementwise.t([3, -3, 2, -2] as [Int32])
        #expect(try Elementwise.run(Mod.init, "Mod", [a, b]).elements(as: Int32.self) == [2, -2, 1, -1])
        #expect(try Elementwise.run(Mod.init, "Mod", attributes: ["fmod": .int(1)], [a, b]).elements(as: Int32.self) == [-1, 1, 1, -1])
        let f = try Elementwise.run(
            Mod.init, "Mod", attributes: ["fmod": .int(1)], [Elementwise.t([-4.5, 7.5] as [Float]), Elementwise.t([2, -2] as [Float])])
        #expect(Elementwise.floats(f) == [-0.5, 1.5])
        let p = try Elementwise.run(Mod.init, "Mod", opset: 28, [Elementwise.t([-4.5, 7.5] as [Float]), Elementwise.t([2, -2] as [Float])])
        #expect(Elementwise.floats(p) == [1.5, -0.5])
        #expect(throws: EngineError.self) { try Elementwise.run(Mod.init, "Mod", attributes: ["fmod": .int(2)], [a, b]) }
        #expect(throws: EngineError.self) { try Elementwise.run(Mod.init, "Mod", [a, Elementwise.t([0] as [Int32])]) }
    }

    @Test func preluBroadcastsTheSlope() throws {
        let x = Elementwise.t([-1, 2, -3, 4, -5, 6] as [Float], [2, 3])
        let slope = Elementwise.t([0.1, 0.2, 0.3] as [Float], [3])
        #expect(Elementwise.close(Elementwise.floats(try Elementwise.run(PRelu.init, "PRelu", [x, slope])), [-0.1, 2, -0.9, 4, -1, 6]))
        #expect(throws: EngineError.self) {
            try Elementwise.run(PRelu.init, "PRelu", [slope, Elementwise.t([1, 1, 1, 1, 1, 1] as [Float], [2, 3])])
        }
    }
}

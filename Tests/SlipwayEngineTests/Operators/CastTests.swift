import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct CastTests {
    static func cast(_ t: Tensor, to code: Int, opset: Int = 25) throws -> Tensor {
        try Elementwise.run(Cast.init, "Cast", opset: opset, attributes: ["to": .int(code)], [t])
    }

    @Test func numericConversions() throws {
        let f = Elementwise.t([1.9, -1.9, 300, .nan] as [Float])
        #expect(try Self.cast(f, to: 6).elements(as: Int32.self) == [1, -1, 300, 0])
        #expect(try Self.cast(f, to: 2).elements(as: UInt8.self) == [1, 0, 255, 0])
        #expect(try Self.cast(f, to: 9).elements(as: Bool.self) == [true, true, true, true])
        let i = Elementwise.t([300, -1] as [Int32])
        #expect(try Self.cast(i, to: 2).elements(as: UInt8.self) == [44, 255])
        #expect(try Self.cast(i, to: 11).elements(as: Double.self) == [300, -1])
        let b = Elementwise.t([true, false])
        #expect(try Self.cast(b, to: 1).elements(as: Float.self) == [1, 0])
        let bf = try Self.cast(Elementwise.t([1.5, 3] as [Float]), to: 16)
        #expect(bf.elements(as: BFloat16.self)?.map(\.floatValue) == [1.5, 3])
        let h = try Self.cast(Elementwise.t([0.1] as [Double]), to: 10)
        #expect(h.elements(as: Float16.self) == [Float16(0.1 as Double)])
    }

    @Test func stringsBothWays() throws {
        let s = Elementwise.t(["0.47892547", "NaN", "INF", "+INF", "-INF", " 2 "])
        let f = try Self.cast(s, to: 1).elements(as: Float.self) ?? []
        #expect(f[0] == 0.47892547 && f[1].isNaN && f[2] == .infinity && f[3] == .infinity && f[4] == -.infinity && f[5] == 2)
        let back = try Self.cast(Elementwise.t([0.47892547, 1, .nan, -.infinity, 1e-5] as [Float]), to: 8)
        #expect(back.elements(as: String.self) == ["0.47892547", "1.0", "NaN", "-INF", "1e-05"])
        #expect(try Self.cast(Elementwise.t(["-7", "12.9"]), to: 7).elements(as: Int64.self) == [-7, 12])
        #expect(try Self.cast(Elementwise.t([-7] as [Int8]), to: 8).elements(as: String.self) == ["-7"])
        #expect(throws: EngineError.self) { try Self.cast(Elementwise.t(["seven"]), to: 1) }
    }

    @Test func opsetOneNamesTheTypeAndUnsupportedTypesFail() throws {
        let out = try Elementwise.run(Cast.init, "Cast", opset: 1, attributes: ["to": .string("DOUBLE")], [Elementwise.t([1.5] as [Float])])
        #expect(out.elements(as: Double.self) == [1.5])
        #expect(throws: EngineError.self) { try Cast(OperatorConfigurationForElementwise.make("Cast", ["to": .int(14)])) }  // complex64
        #expect(throws: EngineError.self) { try Cast(OperatorConfigurationForElementwise.make("Cast", [:])) }
    }

    static func codes(_ t: Tensor) -> [UInt8]? {
        if case .lowPrecision(let s) = t.storage { return s.codes }
        return nil
    }

    @Test func float8SaturateAttribute() throws {
        let x = Elementwise.t([1000, -.infinity, .nan, 1.0625] as [Float])
        let saturated = try Self.cast(x, to: 17)
        #expect(saturated.dataType == .float8e4m3fn)
        #expect(Self.codes(saturated)?.prefix(2) == [0x7E, 0xFE])
        #expect(Self.codes(saturated)?.last == 0x38)
        let open = try Elementwise.run(
            Cast.init, "Cast", opset: 25, attributes: ["to": .int(19), "saturate": .int(0)], [Elementwise.t([1e6, -.infinity, .nan] as [Float])])
        #expect(open.floats()?.prefix(2) == [.infinity, -.infinity])
        #expect(open.floats()?[2].isNaN == true)
        #expect(try Self.cast(saturated, to: 1).floats()?.prefix(2) == [448, -448])
    }

    @Test func lowPrecisionIntegersAndRoundMode() throws {
        let x = Elementwise.t([-9, 8, 2.7, -2.7] as [Float])
        let int4 = try Self.cast(x, to: 22)
        #expect(Self.codes(int4) == [7, 8, 2, 0xE])
        #expect(try Self.cast(int4, to: 3).elements(as: Int8.self) == [7, -8, 2, -2])
        #expect(try Self.cast(int4, to: 1).elements(as: Float.self) == [7, -8, 2, -2])
        let three = Elementwise.t([3] as [Float])
        for (mode, code) in [("up", 129), ("down", 128), ("nearest", 129)] {
            let e8 = try Elementwise.run(Cast.init, "Cast", opset: 25, attributes: ["to": .int(24), "round_mode": .string(mode)], [three])
            #expect(Self.codes(e8) == [UInt8(code)], "\(mode)")
        }
        #expect(throws: EngineError.self) {
            try Cast(OperatorConfigurationForElementwise.make("Cast", ["to": .int(24), "round_mode": .string("sideways")]))
        }
        let strings = try Self.cast(Elementwise.t(["1.5", "-INF"]), to: 17)
        #expect(Self.codes(strings) == [0x3C, 0xFE])
        #expect(try Self.cast(strings, to: 8).elements(as: String.self) == ["1.5", "-448.0"])
    }

    @Test func otherOpsRejectLowPrecisionWithoutCrashing() throws {
        let e4 = try Self.cast(Elementwise.t([1, 2] as [Float]), to: 17)
        #expect(throws: (any Error).self) { try Elementwise.run(Add.init, "Add", [e4, e4]) }
    }

    @Test func castLikeTakesTheSecondInputsType() throws {
        let out = try Elementwise.run(CastLike.init, "CastLike", opset: 15, [Elementwise.t([2.5] as [Float]), Elementwise.t([0] as [Int64])])
        #expect(out.elements(as: Int64.self) == [2])
    }
}

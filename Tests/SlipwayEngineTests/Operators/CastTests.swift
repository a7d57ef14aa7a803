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
        #expect(throws: EngineError.self) { try Cast(OperatorConfigurationForElementwise.make("Cast", ["to": .int(17)])) }
        #expect(throws: EngineError.self) { try Cast(OperatorConfigurationForElementwise.make("Cast", [:])) }
    }

    @Test func castLikeTakesTheSecondInputsType() throws {
        let out = try Elementwise.run(CastLike.init, "CastLike", opset: 15, [Elementwise.t([2.5] as [Float]), Elementwise.t([0] as [Int64])])
        #expect(out.elements(as: Int64.self) == [2])
    }
}

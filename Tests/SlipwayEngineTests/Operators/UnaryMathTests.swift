import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct UnaryMathTests {
    typealias Make = @Sendable (OperatorConfiguration) throws -> any Operator

    static let cases: [(String, Make, [Float], [Float])] = [
        ("Abs", Abs.init, [-1.5, 2], [1.5, 2]),
        ("Neg", Neg.init, [-1.5, 2], [1.5, -2]),
        ("Ceil", Ceil.init, [-1.5, 1.2], [-1, 2]),
        ("Floor", Floor.init, [-1.5, 1.2], [-2, 1]),
        ("Round", Round.init, [0.5, 1.5, 2.5, -2.5, 2.6], [0, 2, 2, -2, 3]),
        ("Sqrt", Sqrt.init, [4, 2], [2, 1.4142135]),
        ("Exp", Exp.init, [0, 1], [1, 2.7182817]),
        ("Log", Log.init, [1, 2.7182817], [0, 1]),
        ("Reciprocal", Reciprocal.init, [4, -0.5], [0.25, -2]),
        ("Sign", Sign.init, [-3, 0, 2], [-1, 0, 1]),
        ("Erf", Erf.init, [0, 1], [0, 0.8427008]),
        ("Sin", Sin.init, [0], [0]),
        ("Cos", Cos.init, [0], [1]),
        ("Tan", Tan.init, [0], [0]),
        ("Asin", Asin.init, [1], [1.5707964]),
        ("Acos", Acos.init, [1], [0]),
        ("Atan", Atan.init, [1], [0.7853982]),
        ("Sinh", Sinh.init, [0], [0]),
        ("Cosh", Cosh.init, [0], [1]),
        ("Asinh", Asinh.init, [0], [0]),
        ("Acosh", Acosh.init, [1], [0]),
        ("Atanh", Atanh.init, [0], [0]),
        ("Softsign", Softsign.init, [1, -3], [0.5, -0.75]),
    ]

    @Test func floatResults() throws {
        for (name, make, input, expected) in Self.cases {
            let out = try Elementwise.run(make, name, opset: 13, [Elementwise.t(input, [input.count])])
            #expect(Elementwise.close(Elementwise.floats(out), expected), "\(name)")
        }
    }

    @Test func doubleAndHalfTypes() throws {
        let d = try Elementwise.run(Exp.init, "Exp", [Elementwise.t([0, 1] as [Double])])
        let e = d.elements(as: Double.self) ?? []
        #expect(e.count == 2 && e[0] == 1 && abs(e[1] - 2.718281828459045) < 1e-15)
        let h = try Elementwise.run(Sqrt.init, "Sqrt", [Elementwise.t([4, 9] as [Float16])])
        #expect(h.elements(as: Float16.self) == [2, 3])
    }

    @Test func integerAbsNegSign() throws {
        #expect(try Elementwise.run(Abs.init, "Abs", [Elementwise.t([-3, 4, -128] as [Int8])]).elements(as: Int8.self) == [3, 4, -128])
        #expect(try Elementwise.run(Neg.init, "Neg", [Elementwise.t([-3, 4] as [Int64])]).elements(as: Int64.self) == [3, -4])
        #expect(try Elementwise.run(Sign.init, "Sign", [Elementwise.t([-3, 0, 4] as [Int32])]).elements(as: Int32.self) == [-1, 0, 1])
        #expect(try Elementwise.run(Abs.init, "Abs", [Elementwise.t([3] as [UInt16])]).elements(as: UInt16.self) == [3])
    }

    @Test func wrongTypesFailAtLoad() {
        #expect(throws: EngineError.self) { try Elementwise.prepare(Sqrt.init, "Sqrt", [ValueFact(.int32, shape: nil)]) }
        #expect(throws: EngineError.self) { try Elementwise.prepare(Neg.init, "Neg", [ValueFact(.uint8, shape: nil)]) }
        #expect(throws: EngineError.self) { try Elementwise.prepare(Abs.init, "Abs", [ValueFact(.string, shape: nil)]) }
    }

    @Test func isNaNAndIsInf() throws {
        let x = Elementwise.t([1, .nan, .infinity, -.infinity] as [Float])
        #expect(try Elementwise.run(IsNaN.init, "IsNaN", [x]).elements(as: Bool.self) == [false, true, false, false])
        #expect(try Elementwise.run(IsInf.init, "IsInf", [x]).elements(as: Bool.self) == [false, false, true, true])
        let positive = try Elementwise.run(IsInf.init, "IsInf", attributes: ["detect_negative": .int(0)], [x])
        #expect(positive.elements(as: Bool.self) == [false, false, true, false])
        let negative = try Elementwise.run(IsInf.init, "IsInf", attributes: ["detect_positive": .int(0)], [x])
        #expect(negative.elements(as: Bool.self) == [false, false, false, true])
        #expect(throws: EngineError.self) { try Elementwise.prepare(IsNaN.init, "IsNaN", [ValueFact(.int32, shape: nil)]) }
    }
}

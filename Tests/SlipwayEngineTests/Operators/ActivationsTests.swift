import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct ActivationsTests {
    typealias Make = @Sendable (OperatorConfiguration) throws -> any Operator

    static let x: [Float] = [-2, -0.5, 0, 0.5, 2]

    static let cases: [(String, Make, [String: AttributeValue], [Float])] = [
        ("Relu", Relu.init, [:], [0, 0, 0, 0.5, 2]),
        ("LeakyRelu", LeakyRelu.init, ["alpha": .float(0.1)], [-0.2, -0.05, 0, 0.5, 2]),
        ("Elu", Elu.init, [:], [-0.86466473, -0.39346933, 0, 0.5, 2]),
        ("Selu", Selu.init, [:], [-1.5201665, -0.6917582, 0, 0.5253505, 2.101402]),
        ("Celu", Celu.init, ["alpha": .float(2)], [-1.2642411, -0.44239843, 0, 0.5, 2]),
        ("Sigmoid", Sigmoid.init, [:], [0.11920292, 0.37754068, 0.5, 0.62245935, 0.8807971]),
        ("HardSigmoid", HardSigmoid.init, [:], [0.1, 0.4, 0.5, 0.6, 0.9]),
        ("HardSwish", HardSwish.init, [:], [-0.33333334, -0.20833333, 0, 0.29166666, 1.6666666]),
        ("Softplus", Softplus.init, [:], [0.12692805, 0.47407699, 0.6931472, 0.974077, 2.126928]),
        ("Tanh", Tanh.init, [:], [-0.9640276, -0.46211717, 0, 0.46211717, 0.9640276]),
        ("Mish", Mish.init, [:], [-0.25250146, -0.22074376, 0, 0.37524524, 1.943959]),
        ("Gelu", Gelu.init, [:], [-0.04550027, -0.15426877, 0, 0.34573123, 1.9544997]),
        ("Gelu", Gelu.init, ["approximate": .string("tanh")], [-0.04540231, -0.15428599, 0, 0.345714, 1.9545977]),
        ("ThresholdedRelu", ThresholdedRelu.init, ["alpha": .float(0.4)], [0, 0, 0, 0.5, 2]),
        ("Shrink", Shrink.init, ["lambd": .float(1), "bias": .float(0.5)], [-1.5, 0, 0, 0, 1.5]),
    ]

    @Test func floatResults() throws {
        for (name, make, attributes, expected) in Self.cases {
            let out = try Elementwise.run(make, name, opset: 22, attributes: attributes, [Elementwise.t(Self.x)])
            #expect(Elementwise.close(Elementwise.floats(out), expected, tolerance: 1e-5), "\(name) \(attributes)")
        }
    }

    @Test func sigmoidAndSoftplusDoNotOverflow() throws {
        let big: [Float] = [-1000, 1000]
        #expect(Elementwise.floats(try Elementwise.run(Sigmoid.init, "Sigmoid", [Elementwise.t(big)])) == [0, 1])
        #expect(Elementwise.floats(try Elementwise.run(Softplus.init, "Softplus", [Elementwise.t(big)])) == [0, 1000])
    }

    @Test func integerReluAndShrink() throws {
        #expect(try Elementwise.run(Relu.init, "Relu", opset: 14, [Elementwise.t([-3, 4] as [Int32])]).elements(as: Int32.self) == [0, 4])
        let s = try Elementwise.run(
            Shrink.init, "Shrink", attributes: ["lambd": .float(1.5), "bias": .float(1)], [Elementwise.t([-3, 1, 4] as [Int8])])
        #expect(s.elements(as: Int8.self) == [-2, 0, 3])
    }

    @Test func badAttributesAndTypes() {
        #expect(throws: EngineError.self) { try Gelu(OperatorConfigurationForElementwise.make("Gelu", ["approximate": .string("fast")])) }
        #expect(throws: EngineError.self) { try Elementwise.prepare(Sigmoid.init, "Sigmoid", [ValueFact(.int32, shape: nil)]) }
        #expect(throws: EngineError.self) { try Elementwise.prepare(Relu.init, "Relu", [ValueFact(.uint8, shape: nil)]) }
    }

    @Test func clipWithAttributesAndInputs() throws {
        let x = Elementwise.t([-2, 0.5, 3, .nan] as [Float])
        let old = Elementwise.floats(try Elementwise.run(Clip.init, "Clip", opset: 6, attributes: ["min": .float(-1), "max": .float(1)], [x]))
        #expect(Array(old.prefix(3)) == [-1, 0.5, 1] && old[3].isNaN)
        let lo = Elementwise.t([0] as [Float], [])
        let hi = Elementwise.t([2] as [Float], [])
        #expect(Array(Elementwise.floats(try Elementwise.run(Clip.init, "Clip", opset: 13, [x, lo, hi])).prefix(3)) == [0, 0.5, 2])
        #expect(Array(Elementwise.floats(try Elementwise.run(Clip.init, "Clip", opset: 13, [x, nil, hi])).prefix(3)) == [-2, 0.5, 2])
        #expect(Array(Elementwise.floats(try Elementwise.run(Clip.init, "Clip", opset: 13, [x, hi, lo])).prefix(3)) == [0, 0, 0])
        let ints = try Elementwise.run(
            Clip.init, "Clip", opset: 13, [Elementwise.t([-100, 5, 100] as [Int8]), nil, Elementwise.t([10] as [Int8], [])])
        #expect(ints.elements(as: Int8.self) == [-100, 5, 10])
        #expect(throws: EngineError.self) { try Elementwise.run(Clip.init, "Clip", opset: 13, [x, Elementwise.t([0, 1] as [Float])]) }
        #expect(throws: EngineError.self) {
            try Elementwise.prepare(Clip.init, "Clip", opset: 13, [ValueFact(.float32, shape: nil), ValueFact(.float64, shape: nil)])
        }
    }
}

enum OperatorConfigurationForElementwise {
    static func make(_ op: String, _ attributes: [String: AttributeValue]) -> OperatorConfiguration {
        OperatorConfiguration(opType: op, opsetVersion: 22, attributes: Attributes(attributes), inputCount: 1, outputCount: 1)
    }
}

import Foundation
import SlipwayEngine
import SlipwayONNX
import SlipwayTensor
import SlipwayTestSupport
import Testing

@Suite struct ModelImporterTests {
    func run(_ url: URL, _ feeds: [String: Value]) throws -> [String: Value] {
        try ModelImporter().load(contentsOf: url).plan().run(feeds)
    }

    @Test func loadsExternalTensorData() throws {
        var b = ONNXModelBuilder()
        b.output("w", .float32, [2, 2])
        b.externalInitializer("weights", try Tensor(shape: [2, 2], elements: [Float(1), 2, 3, 4]), file: "weights.bin", offset: 16)
        b.node("Identity", inputs: ["weights"], outputs: ["w"])
        let outputs = try run(try b.write(), [:])
        #expect(outputs["w"]?.tensor?.elements(as: Float.self) == [1, 2, 3, 4])
    }

    @Test func missingOrEscapingExternalDataIsAnInvalidModel() throws {
        var missing = ONNXModelBuilder()
        missing.output("w", .float32, [1])
        missing.externalInitializer("weights", Tensor(vector: [Float(1)]), file: "a.bin", location: "gone.bin")
        missing.node("Identity", inputs: ["weights"], outputs: ["w"])
        #expect(throws: EngineError.self) { try ModelImporter().load(contentsOf: try missing.write()) }

        var escaping = ONNXModelBuilder()
        escaping.output("w", .float32, [1])
        escaping.externalInitializer("weights", Tensor(vector: [Float(1)]), file: "a.bin", location: "../../etc/passwd")
        escaping.node("Identity", inputs: ["weights"], outputs: ["w"])
        do {
            _ = try ModelImporter().load(contentsOf: try escaping.write())
            Issue.record("expected an error")
        } catch let error as EngineError {
            #expect(error.message.contains("relative path inside the model's folder"), "\(error.message)")
        }
    }

    @Test func inlinesModelLocalFunctions() throws {
        var body = ONNXModelBuilder()
        body.node("Identity", inputs: ["a"], outputs: ["tmp"])
        body.node("Identity", inputs: ["tmp"], outputs: ["b"])
        var b = ONNXModelBuilder(opsets: ["": 17, "local": 1])
        b.function("Twice", domain: "local", inputs: ["a"], outputs: ["b"], body: body)
        b.input("x", .int64, [2])
        b.output("y", .int64, [2])
        b.node("Twice", domain: "local", inputs: ["x"], outputs: ["y"])
        let outputs = try run(try b.write(), ["x": .tensor(Tensor(vector: [Int64(5), 6]))])
        #expect(outputs["y"]?.tensor?.elements(as: Int64.self) == [5, 6])
        let model = try ModelImporter().load(contentsOf: try b.write())
        #expect(model.metadata.operatorHistogram["local:Twice"] == 1)
    }

    @Test func aMissingDomainImportIsReported() throws {
        var b = ONNXModelBuilder(opsets: ["": 17])
        b.input("x", .float32, [1])
        b.output("y", .float32, [1])
        b.node("Normalizer", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"], name: "norm")
        do {
            _ = try ModelImporter().load(contentsOf: try b.write())
            Issue.record("expected an error")
        } catch let error as EngineError {
            #expect(error.code == .unsupportedOperator)
            #expect(error.message.contains("imports no opset for domain 'ai.onnx.ml'"), "\(error.message)")
        }
    }

    @Test func constantsFoldAtLoad() throws {
        var b = ONNXModelBuilder()
        b.output("y", .int64, [3])
        b.node("Constant", inputs: [], outputs: ["c"], attributes: ["value_ints": .ints([1, 2, 3])])
        b.node("Identity", inputs: ["c"], outputs: ["y"])
        let plan = try ModelImporter().load(contentsOf: try b.write()).plan()
        #expect(plan.stepCount == 0)
        #expect(try plan.run([:])["y"]?.tensor?.elements(as: Int64.self) == [1, 2, 3])
    }

    @Test func tensorProtoRoundTripsEveryDatatype() throws {
        let tensors: [Tensor] = [
            Tensor(vector: [Float(1.5), -2]), Tensor(vector: [Double(0.1)]), Tensor(vector: [Float16(0.5)]),
            Tensor(vector: [BFloat16(Float(2))]), Tensor(vector: [Int8(-3)]), Tensor(vector: [Int16(-300)]),
            Tensor(vector: [Int32(-70000)]), Tensor(vector: [Int64.min]), Tensor(vector: [UInt8(200)]),
            Tensor(vector: [UInt16(60000)]), Tensor(vector: [UInt32.max]), Tensor(vector: [UInt64.max]),
            Tensor(vector: [true, false]), Tensor(vector: ["a", "é"]),
            try Tensor(shape: [3], storage: .lowPrecision(LowPrecisionStorage(.int4, codes: [1, 0xF, 8]))),
            try Tensor(shape: [5], storage: .lowPrecision(LowPrecisionStorage(.uint2, codes: [1, 2, 3, 0, 3]))),
            try Tensor(shape: [2], storage: .lowPrecision(LowPrecisionStorage(.float8e5m2, codes: [0x3C, 0xFC]))),
        ]
        for t in tensors {
            let back = try Tensor(proto: t.proto(name: "t"))
            #expect(ValueComparison.difference(back, t, rtol: 0, atol: 0) == nil, "\(t)")
        }
    }

    @Test func subByteTypesPackLowBitsFirst() throws {
        let int4 = try Tensor(shape: [3], storage: .lowPrecision(LowPrecisionStorage(.int4, codes: [1, 0xF, 8])))
        #expect([UInt8](int4.proto().rawData) == [0xF1, 0x08])
        let uint2 = try Tensor(shape: [5], storage: .lowPrecision(LowPrecisionStorage(.uint2, codes: [1, 2, 3, 0, 3])))
        #expect([UInt8](uint2.proto().rawData) == [0b00_11_10_01, 0b11])
        var typed = Onnx_TensorProto()
        typed.dataType = 21  // uint4 in int32_data, one packed byte per value
        typed.dims = [3]
        typed.int32Data = [0x21, 0x03]
        let decoded = try Tensor(proto: typed)
        #expect(decoded.doubles() == [1, 2, 3])
        var short = int4.proto()
        short.rawData = Data([0xF1])
        #expect(throws: EngineError.self) { try Tensor(proto: short) }
    }
}

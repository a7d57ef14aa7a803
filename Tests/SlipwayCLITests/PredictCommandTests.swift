import Foundation
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// End-to-end tests of `slipway predict` and `slipway inspect` on the built binary.
@Suite struct PredictCommandTests {
    /// y = Identity(x), x: FP32 [batch, 3].
    static func identityModel() throws -> URL {
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["batch", 3])
        b.output("y", .float32, ["batch", 3])
        b.node("Identity", inputs: ["x"], outputs: ["y"], name: "copy")
        return try b.write(name: "identity")
    }

    static func requestFile(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-request-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url.path
    }

    @Test func predictPrintsAV2Response() throws {
        let model = try Self.identityModel()
        let request = try Self.requestFile(
            #"{"id":"r1","inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[[1,2,3],[4.5,5,6]]}]}"#)
        let result = try CLIRunner.run(["predict", model.path, "--input", request])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["model_name"] as? String == "identity")
        #expect(json?["id"] as? String == "r1")
        let outputs = json?["outputs"] as? [[String: Any]]
        #expect(outputs?.first?["name"] as? String == "y")
        #expect(outputs?.first?["datatype"] as? String == "FP32")
        #expect(outputs?.first?["shape"] as? [Int] == [2, 3])
        #expect(outputs?.first?["data"] as? [Double] == [1, 2, 3, 4.5, 5, 6])
    }

    @Test func predictWritesToAnOutputFile() throws {
        let model = try Self.identityModel()
        let request = try Self.requestFile(#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}"#)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-out-\(UUID().uuidString).json")
        let result = try CLIRunner.run(["predict", model.path, "--input", request, "--output", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.contains(#""data":[1.0,2.0,3.0]"#))
    }

    @Test(arguments: [
        (#"{"inputs":[{"name":"nope","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}"#, "unknown input 'nope'"),
        (#"{"inputs":[]}"#, "missing input 'x'"),
        (#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"INT64","data":[1,2,3]}]}"#, "datatype INT64"),
        (#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2]}]}"#, "holds 3 elements but 'data' has 2"),
        (#"{"inputs":[{"name":"x","shape":[1,-3],"datatype":"FP32","data":[1,2,3]}]}"#, "negative"),
        (#"{"inputs":[{"name":"x","shape":[9223372036854775807,3],"datatype":"FP32","data":[1]}]}"#, "too large"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#, "dimension 1 must be 3"),
        (#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP99","data":[1,2,3]}]}"#, "unknown datatype 'FP99'"),
        (#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,"a",3]}]}"#, "data[1]"),
        (#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[[1,2,3],[4,5]]}]}"#, "ragged"),
        (#"{"inputs": [oops"#, "not valid JSON"),
    ])
    func badRequestsExitThreeWithOneLine(body: String, message: String) throws {
        let model = try Self.identityModel()
        let result = try CLIRunner.run(["predict", model.path, "--input", try Self.requestFile(body)])
        #expect(result.status == 3)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test func missingFilesExitFour() throws {
        let result = try CLIRunner.run(["predict", "/nonexistent/model.onnx", "--input", "/nonexistent/request.json"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("/nonexistent/model.onnx"))
    }

    @Test func randomBytesAndTruncatedModelsExitTwo() throws {
        let dir = FileManager.default.temporaryDirectory
        let random = dir.appendingPathComponent("slipway-random-\(UUID().uuidString).onnx")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: random)
        let request = try Self.requestFile(#"{"inputs":[]}"#)
        let r1 = try CLIRunner.run(["predict", random.path, "--input", request])
        #expect(r1.status == 2)
        #expect(r1.stderr.contains("not a valid ONNX model"), "\(r1.stderr)")

        let full = try Data(contentsOf: try Self.identityModel())
        let truncated = dir.appendingPathComponent("slipway-truncated-\(UUID().uuidString).onnx")
        try full.prefix(full.count / 2).write(to: truncated)
        let r2 = try CLIRunner.run(["inspect", truncated.path])
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("not a valid ONNX model"), "\(r2.stderr)")
    }

    @Test func unsupportedOperatorsAreAllNamed() throws {
        var b = ONNXModelBuilder(opsets: ["": 17, "com.example": 1])
        b.input("x", .float32, [1])
        b.output("z", .float32, [1])
        b.node("FancyOp", domain: "com.example", inputs: ["x"], outputs: ["y"], name: "first")
        b.node("NotAnOnnxOp", inputs: ["y"], outputs: ["z"], name: "second")
        let result = try CLIRunner.run(["inspect", try b.write().path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'first' (com.example:FancyOp)"), "\(result.stderr)")
        #expect(result.stderr.contains("'second' (NotAnOnnxOp)"), "\(result.stderr)")
    }

    @Test func unsupportedOpsetIsRejected() throws {
        var b = ONNXModelBuilder(opsets: ["": 99])
        b.input("x", .float32, [1])
        b.output("y", .float32, [1])
        b.node("Identity", inputs: ["x"], outputs: ["y"], name: "copy")
        let result = try CLIRunner.run(["inspect", try b.write().path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'copy' (Identity) at opset 99"), "\(result.stderr)")
    }

    @Test func cyclesAndDanglingEdgesAreInvalidModels() throws {
        var cycle = ONNXModelBuilder()
        cycle.input("x", .float32, [1])
        cycle.output("b", .float32, [1])
        cycle.node("Identity", inputs: ["b"], outputs: ["a"], name: "n1")
        cycle.node("Identity", inputs: ["a"], outputs: ["b"], name: "n2")
        let r1 = try CLIRunner.run(["inspect", try cycle.write().path])
        #expect(r1.status == 2)
        #expect(r1.stderr.contains("cycle"), "\(r1.stderr)")

        var dangling = ONNXModelBuilder()
        dangling.input("x", .float32, [1])
        dangling.output("y", .float32, [1])
        dangling.node("Identity", inputs: ["ghost"], outputs: ["y"], name: "reader")
        let r2 = try CLIRunner.run(["inspect", try dangling.write().path])
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("'ghost'"), "\(r2.stderr)")
        #expect(r2.stderr.contains("dangling"), "\(r2.stderr)")
    }

    @Test func inspectPrintsTheSignature() throws {
        let model = try Self.identityModel()
        let result = try CLIRunner.run(["inspect", model.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let inputs = json?["inputs"] as? [[String: Any]]
        #expect(inputs?.first?["name"] as? String == "x")
        #expect(inputs?.first?["datatype"] as? String == "FP32")
        #expect(inputs?.first?["shape"] as? [Int] == [-1, 3])
        #expect((inputs?.first?["dims"] as? [Any])?.first as? String == "batch")
        #expect((json?["operators"] as? [String: Int])?["Identity"] == 1)
        #expect((json?["opsets"] as? [String: Int])?["ai.onnx"] == 17)
        #expect(json?["producer"] as? String == "slipway-tests")
        #expect((json?["file_size"] as? Int ?? 0) > 0)

        let text = try CLIRunner.run(["inspect", model.path])
        #expect(text.stdout.contains("x  FP32  [batch, 3]"), "\(text.stdout)")
    }
}

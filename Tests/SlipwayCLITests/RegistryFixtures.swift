import Foundation
import SlipwayTensor
import SlipwayTestSupport

/// Models and files for the registry's end-to-end tests, built in code.
enum RegistryFixtures {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-registry-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// y = Identity(x), x: FP32 [N, 4]; with `weights > 0`, also w = Identity(W) for an FP32 initializer whose
    /// values depend on `seed`, so each seed gives distinct bytes.
    static func model(in dir: URL, seed: Int = 0, weights: Int = 8) throws -> URL {
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["N", 4])
        b.output("y", .float32, ["N", 4])
        b.node("Identity", inputs: ["x"], outputs: ["y"], name: "copy_x")
        if weights > 0 {
            var values = [Float](repeating: 0, count: weights)
            for i in values.indices { values[i] = Float(seed) + Float(i % 1000) / 1000 }
            b.initializer("W", try Tensor(shape: [weights], elements: values))
            b.node("Identity", inputs: ["W"], outputs: ["w"], name: "copy_w")
            b.output("w", .float32, [.fixed(weights)])
        }
        let url = dir.appendingPathComponent("model-\(seed).onnx")
        try b.data().write(to: url)
        return url
    }

    static func file(_ dir: URL, _ name: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }
}

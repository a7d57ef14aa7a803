import Foundation
import SlipwayTestSupport
import Testing

/// The README's first example: the demo iris model shipped in examples/ gives onnxruntime's answer.
@Suite struct ExampleModelTests {
    @Test func demoModelMatchesOnnxRuntime() throws {
        let root = SharedFixtures.packageRoot.appendingPathComponent("examples/iris")
        let result = try CLIRunner.run([
            "predict", root.appendingPathComponent("model.onnx").path, "--input", root.appendingPathComponent("request.json").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["id"] as? String == "demo-1")
        let outputs = (json?["outputs"] as? [[String: Any]]) ?? []
        let label = outputs.first { $0["name"] as? String == "label" }
        let probabilities = outputs.first { $0["name"] as? String == "probabilities" }
        #expect(label?["data"] as? [Int] == [1, 1])
        #expect(probabilities?["shape"] as? [Int] == [2, 3])
        // onnxruntime 1.32.0 on the same request (printed by examples/train_iris.py).
        let expected = [0.15524632, 0.8370165, 0.00773714, 0.025614683, 0.90425164, 0.070133716]
        let actual = probabilities?["data"] as? [Double] ?? []
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) <= 1e-5 + 1e-4 * abs(e)) }
    }
}

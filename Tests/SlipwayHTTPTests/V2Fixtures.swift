import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayRuntime
import SlipwayTensor
import SlipwayTestSupport

/// A registry in a temporary directory with the models the HTTP tests serve:
/// - `iris` 1: the example classifier (`examples/iris/model.onnx`), X FP32 [N, 4] → label INT64 [N], probabilities FP32 [N, 3];
/// - `echo` 1 and 2: y = Identity(x), x FP32 [N, 4], alias `production` → 1;
/// - `echo2` 1 and 2: the same, no alias (so the default is the newest, 2).
enum V2Fixtures {
    static let irisModel = SharedFixtures.packageRoot.appendingPathComponent("examples/iris/model.onnx")
    static let irisRequest = #"{"id":"req-7","inputs":[{"name":"X","shape":[2,4],"datatype":"FP32","data":[[5.1,2.5,3.0,1.1],[6.1,2.8,4.0,1.3]]}]}"#
    static let echoRequest = #"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#

    static func registry() throws -> ModelRegistryService {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let service = try ModelRegistryService.open(dataDirectory: dir.appendingPathComponent("data"))
        _ = try service.register(.init(name: "iris", model: irisModel, actor: "test"))
        for name in ["echo", "echo2"] {
            for seed in [1, 2] {
                _ = try service.register(.init(name: name, model: try echoModel(in: dir, seed: seed + (name == "echo2" ? 10 : 0)), actor: "test"))
            }
        }
        _ = try service.setAlias("production", model: "echo", version: 1, actor: "test")
        return service
    }

    /// y = Identity(x) plus a constant output `w` whose bytes depend on `seed`, so each version differs.
    static func echoModel(in dir: URL, seed: Int) throws -> URL {
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["N", 4])
        b.output("y", .float32, ["N", 4])
        b.node("Identity", inputs: ["x"], outputs: ["y"], name: "copy_x")
        b.initializer("W", try Tensor(shape: [2], elements: [Float(seed), 0.5]))
        b.node("Identity", inputs: ["W"], outputs: ["w"], name: "copy_w")
        b.output("w", .float32, [.fixed(2)])
        let url = dir.appendingPathComponent("echo-\(seed).onnx")
        try b.data().write(to: url)
        return url
    }

    static func app(
        _ configuration: ServerConfiguration = .init(port: 0, inferenceThreads: 2), service: ModelRegistryService? = nil,
        refreshInterval: Duration = .seconds(1)
    ) throws -> some ApplicationProtocol {
        let models = RegistryModelProvider(service: try service ?? registry(), refreshInterval: refreshInterval)
        return buildApplication(configuration: configuration, models: models, logger: Logger(label: "slipway-test"))
    }

    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONScanner.parse([UInt8](buffer: response.body))
    }

    static func errorMessage(_ response: TestResponse) -> String? {
        (try? json(response))?["error"]?.stringValue
    }
}

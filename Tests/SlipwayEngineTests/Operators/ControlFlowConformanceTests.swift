import Foundation
import SlipwayEngine
import SlipwayONNX
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// Runs the official Loop and Scan backend tests whose bodies use operators of other families (Add, Mul,
/// Slice, Unsqueeze, Not), with the test-only stand-ins of `ControlFlowTestOperators.swift` registered
/// in place of the real ones, so the control-flow operators are checked on the official models now.
@Suite struct ControlFlowConformanceTests {
    static let cases = [
        "test_loop11", "test_loop13_seq", "test_loop16_seq_none",
        "test_scan_sum", "test_scan9_sum", "test_scan9_scalar", "test_scan9_multi_state",
    ]

    static func registry() -> OperatorRegistry {
        var registry = OperatorRegistry.standard
        if !registry.knows(opType: "Add", domain: "") { registry.register("Add") { _ in CFTestBinary.add() } }
        if !registry.knows(opType: "Mul", domain: "") { registry.register("Mul") { _ in CFTestBinary.mul() } }
        if !registry.knows(opType: "Not", domain: "") { registry.register("Not") { _ in CFTestNot() } }
        if !registry.knows(opType: "Slice", domain: "") { registry.register("Slice") { _ in CFTestSlice() } }
        if !registry.knows(opType: "Unsqueeze", domain: "") { registry.register("Unsqueeze") { try CFTestUnsqueeze($0) } }
        return registry
    }

    @Test(arguments: cases) func officialModel(_ name: String) throws {
        guard let root = SharedFixtures.nodeTests else {
            print(SharedFixtures.skipMessage("\(name)"))
            return
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("manifest.json")))
        let info = ((manifest as? [String: Any])?["tests"] as? [String: [String: Any]])?[name]
        let folder = root.appendingPathComponent(info?["path"] as? String ?? "node/\(name)")
        let inputTypes = info?["inputs"] as? [String] ?? []
        let outputTypes = info?["outputs"] as? [String] ?? []

        let model = try ModelImporter(registry: Self.registry()).load(contentsOf: folder.appendingPathComponent("model.onnx"))
        let plan = try model.plan()
        let data = folder.appendingPathComponent("test_data_set_0")
        var feeds: [String: Value] = [:]
        for (i, input) in model.graph.inputs.enumerated() {
            let file = data.appendingPathComponent("input_\(i).pb")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            feeds[input.name] = try Value(serialized: Data(contentsOf: file), kind: i < inputTypes.count ? inputTypes[i] : "tensor")
        }
        let outputs = try plan.run(feeds)
        for (j, output) in model.graph.outputs.enumerated() {
            let file = data.appendingPathComponent("output_\(j).pb")
            let expected = try Value(serialized: Data(contentsOf: file), kind: j < outputTypes.count ? outputTypes[j] : "tensor")
            let actual = try #require(outputs[output.name])
            let problem = ValueComparison.difference(actual, expected, rtol: 1e-3, atol: 1e-5)
            #expect(problem == nil, "\(name) output '\(output.name)': \(problem ?? "")")
        }
    }
}

import Foundation
import SlipwayEngine
import SlipwayONNX
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// Runs the official ONNX backend node tests in `../shared/onnx-node-tests`.
///
/// `onnx-node.txt` beside this file is the support matrix (tract style): every test named there must
/// pass; a test not named is reported, not failed. `SLIPWAY_CONFORMANCE_FILTER=substring` runs a
/// subset and prints each result; `SLIPWAY_CONFORMANCE_WRITE=1` rewrites the list with every passing test.
@Suite struct ONNXBackendTests {
    static let allowListURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("onnx-node.txt")

    static func allowList() throws -> Set<String> {
        let text = try String(contentsOf: allowListURL, encoding: .utf8)
        return Set(
            text.split(separator: "\n").compactMap { line -> String? in
                let trimmed =
                    line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                    .trimmingCharacters(in: .whitespaces) ?? ""
                return trimmed.isEmpty ? nil : trimmed
            })
    }

    @Test func backendNodeTests() throws {
        guard let root = SharedFixtures.nodeTests else {
            print(SharedFixtures.skipMessage("the ONNX conformance test"))
            return
        }
        let manifestData = try Data(contentsOf: root.appendingPathComponent("manifest.json"))
        guard let manifest = try JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
            let tests = manifest["tests"] as? [String: [String: Any]]
        else {
            Issue.record("manifest.json is not the expected shape")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let filter = environment["SLIPWAY_CONFORMANCE_FILTER"].flatMap { $0.isEmpty ? nil : $0 }
        let allowed = try Self.allowList()
        var passed: [String] = []
        var failures: [String: String] = [:]
        for (name, info) in tests.sorted(by: { $0.key < $1.key }) {
            if let filter, !filter.split(separator: ",").contains(where: { name.contains($0) }) { continue }
            let result = NodeTestCase.run(name: name, info: info, root: root)
            if let problem = result {
                failures[name] = problem
                if filter != nil { print("FAIL \(name): \(problem)") }
            } else {
                passed.append(name)
                if filter != nil { print("pass \(name)") }
            }
        }
        let regressions = allowed.intersection(failures.keys).sorted()
        for name in regressions {
            Issue.record("\(name) is in onnx-node.txt but fails: \(failures[name] ?? "")")
        }
        let unlisted = passed.filter { !allowed.contains($0) }
        print(
            "ONNX backend node tests: \(passed.count) pass, \(failures.count) fail of \(passed.count + failures.count); "
                + "\(allowed.count) in the support matrix; \(unlisted.count) passing but not listed")
        if environment["SLIPWAY_CONFORMANCE_WRITE"] == "1", filter == nil {
            let header = """
                # ONNX backend node tests Slipway passes: the support matrix (tract style).
                # Every test named here must pass (Tests/SlipwayONNXTests/Conformance/ONNXBackendTests.swift);
                # the tests not named, and why, are in docs/conformance.md.
                # Regenerate: SLIPWAY_CONFORMANCE_WRITE=1 swift test --filter backendNodeTests

                """
            try (header + passed.sorted().joined(separator: "\n") + "\n").write(to: Self.allowListURL, atomically: true, encoding: .utf8)
            let failingText = failures.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)" }.joined(separator: "\n")
            try failingText.write(
                to: Self.allowListURL.deletingLastPathComponent().appendingPathComponent("onnx-node-failing.tsv"), atomically: true,
                encoding: .utf8)
        }
    }
}

/// One backend test: load the model, feed `input_<i>.pb`, compare with `output_<j>.pb`.
enum NodeTestCase {
    static func run(name: String, info: [String: Any], root: URL) -> String? {
        guard let path = info["path"] as? String else { return "no path in manifest" }
        let folder = root.appendingPathComponent(path)
        let inputTypes = info["inputs"] as? [String] ?? []
        let outputTypes = info["outputs"] as? [String] ?? []
        let nondeterministic = info["nondeterministic"] as? Bool ?? false
        do {
            let model = try ModelImporter().load(contentsOf: folder.appendingPathComponent("model.onnx"))
            let plan = try model.plan()
            let data = folder.appendingPathComponent("test_data_set_0")
            var feeds: [String: Value] = [:]
            for (i, input) in model.graph.inputs.enumerated() {
                let file = data.appendingPathComponent("input_\(i).pb")
                guard FileManager.default.fileExists(atPath: file.path) else { continue }
                feeds[input.name] = try readValue(file, type: i < inputTypes.count ? inputTypes[i] : "tensor")
            }
            // Inputs the graph declares but the test does not feed are optional: leave them out of the plan.
            let fedNames = Set(feeds.keys)
            let missing = plan.inputs.filter { !fedNames.contains($0.name) }
            if !missing.isEmpty { return "test data does not feed \(missing.map(\.name))" }
            let outputs = try plan.run(feeds)
            for (j, output) in model.graph.outputs.enumerated() {
                let file = data.appendingPathComponent("output_\(j).pb")
                let expected = try readValue(file, type: j < outputTypes.count ? outputTypes[j] : "tensor")
                guard let actual = outputs[output.name] else { return "output '\(output.name)' missing" }
                if let problem = ValueComparison.difference(actual, expected, rtol: 1e-3, atol: 1e-5, shapeOnly: nondeterministic) {
                    return "output '\(output.name)': \(problem)"
                }
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func readValue(_ url: URL, type: String) throws -> Value {
        try Value(serialized: try Data(contentsOf: url), kind: type)
    }
}

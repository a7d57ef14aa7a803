import Foundation
import SlipwayEngine
import SlipwayONNX
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// Runs every model of the shared model zoo (`../shared/modelzoo`) on its `case_*.json` batches and compares
/// with onnxruntime's outputs stored there.
///
/// Every model in the zoo must match: the engine supports every operator the zoo uses, and models nobody
/// here has seen are expected to work too. `SLIPWAY_ZOO_FILTER=name1,name2` runs a subset.
@Suite struct ModelZooTests {
    @Test func modelZooMatchesOnnxRuntime() throws {
        guard let root = SharedFixtures.modelZoo, FileManager.default.fileExists(atPath: root.path) else {
            print(SharedFixtures.skipMessage("the model zoo test"))
            return
        }
        let filter = ProcessInfo.processInfo.environment["SLIPWAY_ZOO_FILTER"].flatMap { $0.isEmpty ? nil : $0 }
        let models = try FileManager.default.contentsOfDirectory(atPath: root.path)
            .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("model.onnx").path) }
            .sorted()
        var passing: [String] = []
        for name in models {
            if let filter, !filter.split(separator: ",").contains(where: { name == $0 }) { continue }
            let folder = root.appendingPathComponent(name)
            let problems = ZooCase.runModel(folder)
            if problems.isEmpty {
                passing.append(name)
                print("zoo pass \(name)")
            } else {
                print("zoo FAIL \(name): \(problems.joined(separator: "; "))")
                Issue.record("\(name) does not match onnxruntime: \(problems.joined(separator: "; "))")
            }
        }
        print("model zoo: \(passing.count) of \(models.count) models pass")
        #expect(!models.isEmpty, "the model zoo folder holds no models")
    }
}

/// Loading, feeding and comparing one zoo model.
enum ZooCase {
    /// Problems with the model's cases (empty when all pass).
    static func runModel(_ folder: URL) -> [String] {
        let plan: Plan
        do {
            let model = try ModelImporter().load(contentsOf: folder.appendingPathComponent("model.onnx"))
            plan = try model.plan()
        } catch {
            return ["load: \(error)"]
        }
        let cases = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("case_") && $0.hasSuffix(".json") }
            .sorted()
        guard !cases.isEmpty else { return ["no case_*.json files"] }
        var problems: [String] = []
        for file in cases {
            do {
                if let problem = try runCase(plan, folder.appendingPathComponent(file)) { problems.append("\(file): \(problem)") }
            } catch {
                problems.append("\(file): \(error)")
            }
        }
        return problems
    }

    static func runCase(_ plan: Plan, _ url: URL) throws -> String? {
        let data = try Data(contentsOf: url)
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let inputs = json["inputs"] as? [[String: Any]], let outputs = json["outputs"] as? [[String: Any]]
        else { return "not a case file" }
        let tolerance = json["tolerance"] as? [String: Any]
        let rtol = (tolerance?["rtol"] as? NSNumber)?.doubleValue ?? 1e-4
        let atol = (tolerance?["atol"] as? NSNumber)?.doubleValue ?? 1e-5
        var feeds: [String: Value] = [:]
        for input in inputs {
            guard let name = input["name"] as? String else { return "an input has no name" }
            feeds[name] = .tensor(try tensor(input))
        }
        let results = try plan.run(feeds)
        for output in outputs {
            guard let name = output["name"] as? String else { return "an output has no name" }
            guard let actual = results[name] else { return "output '\(name)' missing" }
            if let problem = try compare(actual, output, rtol: rtol, atol: atol) { return "output '\(name)': \(problem)" }
        }
        return nil
    }

    /// A tensor from a V2-style entry (`datatype`, `shape`, flat `data`).
    static func tensor(_ entry: [String: Any]) throws -> Tensor {
        guard let v2 = entry["datatype"] as? String, let type = DataType(v2Name: v2) else {
            throw EngineError.invalidInput("unknown datatype \(entry["datatype"] ?? "nil")")
        }
        let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue) ?? []
        let raw = entry["data"] as? [Any] ?? []
        switch type {
        case .string:
            return try Tensor(shape: shape, storage: .string(raw.map { "\($0)" }))
        case .float32:
            return try Tensor(shape: shape, storage: .float32(raw.map { Float(($0 as? NSNumber)?.doubleValue ?? .nan) }))
        case .int64:
            return try Tensor(shape: shape, storage: .int64(raw.map { ($0 as? NSNumber)?.int64Value ?? 0 }))
        case .bool:
            return try Tensor(shape: shape, storage: .bool(raw.map { ($0 as? NSNumber)?.boolValue ?? false }))
        default:
            return try Tensor.fromDoubles(raw.map { ($0 as? NSNumber)?.doubleValue ?? .nan }, shape: shape, as: type)
        }
    }

    static func compare(_ actual: Value, _ expected: [String: Any], rtol: Double, atol: Double) throws -> String? {
        if expected["map_key_type"] != nil {
            return compareMaps(actual, expected, rtol: rtol, atol: atol)
        }
        guard case .tensor(let a) = actual else { return "expected a tensor, got \(actual.type)" }
        return ValueComparison.difference(a, try tensor(expected), rtol: rtol, atol: atol)
    }

    /// A sequence of maps, expected as a list of JSON objects with decimal-string keys.
    static func compareMaps(_ actual: Value, _ expected: [String: Any], rtol: Double, atol: Double) -> String? {
        guard case .sequence(let sequence) = actual else { return "expected a sequence of maps, got \(actual.type)" }
        let rows = expected["data"] as? [[String: Any]] ?? []
        guard sequence.elements.count == rows.count else { return "sequence length \(sequence.elements.count), expected \(rows.count)" }
        for (i, (element, row)) in zip(sequence.elements, rows).enumerated() {
            guard case .map(let map) = element, let values = map.values.doubles() else { return "element \(i) is not a numeric map" }
            let keys: [String]
            switch map.keys {
            case .int64(let k): keys = k.map { String($0) }
            case .string(let k): keys = k
            }
            guard Set(keys) == Set(row.keys), keys.count == row.count else {
                return "element \(i): keys \(keys.sorted()), expected \(row.keys.sorted())"
            }
            for (key, value) in zip(keys, values) {
                let e = (row[key] as? NSNumber)?.doubleValue ?? .nan
                if !(abs(value - e) <= atol + rtol * abs(e)) { return "element \(i) key \(key): \(value), expected \(e)" }
            }
        }
        return nil
    }
}

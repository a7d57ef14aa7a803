import Foundation
import GRDB
import SlipwayRegistry
import Testing

/// The stores every contract test runs against (GRDB style: the same scenario over each connection kind).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case inMemory
    case sqliteQueue
    case sqlitePool

    var testDescription: String { rawValue }

    func make() throws -> any ModelStore {
        switch self {
        case .inMemory: return InMemoryModelStore()
        case .sqliteQueue: return try SQLiteModelStore(DatabaseQueue())
        case .sqlitePool: return try SQLiteModelStore.open(path: temporaryDirectory().appendingPathComponent("registry.sqlite").path)
        }
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-registry-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func hash(_ seed: Int) -> String {
    let hex = String(seed, radix: 16)
    return String(repeating: "0", count: 64 - hex.count) + hex
}

let irisSignature = ModelSignature(
    inputs: [TensorSpec(name: "X", datatype: "FP32", shape: [-1, 4])],
    outputs: [TensorSpec(name: "label", datatype: "INT64", shape: [-1])])

func draft(
    _ model: String, seed: Int, aliases: [String] = [], tags: [String: String] = [:], actor: String = "alice", description: String = ""
) -> NewVersion {
    NewVersion(
        model: model, description: description, artifact: ArtifactRef(sha256: hash(seed), size: Int64(seed * 10)), signature: irisSignature,
        opsets: ["ai.onnx": 17],
        lineage: Lineage(
            dataDigest: hash(9999), source: "git:abc123", parameters: ["max_depth": "3"], metrics: ["accuracy": 0.97], createdBy: actor,
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.123)),
        card: "# \(model)\n", reference: nil, example: nil, tags: tags, aliases: aliases)
}

import Foundation
import SlipwayRegistry
import SlipwayRuntime
import SlipwayTensor
import SlipwayTestSupport
import Testing

@Suite struct ModelCacheTests {
    static func loaded(_ name: String) throws -> LoadedModel {
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["N", 2])
        b.output("y", .float32, ["N", 2])
        b.node("Identity", inputs: ["x"], outputs: ["y"])
        return try LoadedModel.load(contentsOf: try b.write(name: name))
    }

    @Test func evictsTheLeastRecentlyUsedWithinTheByteBudget() throws {
        let cache = ModelCache(capacityBytes: 100)
        let a = try Self.loaded("a")
        var loads = 0
        func get(_ key: String, _ cost: Int) throws -> LoadedModel {
            try cache.model(for: key, cost: cost) { () throws(InferenceError) -> LoadedModel in
                loads += 1
                return a
            }
        }
        _ = try get("a", 40)
        _ = try get("b", 40)
        _ = try get("a", 40)  // a is now the most recent
        _ = try get("c", 40)  // evicts b
        #expect(cache.contains("a"))
        #expect(!cache.contains("b"))
        #expect(cache.contains("c"))
        #expect(loads == 3)
        let stats = cache.statistics
        #expect(stats.bytes == 80)
        #expect(stats.hits == 1)
        #expect(stats.evictions == 1)
        _ = try get("huge", 1000)  // larger than the budget: loaded, not kept
        #expect(!cache.contains("huge"))
        #expect(cache.statistics.bytes == 80)
    }

    @Test func concurrentUseIsSafe() async throws {
        let cache = ModelCache(capacityBytes: 1000)
        let model = try Self.loaded("m")
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask {
                    _ = try? cache.model(for: "k\(i % 37)", cost: 50) { () throws(InferenceError) -> LoadedModel in model }
                }
            }
        }
        #expect(cache.statistics.bytes <= 1000)
        #expect(cache.statistics.models == 20)
    }

    @Test func serviceResolvesSelectorsAndLoadsThroughTheCache() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-service-\(UUID().uuidString)")
        let service = try ModelRegistryService.open(dataDirectory: dir, cacheCapacityBytes: 1 << 20)
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["N", 2])
        b.output("y", .float32, ["N", 2])
        b.node("Identity", inputs: ["x"], outputs: ["y"])
        let file = try b.write(name: "svc")
        let v1 = try service.register(.init(name: "svc", model: file, aliases: ["production"], actor: "tests"))
        #expect(v1.version == 1)
        #expect(v1.signature.inputs == [TensorSpec(name: "x", datatype: "FP32", shape: [-1, 2])])
        #expect(try service.resolve("svc@production").version == 1)
        let first = try service.load("svc@production")
        #expect(first.name == "svc")
        #expect(first.version == "1")
        _ = try service.load("svc:1")
        #expect(service.cache.statistics.hits == 1)
        #expect(service.cache.statistics.misses == 1)
        let error = #expect(throws: InferenceError.self) { try service.load("svc@staging") }
        #expect(error?.code == .notFound)
        let bad = #expect(throws: InferenceError.self) { try service.resolve("svc:zero") }
        #expect(bad?.code == .badRequest)
    }
}

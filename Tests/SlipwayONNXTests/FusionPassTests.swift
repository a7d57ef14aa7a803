import Foundation
import SlipwayEngine
import SlipwayONNX
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// The fusion pass (Conv+BatchNormalization+Relu, MatMul+Add+Relu) must not change any result.
@Suite struct FusionPassTests {
    @Test(arguments: ["cnn_small", "digits_mlp", "transformer_block", "isolation_forest"])
    func fusedPlanMatchesUnfusedPlan(_ name: String) throws {
        guard let zoo = SharedFixtures.modelZoo else { return }
        let folder = zoo.appendingPathComponent(name)
        let model = try ModelImporter().load(contentsOf: folder.appendingPathComponent("model.onnx"))
        let fused = try model.plan()
        let plain = try model.plan(options: PlanOptions(fusion: false))
        #expect(fused.stepCount < plain.stepCount, "\(name): \(fused.stepCount) vs \(plain.stepCount) steps")
        let data = try Data(contentsOf: folder.appendingPathComponent("case_b7.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        var feeds: [String: Value] = [:]
        for input in inputs { feeds[try #require(input["name"] as? String)] = .tensor(try ZooCase.tensor(input)) }
        let a = try fused.run(feeds), b = try plain.run(feeds)
        for (key, value) in b {
            let x = try #require(a[key]?.tensor), y = try #require(value.tensor)
            #expect(x.shape == y.shape)
            if let xf = x.elements(as: Float.self), let yf = y.elements(as: Float.self) {
                #expect(zip(xf, yf).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-4 * abs($1) }, "\(name) output \(key)")
            } else {
                #expect(x.elements(as: Int64.self) == y.elements(as: Int64.self), "\(name) output \(key)")
            }
        }
    }

    /// transformer_block's GELU (Div, Erf, Add, Mul, Mul) and attention scale (Mul) run in the MatMul epilogue with
    /// the same float32 operations in the same order: the outputs are bit-identical to the unfused plan's.
    @Test func fusedGeluAndScaleAreExact() throws {
        guard let zoo = SharedFixtures.modelZoo else { return }
        let folder = zoo.appendingPathComponent("transformer_block")
        let model = try ModelImporter().load(contentsOf: folder.appendingPathComponent("model.onnx"))
        let fused = try model.plan()
        let plain = try model.plan(options: PlanOptions(fusion: false))
        let data = try Data(contentsOf: folder.appendingPathComponent("case_b7.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        var feeds: [String: Value] = [:]
        for input in inputs { feeds[try #require(input["name"] as? String)] = .tensor(try ZooCase.tensor(input)) }
        let a = try #require(try fused.run(feeds)["y"]?.tensor), b = try #require(try plain.run(feeds)["y"]?.tensor)
        #expect(a.elements(as: Float.self) == b.elements(as: Float.self))
    }
}

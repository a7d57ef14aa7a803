import Foundation
import SlipwayEngine
import SlipwayONNX
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// Element-wise chains fused into one step, and duplicate nodes merged, must compute exactly what the
/// unfused graph computes.
@Suite struct ElementwiseFusionTests {
    /// x, y: [N, 1] float. A chain of the isolation forest's kind, with a comparison, casts, a Where, a
    /// value read outside the chain (`t2` is a graph output) and duplicate Casts.
    func chainModel(yShape: [ONNXModelBuilder.Dimension] = ["N", 1]) throws -> ONNXModel {
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["N", 1])
        b.input("y", .float32, yShape)
        b.initializer("one", Tensor(vector: [Float(1)]))
        b.initializer("half", Tensor(vector: [Float(0.5)]))
        b.node("Greater", inputs: ["x", "one"], outputs: ["gt"])
        b.node("Cast", inputs: ["gt"], outputs: ["gtf"], attributes: ["to": .int(1)])
        b.node("Cast", inputs: ["gt"], outputs: ["gtf2"], attributes: ["to": .int(1)])
        b.node("Mul", inputs: ["gtf", "x"], outputs: ["t1"])
        b.node("Max", inputs: ["t1", "one"], outputs: ["t2"])
        b.node("Log", inputs: ["t2"], outputs: ["t3"])
        b.node("Div", inputs: ["t3", "y"], outputs: ["t4"])
        b.node("Add", inputs: ["t4", "gtf2"], outputs: ["t5"])
        b.node("Equal", inputs: ["x", "half"], outputs: ["eq"])
        b.node("Where", inputs: ["eq", "half", "t5"], outputs: ["out"])
        b.output("out", .float32)
        b.output("t2", .float32)
        return try ModelImporter().load(data: try b.data())
    }

    func feeds(_ x: [Float], _ y: [Float], yShape: [Int]? = nil) throws -> [String: Value] {
        [
            "x": .tensor(try Tensor(shape: [x.count, 1], elements: x)),
            "y": .tensor(try Tensor(shape: yShape ?? [y.count, 1], elements: y)),
        ]
    }

    @Test func fusedChainEqualsUnfusedBitForBit() throws {
        let model = try chainModel()
        let fused = try model.plan(), plain = try model.plan(options: PlanOptions(fusion: false))
        #expect(fused.stepCount == 1, "the whole chain is one step, got \(fused.stepCount)")
        #expect(plain.stepCount == 10)
        var generator = SystemRandomNumberGenerator()
        for n in [1, 7, 64] {
            var x = (0..<n).map { _ in Float.random(in: -3...3, using: &generator) }
            x[0] = 0.5
            if n > 2 { x[1] = .nan }
            let y = (0..<n).map { _ in Float.random(in: -2...2, using: &generator) }
            let a = try fused.run(try feeds(x, y)), b = try plain.run(try feeds(x, y))
            for name in ["out", "t2"] {
                let fa = try #require(a[name]?.tensor), fb = try #require(b[name]?.tensor)
                #expect(fa.shape == fb.shape)
                let va = try #require(fa.elements(as: Float.self)), vb = try #require(fb.elements(as: Float.self))
                #expect(zip(va, vb).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "\(name) n=\(n)")
            }
        }
    }

    @Test func differentShapesAtRunTimeFallBackToTheOriginalOperators() throws {
        // x and y are both declared [N, 1], so the chain is fused; fed [1, 1] against x [3, 1], y broadcasts.
        let model = try chainModel()
        let fused = try model.plan(), plain = try model.plan(options: PlanOptions(fusion: false))
        let f = try feeds([2, 3, 0.5], [4], yShape: [1, 1])
        let a = try fused.run(f), b = try plain.run(f)
        #expect(a["out"]?.tensor?.shape == [3, 1])
        #expect(a["out"]?.tensor?.elements(as: Float.self) == b["out"]?.tensor?.elements(as: Float.self))
        // Shapes that do not broadcast fail as the unfused operators do, naming the operator.
        #expect(throws: EngineError.self) { try fused.run(try self.feeds([1, 2, 3], [1, 2], yShape: [2, 1])) }
    }

    @Test func duplicateNodesAreMergedOnce() throws {
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["N", 3])
        b.initializer("idx", Tensor(vector: [Int64(0), 2]))
        for i in 0..<5 {
            b.node("Gather", inputs: ["x", "idx"], outputs: ["g\(i)"], attributes: ["axis": .int(1)])
            b.node("ReduceSum", inputs: ["g\(i)"], outputs: ["s\(i)"], attributes: ["keepdims": .int(0)])
        }
        b.node("Sum", inputs: (0..<5).map { "s\($0)" }, outputs: ["total"])
        b.output("total", .float32)
        let model = try ModelImporter().load(data: try b.data())
        let merged = try model.plan(), plain = try model.plan(options: PlanOptions(fusion: false))
        #expect(merged.stepCount == 3)
        #expect(plain.stepCount == 11)
        let x: [String: Value] = ["x": .tensor(try Tensor(shape: [2, 3], elements: [Float(1), 2, 3, 4, 5, 6]))]
        #expect(try merged.run(x)["total"]?.tensor?.elements(as: Float.self) == [70])
        #expect(try plain.run(x)["total"]?.tensor?.elements(as: Float.self) == [70])
    }

    @Test func identityAndSameTypeCastStepsAreDropped() throws {
        var b = ONNXModelBuilder()
        b.input("x", .float32, [3])
        b.node("Cast", inputs: ["x"], outputs: ["a"], attributes: ["to": .int(1)])
        b.node("Relu", inputs: ["a"], outputs: ["b"])
        b.node("Identity", inputs: ["b"], outputs: ["out"])
        b.node("Identity", inputs: ["out"], outputs: ["c"])
        b.node("Relu", inputs: ["c"], outputs: ["d"])
        b.output("out", .float32)
        b.output("d", .float32)
        let model = try ModelImporter().load(data: try b.data())
        let plan = try model.plan(), plain = try model.plan(options: PlanOptions(fusion: false))
        #expect(plan.stepCount == 2)
        #expect(plain.stepCount == 5)
        let x: [String: Value] = ["x": .tensor(Tensor(vector: [Float(-1), 2, 3]))]
        let a = try plan.run(x), p = try plain.run(x)
        #expect(a["out"]?.tensor?.elements(as: Float.self) == [0, 2, 3])
        #expect(a["d"]?.tensor?.elements(as: Float.self) == p["d"]?.tensor?.elements(as: Float.self))
        #expect(a["out"]?.tensor?.elements(as: Float.self) == p["out"]?.tensor?.elements(as: Float.self))
    }
}

/// Kernels split large batches across threads (`RunContext.rowChunks`); the result must not change.
@Suite struct IntraOpThreadsTests {
    /// Runs pieces one after another, in reverse, to show the order of completion does not matter.
    struct ReversedExecutor: ParallelExecutor {
        func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
            for i in (0..<count).reversed() { body(i) }
        }
    }

    @Test(arguments: ["cnn_small", "digits_mlp", "breast_cancer_random_forest", "diabetes_lightgbm"])
    func piecesGiveTheSameOutputs(_ name: String) throws {
        guard let zoo = SharedFixtures.modelZoo else { return }
        let folder = zoo.appendingPathComponent(name)
        let plan = try ModelImporter().load(contentsOf: folder.appendingPathComponent("model.onnx")).plan()
        let data = try Data(contentsOf: folder.appendingPathComponent("case_b64.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        var feeds: [String: Value] = [:]
        for input in inputs { feeds[try #require(input["name"] as? String)] = .tensor(try ZooCase.tensor(input)) }
        let one = try plan.run(feeds)
        for threads in [2, 3] {
            let split = try plan.run(feeds, context: RunContext(threads: threads, executor: ReversedExecutor()))
            for (key, value) in one {
                let a = try #require(value.tensor), b = try #require(split[key]?.tensor)
                #expect(a.shape == b.shape)
                if let fa = a.elements(as: Float.self) {
                    #expect(fa == b.elements(as: Float.self), "\(name) \(key) with \(threads) threads")
                } else {
                    #expect(a.elements(as: Int64.self) == b.elements(as: Int64.self), "\(name) \(key) with \(threads) threads")
                }
            }
        }
    }

    @Test func rowChunksCoverEveryRowInOrderAndRethrow() throws {
        let context = RunContext(threads: 4, executor: ReversedExecutor())
        #expect(try context.rowChunks(rows: 10, minimumRows: 2) { Array($0) } == Array(0..<10))
        #expect(try context.rowChunks(rows: 3, minimumRows: 2) { Array($0) } == [0, 1, 2])
        #expect(throws: EngineError.self) {
            _ = try context.rowChunks(rows: 10, minimumRows: 1) { range -> [Int] in
                if range.contains(7) { throw EngineError.invalidInput("row 7") }
                return Array(range)
            }
        }
    }
}

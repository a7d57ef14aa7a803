import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct NormalizationTests {
    @Test func batchNormalizationInference() throws {
        let x = NNTest.tensor([1, 2, 1, 2], [1, 2, 3, 4])
        let y = try NNTest.run(
            "BatchNormalization", opset: 15, attributes: ["epsilon": .float(0)],
            inputs: [x, NNTest.tensor([2], [1, 2]), NNTest.tensor([2], [0, 1]), NNTest.tensor([2], [1, 3]), NNTest.tensor([2], [4, 1])])
        #expect(NNTest.close(NNTest.floats(y[0]), [0, 0.5, 1, 3]))
    }

    @Test func batchNormalizationTraining() throws {
        let x = NNTest.tensor([2, 1, 2], [1, 3, 5, 7])
        let y = try NNTest.run(
            "BatchNormalization", opset: 15, attributes: ["epsilon": .float(0), "training_mode": .int(1), "momentum": .float(0.5)],
            inputs: [x, NNTest.tensor([1], [1]), NNTest.tensor([1], [0]), NNTest.tensor([1], [0]), NNTest.tensor([1], [1])], outputs: 3)
        // batch mean 4, population variance 5.
        #expect(NNTest.close(NNTest.floats(y[0]), [-3, -1, 1, 3].map { Float($0) / Float(5).squareRoot() }))
        #expect(NNTest.floats(y[1]) == [2])
        #expect(NNTest.floats(y[2]) == [3])
    }

    @Test func instanceAndGroupNormalization() throws {
        let x = NNTest.tensor([1, 2, 2], [1, 3, 10, 20])
        let y = try NNTest.run(
            "InstanceNormalization", attributes: ["epsilon": .float(0)], inputs: [x, NNTest.tensor([2], [1, 2]), NNTest.tensor([2], [0, 1])])
        #expect(NNTest.close(NNTest.floats(y[0]), [-1, 1, -1, 3]))
        let g = try NNTest.run(
            "GroupNormalization", opset: 21, attributes: ["epsilon": .float(0), "num_groups": .int(1)],
            inputs: [NNTest.tensor([1, 2, 1], [1, 3]), NNTest.tensor([2], [1, 2]), NNTest.tensor([2], [0, 1])])
        #expect(NNTest.close(NNTest.floats(g[0]), [-1, 3]))
        #expect(throws: EngineError.self) {
            try NNTest.run(
                "GroupNormalization", opset: 21, attributes: ["num_groups": .int(3)],
                inputs: [x, NNTest.tensor([2], [1, 1]), NNTest.tensor([2], [0, 0])])
        }
    }

    @Test func layerNormalizationOutputs() throws {
        let x = NNTest.tensor([2, 3], [1, 2, 3, 2, 4, 6])
        let y = try NNTest.run(
            "LayerNormalization", attributes: ["epsilon": .float(0)], inputs: [x, NNTest.tensor([3], [1, 1, 2]), NNTest.tensor([3], [0, 0, 1])],
            outputs: 3)
        let s = Float(2.0 / 3.0).squareRoot()
        #expect(NNTest.close(NNTest.floats(y[0]), [-1 / s, 0, 2 / s + 1, -1 / s, 0, 2 / s + 1]))
        #expect(NNTest.floats(y[1]) == [2, 4])
        #expect(NNTest.shape(y[1]) == [2, 1])
        #expect(NNTest.close(NNTest.floats(y[2]), [1 / s, 1 / (2 * s)]))
        let wholeTensor = try NNTest.run(
            "LayerNormalization", attributes: ["axis": .int(0)], inputs: [x, NNTest.tensor([2, 3], Array(repeating: 1, count: 6))])
        #expect(abs(NNTest.floats(wholeTensor[0]).reduce(0, +)) < 1e-4)
        #expect(throws: EngineError.self) {
            try NNTest.run("LayerNormalization", attributes: ["axis": .int(2)], inputs: [x, NNTest.tensor([3], [1, 1, 1])])
        }
    }

    @Test func meanVarianceAndLpNormalization() throws {
        let x = NNTest.tensor([1, 1, 1, 2], [1, 3])
        let mvn = try NNTest.run("MeanVarianceNormalization", opset: 13, inputs: [x])
        #expect(NNTest.close(NNTest.floats(mvn[0]), [-1, 1]))
        let l2 = try NNTest.run("LpNormalization", inputs: [NNTest.tensor([2, 2], [3, 4, 0, 0])])
        #expect(NNTest.close(NNTest.floats(l2[0]), [0.6, 0.8, 0, 0]))
        let l1 = try NNTest.run("LpNormalization", attributes: ["axis": .int(0), "p": .int(1)], inputs: [NNTest.tensor([2, 2], [1, 2, 3, 2])])
        #expect(NNTest.close(NNTest.floats(l1[0]), [0.25, 0.5, 0.75, 0.5]))
        #expect(throws: EngineError.self) { try NNTest.run("LpNormalization", attributes: ["p": .int(3)], inputs: [x]) }
    }
}

@Suite struct SoftmaxTests {
    @Test func softmaxLastAxisAndMiddleAxis() throws {
        let x = NNTest.tensor([2, 3], [1, 2, 3, 1000, 1000, 1000])
        let y = try NNTest.run("Softmax", opset: 13, inputs: [x])
        let e: [Float] = [1, 2.7182817, 7.389056]
        let total = e.reduce(0, +)
        #expect(NNTest.close(NNTest.floats(y[0]), e.map { $0 / total } + [1, 1, 1].map { Float($0) / 3 }))
        let middle = try NNTest.run("Softmax", opset: 13, attributes: ["axis": .int(1)], inputs: [NNTest.tensor([1, 2, 2], [0, 5, 0, 5])])
        #expect(NNTest.close(NNTest.floats(middle[0]), [0.5, 0.5, 0.5, 0.5]))
    }

    @Test func opset11CoercesToTwoDimensions() throws {
        let x = NNTest.tensor([1, 2, 2], [0, 0, 0, 0])
        let y = try NNTest.run("Softmax", opset: 11, inputs: [x])
        #expect(NNTest.close(NNTest.floats(y[0]), [0.25, 0.25, 0.25, 0.25]))
        let h = try NNTest.run("Hardmax", opset: 11, inputs: [NNTest.tensor([1, 2, 2], [1, 5, 5, 2])])
        #expect(NNTest.floats(h[0]) == [0, 1, 0, 0])
    }

    @Test func logSoftmaxAndHardmax() throws {
        let y = try NNTest.run("LogSoftmax", opset: 13, inputs: [NNTest.tensor([2], [0, 0])])
        #expect(NNTest.close(NNTest.floats(y[0]), [-0.6931472, -0.6931472]))
        let h = try NNTest.run("Hardmax", opset: 13, attributes: ["axis": .int(0)], inputs: [NNTest.tensor([2, 2], [1, 3, 2, 3])])
        #expect(NNTest.floats(h[0]) == [0, 1, 1, 0])
        #expect(throws: EngineError.self) {
            try NNTest.run("Softmax", opset: 13, attributes: ["axis": .int(3)], inputs: [NNTest.tensor([2], [0, 0])])
        }
    }
}

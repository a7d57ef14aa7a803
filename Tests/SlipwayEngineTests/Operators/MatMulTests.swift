import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct MatMulTests {
    /// Naive batched product for [batch, m, k] · [batch, k, n].
    func naive(_ a: [Float], _ b: [Float], batch: Int, m: Int, n: Int, k: Int, bBatched: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: batch * m * n)
        for t in 0..<batch {
            for i in 0..<m {
                for j in 0..<n {
                    var s: Float = 0
                    for p in 0..<k { s += a[t * m * k + i * k + p] * b[(bBatched ? t * k * n : 0) + p * n + j] }
                    c[t * m * n + i * n + j] = s
                }
            }
        }
        return c
    }

    @Test func twoDimensional() throws {
        let y = try NNTest.run(
            "MatMul", opset: 13, inputs: [NNTest.tensor([2, 3], [1, 2, 3, 4, 5, 6]), NNTest.tensor([3, 2], [7, 8, 9, 10, 11, 12])])
        #expect(NNTest.floats(y[0]) == [58, 64, 139, 154])
        #expect(NNTest.shape(y[0]) == [2, 2])
    }

    @Test func oneDimensionalOperands() throws {
        let dot = try NNTest.run("MatMul", inputs: [NNTest.tensor([3], [1, 2, 3]), NNTest.tensor([3], [4, 5, 6])])
        #expect(NNTest.shape(dot[0]) == [])
        #expect(NNTest.floats(dot[0]) == [32])
        let vm = try NNTest.run("MatMul", inputs: [NNTest.tensor([2], [1, 2]), NNTest.tensor([2, 2, 3], [1, 2, 3, 4, 5, 6, 1, 1, 1, 1, 1, 1])])
        #expect(NNTest.shape(vm[0]) == [2, 3])
        #expect(NNTest.floats(vm[0]) == [9, 12, 15, 3, 3, 3])
        let mv = try NNTest.run("MatMul", inputs: [NNTest.tensor([2, 3], [1, 2, 3, 4, 5, 6]), NNTest.tensor([3], [1, 0, 1])])
        #expect(NNTest.shape(mv[0]) == [2])
        #expect(NNTest.floats(mv[0]) == [4, 10])
    }

    @Test func batchedBroadcastAndConstantWeights() throws {
        var random = NNTestRandom(seed: 3)
        let (batch, m, n, k) = (4, 17, 19, 23)
        let a = random.floats(batch * m * k), b = random.floats(k * n), b3 = random.floats(batch * k * n)
        for constant in [false, true] {
            let y = try NNTest.run(
                "MatMul", inputs: [NNTest.tensor([2, 2, m, k], a), NNTest.tensor([k, n], b)], constantInputs: constant ? [1] : [])
            #expect(NNTest.shape(y[0]) == [2, 2, m, n])
            #expect(NNTest.close(NNTest.floats(y[0]), naive(a, b, batch: batch, m: m, n: n, k: k, bBatched: false)))
        }
        let y = try NNTest.run("MatMul", inputs: [NNTest.tensor([batch, m, k], a), NNTest.tensor([batch, k, n], b3)])
        #expect(NNTest.close(NNTest.floats(y[0]), naive(a, b3, batch: batch, m: m, n: n, k: k, bBatched: true)))
        // [1, m, k] · [batch, k, n]: A broadcasts.
        let y2 = try NNTest.run("MatMul", inputs: [NNTest.tensor([1, m, k], Array(a[0..<(m * k)])), NNTest.tensor([batch, k, n], b3)])
        let tiled = (0..<batch).flatMap { _ in Array(a[0..<(m * k)]) }
        #expect(NNTest.close(NNTest.floats(y2[0]), naive(tiled, b3, batch: batch, m: m, n: n, k: k, bBatched: true)))
    }

    @Test func typesOtherThanFloat() throws {
        let ints = try NNTest.run(
            "MatMul",
            inputs: [
                .tensor(Tensor(vector: [Int32.max, 2]).reshapedOrSelf([1, 2])), .tensor(Tensor(vector: [Int32(2), 3]).reshapedOrSelf([2, 1])),
            ])
        #expect(ints[0].tensor?.elements(as: Int32.self) == [Int32.max &* 2 &+ 6])
        let doubles = try NNTest.run(
            "MatMul",
            inputs: [
                .tensor(Tensor(uncheckedShape: [1, 2], storage: .float64([1, 2]))),
                .tensor(Tensor(uncheckedShape: [2, 1], storage: .float64([3, 4]))),
            ])
        #expect(doubles[0].tensor?.elements(as: Double.self) == [11])
        let halves = try NNTest.run(
            "MatMul",
            inputs: [
                .tensor(Tensor(uncheckedShape: [1, 2], storage: .float16([1, 2]))),
                .tensor(Tensor(uncheckedShape: [2, 1], storage: .float16([3, 4]))),
            ])
        #expect(halves[0].tensor?.elements(as: Float16.self) == [11])
    }

    @Test func mismatchedInnerDimensionsThrow() {
        #expect(throws: EngineError.self) {
            try NNTest.run("MatMul", inputs: [NNTest.tensor([2, 3], [1, 2, 3, 4, 5, 6]), NNTest.tensor([2, 2], [1, 2, 3, 4])])
        }
        #expect(throws: EngineError.self) {
            try NNTest.run("MatMul", inputs: [NNTest.tensor([2], [1, 2]), .tensor(Tensor(vector: [Int64(1), 2]))])
        }
    }
}

extension Tensor {
    func reshapedOrSelf(_ shape: [Int]) -> Tensor { (try? reshaped(shape)) ?? self }
}

@Suite struct GemmTests {
    @Test func allAttributesAndBroadcastBias() throws {
        var random = NNTestRandom(seed: 5)
        let (m, n, k) = (3, 5, 4)
        let a = random.floats(k * m), b = random.floats(n * k), c = random.floats(n)
        for constant in [false, true] {
            let y = try NNTest.run(
                "Gemm", opset: 13,
                attributes: ["alpha": .float(0.25), "beta": .float(0.35), "transA": .int(1), "transB": .int(1)],
                inputs: [NNTest.tensor([k, m], a), NNTest.tensor([n, k], b), NNTest.tensor([1, n], c)],
                constantInputs: constant ? [1] : [])
            var expected = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var s: Float = 0
                    for p in 0..<k { s += a[p * m + i] * b[j * k + p] }
                    expected[i * n + j] = 0.25 * s + 0.35 * c[j]
                }
            }
            #expect(NNTest.shape(y[0]) == [m, n])
            #expect(NNTest.close(NNTest.floats(y[0]), expected))
        }
    }

    @Test func withoutBiasAndScalarBias() throws {
        let a = NNTest.tensor([1, 2], [1, 2]), b = NNTest.tensor([2, 2], [1, 2, 3, 4])
        #expect(NNTest.floats(try NNTest.run("Gemm", opset: 13, inputs: [a, b])[0]) == [7, 10])
        #expect(NNTest.floats(try NNTest.run("Gemm", opset: 13, inputs: [a, b, NNTest.tensor([], [1])])[0]) == [8, 11])
    }

    @Test func badShapesThrow() {
        #expect(throws: EngineError.self) {
            try NNTest.run("Gemm", opset: 13, inputs: [NNTest.tensor([1, 3], [1, 2, 3]), NNTest.tensor([2, 2], [1, 2, 3, 4])])
        }
        #expect(throws: EngineError.self) {
            try NNTest.run(
                "Gemm", opset: 13, inputs: [NNTest.tensor([1, 2], [1, 2]), NNTest.tensor([2, 2], [1, 2, 3, 4]), NNTest.tensor([3], [1, 2, 3])])
        }
    }
}

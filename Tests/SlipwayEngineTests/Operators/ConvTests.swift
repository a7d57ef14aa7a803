import SlipwayEngine
import SlipwayTensor
import Testing

@Suite struct ConvTests {
    /// Direct 2-D convolution (NCHW), the definition.
    func naiveConv(
        _ x: [Float], _ w: [Float], bias: [Float]?, n: Int, c: Int, h: Int, wd: Int, m: Int, kh: Int, kw: Int,
        stride: Int, pad: Int, dilation: Int, group: Int
    ) -> ([Float], [Int]) {
        let oh = (h + 2 * pad - (kh - 1) * dilation - 1) / stride + 1
        let ow = (wd + 2 * pad - (kw - 1) * dilation - 1) / stride + 1
        let cg = c / group, mg = m / group
        var y = [Float](repeating: 0, count: n * m * oh * ow)
        for b in 0..<n {
            for o in 0..<m {
                let g = o / mg
                for i in 0..<oh {
                    for j in 0..<ow {
                        var s = bias?[o] ?? 0
                        for ci in 0..<cg {
                            for p in 0..<kh {
                                for q in 0..<kw {
                                    let yy = i * stride - pad + p * dilation, xx = j * stride - pad + q * dilation
                                    guard yy >= 0, yy < h, xx >= 0, xx < wd else { continue }
                                    s += x[((b * c + g * cg + ci) * h + yy) * wd + xx] * w[((o * cg + ci) * kh + p) * kw + q]
                                }
                            }
                        }
                        y[((b * m + o) * oh + i) * ow + j] = s
                    }
                }
            }
        }
        return (y, [n, m, oh, ow])
    }

    @Test(arguments: [(1, 0, 1, 1), (2, 1, 1, 1), (1, 1, 2, 1), (2, 2, 1, 2), (1, 0, 1, 4)])
    func matchesDefinition(stride: Int, pad: Int, dilation: Int, group: Int) throws {
        var random = NNTestRandom(seed: UInt64(stride * 100 + pad * 10 + dilation + group * 1000))
        let (n, c, h, wd, m, kh, kw) = (2, 4, 9, 8, 8, 3, 3)
        let x = random.floats(n * c * h * wd), w = random.floats(m * (c / group) * kh * kw), bias = random.floats(m)
        let (expected, shape) = naiveConv(
            x, w, bias: bias, n: n, c: c, h: h, wd: wd, m: m, kh: kh, kw: kw, stride: stride, pad: pad, dilation: dilation, group: group)
        for constant in [false, true] {
            let y = try NNTest.run(
                "Conv", opset: 22,
                attributes: [
                    "strides": .ints([stride, stride]), "pads": .ints([pad, pad, pad, pad]), "dilations": .ints([dilation, dilation]),
                    "group": .int(group),
                ],
                inputs: [NNTest.tensor([n, c, h, wd], x), NNTest.tensor([m, c / group, kh, kw], w), NNTest.tensor([m], bias)],
                constantInputs: constant ? [1] : [])
            #expect(NNTest.shape(y[0]) == shape)
            #expect(NNTest.close(NNTest.floats(y[0]), expected))
        }
    }

    @Test func pointwiseAndOneDimensional() throws {
        var random = NNTestRandom(seed: 11)
        let x = random.floats(2 * 3 * 5), w = random.floats(4 * 3)
        let y = try NNTest.run("Conv", inputs: [NNTest.tensor([2, 3, 5], x), NNTest.tensor([4, 3, 1], w)])
        var expected = [Float](repeating: 0, count: 2 * 4 * 5)
        for b in 0..<2 {
            for o in 0..<4 { for t in 0..<5 { for c in 0..<3 { expected[(b * 4 + o) * 5 + t] += x[(b * 3 + c) * 5 + t] * w[o * 3 + c] } } }
        }
        #expect(NNTest.close(NNTest.floats(y[0]), expected))
    }

    @Test func autoPadSameUpperKeepsSize() throws {
        let x = NNTest.tensor([1, 1, 5, 5], (0..<25).map(Float.init)), w = NNTest.tensor([1, 1, 3, 3], Array(repeating: 1, count: 9))
        let y = try NNTest.run("Conv", attributes: ["auto_pad": .string("SAME_UPPER"), "strides": .ints([2, 2])], inputs: [x, w])
        #expect(NNTest.shape(y[0]) == [1, 1, 3, 3])
        #expect(NNTest.floats(y[0]) == [12, 27, 24, 63, 108, 81, 72, 117, 84])
    }

    @Test func threeDimensional() throws {
        let x = NNTest.tensor([1, 1, 3, 3, 3], Array(repeating: 1, count: 27)), w = NNTest.tensor([1, 1, 2, 2, 2], Array(repeating: 1, count: 8))
        let y = try NNTest.run("Conv", inputs: [x, w])
        #expect(NNTest.shape(y[0]) == [1, 1, 2, 2, 2])
        #expect(NNTest.floats(y[0]) == Array(repeating: 8, count: 8))
    }

    @Test func channelMismatchThrows() {
        #expect(throws: EngineError.self) {
            try NNTest.run("Conv", inputs: [NNTest.tensor([1, 2, 3, 3], Array(repeating: 1, count: 18)), NNTest.tensor([1, 3, 1, 1], [1, 1, 1])])
        }
    }

    @Test func convTransposeIsTheAdjoint() throws {
        // <conv(x), y> == <x, convT(y)> for the same weights, strides and pads.
        var random = NNTestRandom(seed: 21)
        let (c, m, h, w) = (2, 3, 5, 4)
        let x = random.floats(c * h * w), weights = random.floats(m * c * 3 * 3)
        let attributes: [String: AttributeValue] = ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]
        let conv = try NNTest.run("Conv", attributes: attributes, inputs: [NNTest.tensor([1, c, h, w], x), NNTest.tensor([m, c, 3, 3], weights)])
        let outShape = NNTest.shape(conv[0])
        let probe = random.floats(outShape.reduce(1, *))
        let transposed = try NNTest.run(
            "ConvTranspose", attributes: attributes.merging(["output_padding": .ints([(h + 2 - 3) % 2, (w + 2 - 3) % 2])]) { $1 },
            inputs: [NNTest.tensor(outShape, probe), NNTest.tensor([m, c, 3, 3], weights)])
        #expect(NNTest.shape(transposed[0]) == [1, c, h, w])
        let left = zip(NNTest.floats(conv[0]), probe).map(*).reduce(0, +)
        let right = zip(x, NNTest.floats(transposed[0])).map(*).reduce(0, +)
        #expect(abs(left - right) < 1e-3 * max(1, abs(left)))
    }

    @Test func convTransposeOutputShapeAndBias() throws {
        let x = NNTest.tensor([1, 1, 3, 3], Array(repeating: 1, count: 9)), w = NNTest.tensor([1, 2, 3, 3], Array(repeating: 1, count: 18))
        let y = try NNTest.run("ConvTranspose", inputs: [x, w, NNTest.tensor([2], [0, 1])])
        #expect(NNTest.shape(y[0]) == [1, 2, 5, 5])
        #expect(NNTest.floats(y[0]).prefix(5) == [1, 2, 3, 2, 1])
        let shaped = try NNTest.run("ConvTranspose", attributes: ["strides": .ints([3, 2]), "output_shape": .ints([10, 8])], inputs: [x, w])
        #expect(NNTest.shape(shaped[0]) == [1, 2, 10, 8])
    }
}

@Suite struct PoolTests {
    let image = NNTest.tensor([1, 1, 4, 4], (1...16).map(Float.init))

    @Test func maxPoolWithIndices() throws {
        let y = try NNTest.run(
            "MaxPool", opset: 22, attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])], inputs: [image], outputs: 2)
        #expect(NNTest.floats(y[0]) == [6, 8, 14, 16])
        #expect(y[1].tensor?.elements(as: Int64.self) == [5, 7, 13, 15])
        let columns = try NNTest.run(
            "MaxPool", opset: 22, attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "storage_order": .int(1)], inputs: [image],
            outputs: 2)
        #expect(columns[1].tensor?.elements(as: Int64.self) == [5, 13, 7, 15])
    }

    @Test func maxPoolPadsCeilAndIntegers() throws {
        let y = try NNTest.run(
            "MaxPool", opset: 22, attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "ceil_mode": .int(1)], inputs: [image])
        #expect(NNTest.shape(y[0]) == [1, 1, 2, 2])
        #expect(NNTest.floats(y[0]) == [11, 12, 15, 16])
        let bytes = Value.tensor(Tensor(uncheckedShape: [1, 1, 2, 2], storage: .uint8([1, 9, 3, 4])))
        let z = try NNTest.run("MaxPool", opset: 12, attributes: ["kernel_shape": .ints([2, 2]), "pads": .ints([1, 1, 0, 0])], inputs: [bytes])
        #expect(z[0].tensor?.elements(as: UInt8.self) == [1, 9, 3, 9])
    }

    @Test func averagePoolCountIncludePad() throws {
        let attributes: [String: AttributeValue] = ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])]
        let excluded = try NNTest.run("AveragePool", opset: 22, attributes: attributes, inputs: [image])
        #expect(NNTest.floats(excluded[0])[0] == Float(1 + 2 + 5 + 6) / 4)
        let included = try NNTest.run(
            "AveragePool", opset: 22, attributes: attributes.merging(["count_include_pad": .int(1)]) { $1 }, inputs: [image])
        #expect(NNTest.floats(included[0])[0] == Float(1 + 2 + 5 + 6) / 9)
        let same = try NNTest.run(
            "AveragePool", opset: 22, attributes: ["kernel_shape": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")], inputs: [image])
        #expect(NNTest.shape(same[0]) == [1, 1, 4, 4])
        #expect(NNTest.floats(same[0]).last == 16)
    }

    @Test func lpPoolAndGlobalPools() throws {
        let lp = try NNTest.run("LpPool", opset: 18, attributes: ["kernel_shape": .ints([4, 4])], inputs: [image])
        let expected = (1...16).map { Float($0 * $0) }.reduce(0, +).squareRoot()
        #expect(abs(NNTest.floats(lp[0])[0] - expected) < 1e-3)
        #expect(NNTest.floats(try NNTest.run("GlobalAveragePool", inputs: [image])[0]) == [8.5])
        #expect(NNTest.floats(try NNTest.run("GlobalMaxPool", inputs: [image])[0]) == [16])
        let glp = try NNTest.run("GlobalLpPool", attributes: ["p": .int(1)], inputs: [image])
        #expect(NNTest.floats(glp[0]) == [136])
        #expect(NNTest.shape(glp[0]) == [1, 1, 1, 1])
    }

    @Test func missingKernelShapeAndTooLargeWindowThrow() {
        #expect(throws: EngineError.self) { try NNTest.run("MaxPool", inputs: [image]) }
        #expect(throws: EngineError.self) { try NNTest.run("AveragePool", attributes: ["kernel_shape": .ints([5, 5])], inputs: [image]) }
    }
}

import Testing

@testable import SlipwayEngine

@Suite struct FastMathKernelTests {
    /// Random values over `scale`, plus the edge values every kernel must get right.
    func samples(seed: UInt64, count: Int, scale: Float) -> [Float] {
        var random = NNTestRandom(seed: seed)
        let edges: [Float] = [0, -0.0, 1, -1, 0.927_734_375, -0.927_734_375, 3.9, -3.9, 10, -10, .infinity, -.infinity, 87, -87, -90, 88]
        return edges + random.floats(count).map { $0 * scale }
    }

    @Test func vectorExpMatchesReference() {
        for count in [0, 1, 15, 16, 17, 100, 1000] {
            var values = samples(seed: UInt64(count) + 1, count: count, scale: 80)
            let expected = values.map(ElementwiseFastMath.expReference)
            ElementwiseFastMath.apply(&values, ElementwiseFastMath.exp)
            for (got, want) in zip(values, expected) {
                #expect(got == want || abs(got - want) <= 4e-7 * abs(want) || (want < 1e-37 && got < 1e-37), "exp: \(got) vs \(want)")
            }
        }
        var nan: [Float] = [.nan]
        ElementwiseFastMath.apply(&nan, ElementwiseFastMath.exp)
        #expect(nan[0].isNaN)
    }

    @Test func vectorErfMatchesReference() {
        for count in [0, 1, 15, 16, 17, 1000] {
            var values = samples(seed: UInt64(count) + 7, count: count, scale: 5)
            let expected = values.map(ElementwiseFastMath.erfReference)
            ElementwiseFastMath.apply(&values, ElementwiseFastMath.erf)
            for (got, want) in zip(values, expected) { #expect(abs(got - want) <= 2e-7, "erf: \(got) vs \(want)") }
        }
        var nan: [Float] = [.nan]
        ElementwiseFastMath.apply(&nan, ElementwiseFastMath.erf)
        #expect(nan[0].isNaN)
    }

    @Test func vectorReluMatchesReference() {
        for count in [0, 3, 16, 33] {
            var values = samples(seed: UInt64(count) + 11, count: count, scale: 3)
            let expected = values.map { $0 < 0 ? 0 : $0 }
            ElementwiseFastMath.apply(&values, ElementwiseFastMath.relu)
            #expect(values == expected)
        }
    }

    @Test func epilogueMatchesReference() throws {
        var random = NNTestRandom(seed: 5)
        for _ in 0..<20 {
            let rows = random.int(1...9), columns = random.int(1...40)
            let y = random.floats(rows * columns)
            let bias = random.int(0...1) == 0 ? [] : random.floats(columns)
            let gelu = NNFusedActivation.gelu(NNGelu(divisor: 1.4142135, one: 1, half: 0.5))
            for activation in [nil, NNFusedActivation.relu, gelu] {
                for scale in [nil, Float(0.25)] {
                    var got = y.map { $0 * 5 }
                    try NNEpilogue.apply(&got, columns: columns, bias: bias, activation: activation, scale: scale)
                    #expect(got == NNEpilogue.reference(y.map { $0 * 5 }, columns: columns, bias: bias, activation: activation, scale: scale))
                }
            }
        }
        var wrong: [Float] = [1, 2, 3]
        #expect(throws: EngineError.self) { try NNEpilogue.apply(&wrong, columns: 2, bias: [], activation: .relu) }
    }

    @Test func maxPool2DMatchesReference() throws {
        var random = NNTestRandom(seed: 9)
        for _ in 0..<30 {
            let h = random.int(1...12), w = random.int(1...12), kh = random.int(1...3), kw = random.int(1...3)
            let sh = random.int(1...3), sw = random.int(1...3), planes = random.int(1...3)
            guard kh <= h, kw <= w else { continue }
            let output = [(h - kh) / sh + 1, (w - kw) / sw + 1]
            let g = NNWindowGeometry(
                input: [h, w], kernel: [kh, kw], strides: [sh, sw], dilations: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], output: output)
            let x = random.floats(planes * h * w)
            let y = try #require(try NNPoolKernels.maxFloat2D(x, planes: planes, geometry: g))
            #expect(y == NNPoolKernels.maxFloat2DReference(x, planes: planes, geometry: g))
            let viaPlan = try NNPoolKernels.max(x, planes: planes, plan: NNPoolPlan(g), lowest: -Float.infinity, withIndices: false).0
            #expect(y == viaPlan)
        }
        let padded = NNWindowGeometry(
            input: [4, 4], kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], output: [3, 3])
        #expect(try NNPoolKernels.maxFloat2D([Float](repeating: 0, count: 16), planes: 1, geometry: padded) == nil)
    }

    @Test func im2col2DMatchesTableIm2col() throws {
        var random = NNTestRandom(seed: 13)
        for _ in 0..<40 {
            let h = random.int(1...9), w = random.int(1...9), kh = random.int(1...3), kw = random.int(1...3)
            let sh = random.int(1...2), sw = random.int(1...3), dh = random.int(1...2), dw = random.int(1...2)
            let pads = (0..<4).map { _ in random.int(0...2) }, channels = random.int(1...3)
            let oh = (h + pads[0] + pads[2] - ((kh - 1) * dh + 1)) / sh + 1
            let ow = (w + pads[1] + pads[3] - ((kw - 1) * dw + 1)) / sw + 1
            guard oh >= 1, ow >= 1, h + pads[0] + pads[2] >= (kh - 1) * dh + 1, w + pads[1] + pads[3] >= (kw - 1) * dw + 1 else { continue }
            let g = NNWindowGeometry(
                input: [h, w], kernel: [kh, kw], strides: [sh, sw], dilations: [dh, dw], padsBegin: [pads[0], pads[1]],
                padsEnd: [pads[2], pads[3]], output: [oh, ow])
            let x = random.floats(2 * channels * h * w)
            let count = channels * kh * kw * oh * ow
            var expected = [Float](repeating: 7, count: count), got = [Float](repeating: 7, count: count)
            try NNIm2Col.im2col(x, offset: channels * h * w, channels: channels, geometry: g, tables: NNIm2Col.coordinateTables(g), into: &expected)
            try NNIm2Col.im2col2D(x, offset: channels * h * w, channels: channels, geometry: g, into: &got)
            #expect(got == expected, "\(g)")
        }
    }

    @Test func im2col2DPackedMatchesIm2colThenPack() throws {
        var random = NNTestRandom(seed: 17)
        for _ in 0..<40 {
            let h = random.int(1...11), w = random.int(1...11), kh = random.int(1...3), kw = random.int(1...3)
            let sh = random.int(1...2), sw = random.int(1...3), dh = random.int(1...2), dw = random.int(1...2)
            let pads = (0..<4).map { _ in random.int(0...2) }, channels = random.int(1...3)
            guard h + pads[0] + pads[2] >= (kh - 1) * dh + 1, w + pads[1] + pads[3] >= (kw - 1) * dw + 1 else { continue }
            let oh = (h + pads[0] + pads[2] - ((kh - 1) * dh + 1)) / sh + 1
            let ow = (w + pads[1] + pads[3] - ((kw - 1) * dw + 1)) / sw + 1
            let g = NNWindowGeometry(
                input: [h, w], kernel: [kh, kw], strides: [sh, sw], dilations: [dh, dw], padsBegin: [pads[0], pads[1]],
                padsEnd: [pads[2], pads[3]], output: [oh, ow])
            let x = random.floats(channels * h * w)
            let depth = channels * kh * kw, outputSize = oh * ow
            var col = [Float](repeating: 0, count: depth * outputSize)
            try NNIm2Col.im2col2D(x, offset: 0, channels: channels, geometry: g, into: &col)
            let expected = try SGEMM.packB(col, .rowMajor(columns: outputSize), depth: depth, columns: outputSize)
            var packed = [Float](repeating: 0, count: expected.data.count)
            try NNIm2Col.im2col2DPacked(x, offset: 0, channels: channels, geometry: g, into: &packed)
            #expect(packed == expected.data, "\(g)")
        }
    }
}

import Testing

@testable import SlipwayEngine

@Suite struct NNDirectConvTests {
    /// The 2-D stride-1 geometry for the given sizes, or nil when the output would be empty.
    func geometry(h: Int, w: Int, kh: Int, kw: Int, dilations: [Int], pads: [Int]) -> NNWindowGeometry? {
        let oh = pads[0] + h + pads[2] - (kh - 1) * dilations[0]
        let ow = pads[1] + w + pads[3] - (kw - 1) * dilations[1]
        guard oh >= 1, ow >= 1 else { return nil }
        return NNWindowGeometry(
            input: [h, w], kernel: [kh, kw], strides: [1, 1], dilations: dilations, padsBegin: [pads[0], pads[1]],
            padsEnd: [pads[2], pads[3]], output: [oh, ow])
    }

    /// The direct kernel against im2col + the reference GEMM over random shapes, pads, dilations, groups,
    /// with and without bias and Relu.
    @Test func directConvolutionMatchesReference() throws {
        var random = NNTestRandom(seed: 4242)
        var checked = 0
        while checked < 150 {
            let group = random.int(1...3), cg = random.int(1...5), mg = random.int(1...13), n = random.int(1...3)
            let kh = random.int(1...4), kw = random.int(1...4)
            let dilations = [random.int(1...2), random.int(1...2)]
            let pads = (0..<4).map { _ in random.int(0...2) }
            let h = random.int(1...20), w = random.int(1...35)
            guard let g = geometry(h: h, w: w, kh: kh, kw: kw, dilations: dilations, pads: pads),
                NNDirectConv.supports(g, channelsPerGroup: cg)
            else { continue }
            let c = cg * group, m = mg * group, taps = cg * kh * kw
            let x = random.floats(n * c * h * w)
            let weights = random.floats(m * taps)
            let bias = random.int(0...1) == 0 ? nil : random.floats(m)
            let relu = random.int(0...1) == 0
            let packed = try NNDirectConv.pack(weights, outputChannels: m, group: group, taps: taps)
            let got = try NNDirectConv.run(x, n: n, channels: c, geometry: g, weights: packed, bias: bias, relu: relu)
            let expected = try NNDirectConv.reference(
                x, n: n, channels: c, group: group, geometry: g, w: weights, m: m, bias: bias, relu: relu)
            #expect(got.count == expected.count)
            let close = zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-5 * Float(taps) }
            #expect(close, "n \(n) c \(c) m \(m) group \(group) geometry \(g) bias \(bias != nil) relu \(relu)")
            checked += 1
        }
    }

    /// The cnn_small shapes exactly (28×28 pad 1 with 1→8 channels; 14×14 no pad with 8→16).
    @Test func modelShapesMatchReference() throws {
        var random = NNTestRandom(seed: 99)
        for (h, c, m, pad) in [(28, 1, 8, 1), (14, 8, 16, 0)] {
            let g = try #require(geometry(h: h, w: h, kh: 3, kw: 3, dilations: [1, 1], pads: [pad, pad, pad, pad]))
            #expect(NNDirectConv.supports(g, channelsPerGroup: c))
            let x = random.floats(5 * c * h * h), weights = random.floats(m * c * 9), bias = random.floats(m)
            let packed = try NNDirectConv.pack(weights, outputChannels: m, group: 1, taps: c * 9)
            let got = try NNDirectConv.run(x, n: 5, channels: c, geometry: g, weights: packed, bias: bias, relu: true)
            let expected = try NNDirectConv.reference(x, n: 5, channels: c, group: 1, geometry: g, w: weights, m: m, bias: bias, relu: true)
            #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-4 })
        }
    }

    @Test func rejectsUnsupportedGeometryAndMismatchedBuffers() throws {
        let strided = NNWindowGeometry(
            input: [8, 8], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], output: [3, 3])
        #expect(!NNDirectConv.supports(strided, channelsPerGroup: 1))
        let g = try #require(geometry(h: 6, w: 6, kh: 3, kw: 3, dilations: [1, 1], pads: [0, 0, 0, 0]))
        let packed = try NNDirectConv.pack([Float](repeating: 1, count: 18), outputChannels: 2, group: 1, taps: 9)
        #expect(throws: EngineError.self) {
            try NNDirectConv.run([Float](repeating: 0, count: 35), n: 1, channels: 1, geometry: g, weights: packed, bias: nil, relu: false)
        }
        #expect(throws: EngineError.self) { try NNDirectConv.pack([1, 2, 3], outputChannels: 2, group: 1, taps: 9) }
    }
}

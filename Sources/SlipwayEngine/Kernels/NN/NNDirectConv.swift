/// Float32 weights of a convolution packed for ``NNDirectConv``: per group, tiles of up to 6 output
/// channels, each stored tap-major (for every tap `(c, ki, kj)`, the tile's channel weights side by side).
struct NNDirectConvWeights: Sendable {
    /// Output channels per group.
    let outputChannels: Int
    /// Taps per output channel: `channels/group · kh · kw`.
    let taps: Int
    let groups: Int
    let data: [Float]
}

/// Direct 2-D convolution with stride 1 for few input channels (no im2col matrix).
///
/// Each image's channel planes are copied once into a zero-padded buffer of width `wp = pw₀ + w + pw₁`.
/// Output positions are then taken in the "extended" row-major order `p = oy · wp + ox` (columns
/// `ox ≥ ow` are computed and discarded), so that for every tap `(c, ki, kj)` the 16 inputs of 16
/// consecutive positions are one contiguous load at `p + c·planeSize + ki·dh·wp + kj·dw`, with no edge
/// branches. A micro-kernel keeps up to 6 output channels × 16 positions in registers (bias as the
/// initial value) and fused multiply-adds the broadcast weights; the valid columns are then copied into
/// the output with the optional Relu applied in the same store.
enum NNDirectConv {
    typealias Vector = SIMD16<Float>
    static let lanes = 16

    /// Whether the geometry is one this kernel computes (2-D, stride 1, non-negative pads, few taps, and
    /// at most half of the extended positions discarded).
    static func supports(_ g: NNWindowGeometry, channelsPerGroup cg: Int) -> Bool {
        guard g.spatial == 2, g.strides == [1, 1], g.dilations.allSatisfy({ $0 >= 1 }),
            g.padsBegin.allSatisfy({ $0 >= 0 }), g.padsEnd.allSatisfy({ $0 >= 0 }), cg >= 1, cg <= 32
        else { return false }
        let taps = cg * g.kernelSize
        let wp = g.padsBegin[1] + g.input[1] + g.padsEnd[1]
        let (oh, ow) = (g.output[0], g.output[1])
        return taps <= 288 && oh >= 1 && ow >= 1 && 2 * ow >= wp && !g.isPointwise
            && oh == g.padsBegin[0] + g.input[0] + g.padsEnd[0] - (g.kernel[0] - 1) * g.dilations[0]
            && ow == wp - (g.kernel[1] - 1) * g.dilations[1]
    }

    /// Output-channel tiles of one group: `(first channel, count)`, counts in {6, 4, 2, 1}.
    static func tiles(_ channels: Int) -> [(start: Int, count: Int)] {
        var result: [(start: Int, count: Int)] = []
        var start = 0
        while start < channels {
            let rest = channels - start
            let count = rest >= 6 && rest != 8 ? 6 : rest >= 4 ? 4 : rest >= 2 ? 2 : 1
            result.append((start, count))
            start += count
        }
        return result
    }

    /// Packs `W [m, taps]` (row-major, `m = group · outputChannels`).
    static func pack(_ w: [Float], outputChannels m: Int, group: Int, taps: Int) throws -> NNDirectConvWeights {
        guard group >= 1, m % group == 0, taps >= 1, w.count == m * taps else {
            throw EngineError.runtime("direct conv: \(w.count) weights do not fit \(m) channels × \(taps) taps in \(group) groups")
        }
        let mg = m / group
        var data = [Float](repeating: 0, count: m * taps)
        for g in 0..<group {
            for tile in tiles(mg) {
                let base = (g * mg + tile.start) * taps
                for t in 0..<taps {
                    for i in 0..<tile.count { data[base + t * tile.count + i] = w[base + i * taps + t] }
                }
            }
        }
        return NNDirectConvWeights(outputChannels: mg, taps: taps, groups: group, data: data)
    }

    /// `Y [n, m, oh, ow] = act(conv(X [n, c, h, w], W) + bias)`; `geometry` must satisfy ``supports(_:channelsPerGroup:)``.
    static func run(
        _ x: [Float], n: Int, channels c: Int, geometry g: NNWindowGeometry, weights: NNDirectConvWeights, bias: [Float]?, relu: Bool
    ) throws -> [Float] {
        let group = weights.groups, mg = weights.outputChannels, m = mg * group
        guard c % group == 0, supports(g, channelsPerGroup: c / group) else {
            throw EngineError.runtime("direct conv: geometry \(g) with \(c) channels in \(group) groups is not supported")
        }
        let cg = c / group
        let (h, w) = (g.input[0], g.input[1]), (kh, kw) = (g.kernel[0], g.kernel[1])
        let (dh, dw) = (g.dilations[0], g.dilations[1]), (ph, pw) = (g.padsBegin[0], g.padsBegin[1])
        let (oh, ow) = (g.output[0], g.output[1])
        let hp = ph + h + g.padsEnd[0], wp = pw + w + g.padsEnd[1]
        let taps = cg * kh * kw
        guard n >= 0, x.count == n * c * h * w, weights.taps == taps, weights.data.count == m * taps, bias.map({ $0.count == m }) ?? true
        else {
            throw EngineError.runtime("direct conv: buffers do not fit \(n)×\(c) images, \(m)×\(taps) weights, geometry \(g)")
        }
        let planeSize = hp * wp, inputSize = h * w, outputSize = oh * ow
        let positions = oh * wp
        let chunks = (positions + lanes - 1) / lanes
        let extended = chunks * lanes
        var offsets = [Int](repeating: 0, count: taps)
        var t = 0
        for ci in 0..<cg {
            for ki in 0..<kh {
                for kj in 0..<kw {
                    offsets[t] = ci * planeSize + ki * dh * wp + kj * dw
                    t += 1
                }
            }
        }
        let maxOffset = (cg - 1) * planeSize + (kh - 1) * dh * wp + (kw - 1) * dw
        // The last chunk's lanes past `positions` (discarded) read up to extended + maxOffset; they stay zero.
        var padded = [Float](repeating: 0, count: max(cg * planeSize, extended + maxOffset))
        var scratch = [Float](repeating: 0, count: mg * extended)
        let tileList = tiles(mg)
        let biasValues = bias ?? []
        let total = n * m * outputSize
        return [Float](unsafeUninitializedCapacity: total) { ys, initialized in
            x.withUnsafeBufferPointer { xs in
                weights.data.withUnsafeBufferPointer { ws in
                    offsets.withUnsafeBufferPointer { os in
                        biasValues.withUnsafeBufferPointer { bs in
                            padded.withUnsafeMutableBufferPointer { ps in
                                scratch.withUnsafeMutableBufferPointer { ss in
                                    // Safe because: sizes were checked above; padded holds cg planes of hp × wp plus the
                                    // slack read by the last chunk; interior copies stay inside row ph + iy, columns
                                    // [pw, pw + w); scratch holds mg rows of `extended`; every output index is
                                    // < n · m · oh · ow, and each of them is written exactly once.
                                    guard let xBase = xs.baseAddress, let wBase = ws.baseAddress, let oBase = os.baseAddress,
                                        let pBase = ps.baseAddress, let sBase = ss.baseAddress, let yBase = ys.baseAddress
                                    else { return }
                                    // An empty array may still have a base address: no bias means no pointer.
                                    let bBase = bias == nil ? nil : bs.baseAddress
                                    for image in 0..<n {
                                        for gi in 0..<group {
                                            let source = xBase + (image * c + gi * cg) * inputSize
                                            for ci in 0..<cg {
                                                for iy in 0..<h {
                                                    copy(source + ci * inputSize + iy * w, pBase + ci * planeSize + (ph + iy) * wp + pw, w)
                                                }
                                            }
                                            for tile in tileList {
                                                let channel = gi * mg + tile.start
                                                let tileWeights = wBase + channel * taps
                                                var b = SIMD8<Float>()
                                                if let bBase { for i in 0..<tile.count { b[i] = bBase[channel + i] } }
                                                let out = sBase + tile.start * extended
                                                for chunk in 0..<chunks {
                                                    let p = chunk * lanes
                                                    switch tile.count {
                                                    case 6:
                                                        micro(SGEMMRows6.self, taps, tileWeights, oBase, pBase + p, b, out + p, extended)
                                                    case 4:
                                                        micro(SGEMMRows4.self, taps, tileWeights, oBase, pBase + p, b, out + p, extended)
                                                    case 2:
                                                        micro(SGEMMRows2.self, taps, tileWeights, oBase, pBase + p, b, out + p, extended)
                                                    default:
                                                        micro(SGEMMRows1.self, taps, tileWeights, oBase, pBase + p, b, out + p, extended)
                                                    }
                                                }
                                            }
                                            for ch in 0..<mg {
                                                let from = sBase + ch * extended
                                                let to = yBase + ((image * m + gi * mg + ch) * outputSize)
                                                for oy in 0..<oh { store(from + oy * wp, to + oy * ow, ow, relu: relu) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = total
        }
    }

    /// The safe reference twin of ``run(_:n:channels:geometry:weights:bias:relu:)``: im2col through the
    /// coordinate tables, the plain reference GEMM, bias, then Relu. `w` is the unpacked `[m, taps]` matrix.
    static func reference(
        _ x: [Float], n: Int, channels c: Int, group: Int, geometry g: NNWindowGeometry, w: [Float], m: Int, bias: [Float]?, relu: Bool
    ) throws -> [Float] {
        let cg = c / group, mg = m / group, depth = cg * g.kernelSize, outputSize = g.outputSize
        var y = [Float](repeating: 0, count: n * m * outputSize)
        var col = [Float](repeating: 0, count: depth * outputSize)
        let tables = NNIm2Col.coordinateTables(g)
        for image in 0..<n {
            for gi in 0..<group {
                try NNIm2Col.im2col(x, offset: (image * c + gi * cg) * g.inputSize, channels: cg, geometry: g, tables: tables, into: &col)
                try GEMMReference.multiplyAdd(
                    a: w, GEMMLayout(offset: gi * mg * depth, rowStride: depth, columnStride: 1), b: col, .rowMajor(columns: outputSize),
                    m: mg, n: outputSize, k: depth, into: &y, offset: (image * m + gi * mg) * outputSize, ldc: outputSize)
            }
        }
        for i in y.indices {
            var v = y[i] + (bias.map { $0[(i / outputSize) % m] } ?? 0)
            if relu && v < 0 { v = 0 }
            y[i] = v
        }
        return y
    }

    @inline(__always)
    private static func fma(_ c: Vector, _ a: Vector, _ b: Vector) -> Vector {
        #if SLIPWAY_FMA
            return c.addingProduct(a, b)
        #else
            return c + a * b
        #endif
    }

    /// `count` floats from `source` to `target` with SIMD loads and stores (rows are short: no memmove call).
    @inline(__always)
    private static func copy(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int) {
        var j = 0
        while j + 8 <= count {
            UnsafeMutableRawPointer(target + j).storeBytes(
                of: UnsafeRawPointer(source + j).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            j += 8
        }
        while j < count {
            target[j] = source[j]
            j += 1
        }
    }

    /// One output row: `count` values, Relu applied when asked.
    @inline(__always)
    private static func store(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int, relu: Bool) {
        var j = 0
        while j + 8 <= count {
            var v = UnsafeRawPointer(source + j).loadUnaligned(as: SIMD8<Float>.self)
            if relu { v.replace(with: 0, where: v .< 0) }
            UnsafeMutableRawPointer(target + j).storeBytes(of: v, as: SIMD8<Float>.self)
            j += 8
        }
        while j < count {
            let v = source[j]
            target[j] = relu && v < 0 ? 0 : v
            j += 1
        }
    }

    /// `Rows.count` output channels × 16 extended positions: `out[i · outStride + lane] = b[i] + Σₜ w[t, i] · input[offsets[t] + lane]`.
    @inline(__always)
    private static func micro<Rows: SGEMMRowCount>(
        _: Rows.Type, _ taps: Int, _ w: UnsafePointer<Float>, _ offsets: UnsafePointer<Int>, _ input: UnsafePointer<Float>,
        _ b: SIMD8<Float>, _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        var c0 = Vector(repeating: b[0])
        var c1 = Vector(repeating: Rows.count > 1 ? b[1] : 0), c2 = Vector(repeating: Rows.count > 2 ? b[2] : 0)
        var c3 = Vector(repeating: Rows.count > 3 ? b[3] : 0), c4 = Vector(repeating: Rows.count > 4 ? b[4] : 0)
        var c5 = Vector(repeating: Rows.count > 5 ? b[5] : 0)
        var pw = w
        for t in 0..<taps {
            let v = UnsafeRawPointer(input + offsets[t]).loadUnaligned(as: Vector.self)
            c0 = fma(c0, Vector(repeating: pw[0]), v)
            if Rows.count > 1 { c1 = fma(c1, Vector(repeating: pw[1]), v) }
            if Rows.count > 2 { c2 = fma(c2, Vector(repeating: pw[2]), v) }
            if Rows.count > 3 { c3 = fma(c3, Vector(repeating: pw[3]), v) }
            if Rows.count > 4 { c4 = fma(c4, Vector(repeating: pw[4]), v) }
            if Rows.count > 5 { c5 = fma(c5, Vector(repeating: pw[5]), v) }
            pw += Rows.count
        }
        UnsafeMutableRawPointer(out).storeBytes(of: c0, as: Vector.self)
        if Rows.count > 1 { UnsafeMutableRawPointer(out + outStride).storeBytes(of: c1, as: Vector.self) }
        if Rows.count > 2 { UnsafeMutableRawPointer(out + 2 * outStride).storeBytes(of: c2, as: Vector.self) }
        if Rows.count > 3 { UnsafeMutableRawPointer(out + 3 * outStride).storeBytes(of: c3, as: Vector.self) }
        if Rows.count > 4 { UnsafeMutableRawPointer(out + 4 * outStride).storeBytes(of: c4, as: Vector.self) }
        if Rows.count > 5 { UnsafeMutableRawPointer(out + 5 * outStride).storeBytes(of: c5, as: Vector.self) }
    }
}

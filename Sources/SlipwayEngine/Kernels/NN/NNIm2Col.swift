import SlipwayTensor

/// Image-to-column rearrangement for convolutions (and its adjoint, column-to-image, for ConvTranspose).
///
/// For one image of `channels` planes, `im2col` writes the matrix `col[(c·K + kpos) × outputSize]` whose
/// column `o` holds the input values under the kernel at output position `o` (zero where the window lies
/// in padding), so that a convolution becomes `W[M × C·K] · col`.
enum NNIm2Col {
    /// Per spatial axis, for each (kernel index, output index): the input coordinate, or -1 in padding.
    static func coordinateTables(_ g: NNWindowGeometry) -> [[Int]] {
        (0..<g.spatial).map { axis in
            var table = [Int](repeating: -1, count: g.kernel[axis] * g.output[axis])
            for k in 0..<g.kernel[axis] {
                for o in 0..<g.output[axis] {
                    let coordinate = o * g.strides[axis] - g.padsBegin[axis] + k * g.dilations[axis]
                    if coordinate >= 0 && coordinate < g.input[axis] { table[k * g.output[axis] + o] = coordinate }
                }
            }
            return table
        }
    }

    /// Fills `col` (at least `channels · kernelSize · outputSize` elements) from `channels` planes of `x`
    /// starting at `offset`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func im2col<T: BinaryFloatingPoint>(
        _ x: [T], offset: Int, channels: Int, geometry g: NNWindowGeometry, tables: [[Int]], into col: inout [T]
    ) throws {
        let inputSize = g.inputSize, outputSize = g.outputSize, kernelSize = g.kernelSize
        guard offset >= 0, offset + channels * inputSize <= x.count, channels * kernelSize * outputSize <= col.count,
            tables.count == g.spatial, g.spatial >= 1
        else { throw EngineError.runtime("im2col: buffers do not fit the geometry \(g)") }
        let spatial = g.spatial
        let inputStrides = Shape.strides(g.input)
        let lastOut = g.output[spatial - 1]
        let leadCount = outputSize / max(lastOut, 1)
        x.withUnsafeBufferPointer { xs in
            col.withUnsafeMutableBufferPointer { cs in
                // Safe because: sizes were checked above and every coordinate read from `tables` is either
                // -1 (skipped) or inside [0, input[axis]).
                guard let xBase = xs.baseAddress, let cBase = cs.baseAddress else { return }
                var kernelIndex = [Int](repeating: 0, count: spatial)
                var outIndex = [Int](repeating: 0, count: spatial)
                for c in 0..<channels {
                    let plane = xBase + offset + c * inputSize
                    for kpos in 0..<kernelSize {
                        var rest = kpos
                        for axis in stride(from: spatial - 1, through: 0, by: -1) {
                            kernelIndex[axis] = rest % g.kernel[axis]
                            rest /= g.kernel[axis]
                        }
                        var row = cBase + (c * kernelSize + kpos) * outputSize
                        let lastTable = kernelIndex[spatial - 1] * lastOut
                        for i in 0..<(spatial - 1) { outIndex[i] = 0 }
                        for _ in 0..<leadCount {
                            var base = 0
                            var valid = true
                            for axis in 0..<(spatial - 1) {
                                let coordinate = tables[axis][kernelIndex[axis] * g.output[axis] + outIndex[axis]]
                                if coordinate < 0 {
                                    valid = false
                                    break
                                }
                                base += coordinate * inputStrides[axis]
                            }
                            if valid {
                                tables[spatial - 1].withUnsafeBufferPointer { t in
                                    // Safe because: lastTable + lastOut <= kernel * output for the last axis.
                                    guard let tBase = t.baseAddress else { return }
                                    let entries = tBase + lastTable
                                    let source = plane + base
                                    for o in 0..<lastOut {
                                        let coordinate = entries[o]
                                        row[o] = coordinate >= 0 ? source[coordinate] : 0
                                    }
                                }
                            } else {
                                row.update(repeating: 0, count: lastOut)
                            }
                            row += lastOut
                            var axis = spatial - 2
                            while axis >= 0 {
                                outIndex[axis] += 1
                                if outIndex[axis] < g.output[axis] { break }
                                outIndex[axis] = 0
                                axis -= 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// `im2col` for 2-D windows without a coordinate table: every (channel, kernel row, kernel column) row
    /// of `col` is built from contiguous input row segments, with the padding parts zero-filled; the
    /// result is identical to ``im2col(_:offset:channels:geometry:tables:into:)``.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func im2col2D<T: BinaryFloatingPoint>(
        _ x: [T], offset: Int, channels: Int, geometry g: NNWindowGeometry, into col: inout [T]
    ) throws {
        guard g.spatial == 2 else { throw EngineError.runtime("im2col2D: geometry \(g) is not 2-D") }
        let (h, w) = (g.input[0], g.input[1]), (kh, kw) = (g.kernel[0], g.kernel[1])
        let (oh, ow) = (g.output[0], g.output[1]), (sh, sw) = (g.strides[0], g.strides[1])
        let (dh, dw) = (g.dilations[0], g.dilations[1]), (ph, pw) = (g.padsBegin[0], g.padsBegin[1])
        let outputSize = oh * ow
        guard offset >= 0, offset + channels * h * w <= x.count, channels * kh * kw * outputSize <= col.count, sw >= 1, sh >= 1
        else { throw EngineError.runtime("im2col2D: buffers do not fit the geometry \(g)") }
        x.withUnsafeBufferPointer { xs in
            col.withUnsafeMutableBufferPointer { cs in
                // Safe because: sizes were checked above; every input read has 0 ≤ iy < h and 0 ≤ ix < w
                // (ox is limited to [first, last] computed for that), every write is inside its row of `col`.
                guard let xBase = xs.baseAddress, let cBase = cs.baseAddress else { return }
                var row = cBase
                for c in 0..<channels {
                    let plane = xBase + offset + c * h * w
                    for ki in 0..<kh {
                        for kj in 0..<kw {
                            // Output columns whose input column ox·sw - pw + kj·dw lies in [0, w).
                            let shift = kj * dw - pw
                            let first = shift >= 0 ? 0 : (-shift + sw - 1) / sw
                            let last = min(ow - 1, w - 1 - shift >= 0 ? (w - 1 - shift) / sw : -1)
                            for oy in 0..<oh {
                                let out = row + oy * ow
                                let iy = oy * sh - ph + ki * dh
                                if iy < 0 || iy >= h || first > last {
                                    out.update(repeating: 0, count: ow)
                                    continue
                                }
                                if first > 0 { out.update(repeating: 0, count: first) }
                                let source = plane + iy * w + shift
                                if sw == 1 {
                                    (out + first).update(from: source + first, count: last - first + 1)
                                } else {
                                    for ox in first...last { out[ox] = source[ox * sw] }
                                }
                                if last < ow - 1 { (out + last + 1).update(repeating: 0, count: ow - 1 - last) }
                            }
                            row += outputSize
                        }
                    }
                }
            }
        }
    }

    /// ``im2col2D(_:offset:channels:geometry:into:)`` written straight into the packed right-operand layout
    /// of ``SGEMM`` (column panels of `SGEMM.nr` output positions, depth-major), without materialising
    /// the whole column matrix. `packed` must hold `panels · nr · depth` values; lanes past `outputSize`
    /// are written as zero. `SGEMM.nr` must be 16 (one SIMD16 store per panel row).
    static func im2col2DPacked(
        _ x: [Float], offset: Int, channels: Int, geometry g: NNWindowGeometry, into packed: inout [Float]
    ) throws {
        guard g.spatial == 2 else { throw EngineError.runtime("im2col2DPacked: geometry \(g) is not 2-D") }
        let (h, w) = (g.input[0], g.input[1]), (kh, kw) = (g.kernel[0], g.kernel[1])
        let (oh, ow) = (g.output[0], g.output[1]), (sh, sw) = (g.strides[0], g.strides[1])
        let (dh, dw) = (g.dilations[0], g.dilations[1]), (ph, pw) = (g.padsBegin[0], g.padsBegin[1])
        let nr = SGEMM.nr
        let outputSize = oh * ow, depth = channels * kh * kw
        let panels = (outputSize + nr - 1) / nr
        guard nr == 16, offset >= 0, offset + channels * h * w <= x.count, panels * nr * depth <= packed.count, sw >= 1, sh >= 1
        else { throw EngineError.runtime("im2col2DPacked: buffers do not fit the geometry \(g)") }
        let panelStride = nr * depth
        // One im2col row at a time goes through a small buffer (in L1), then into the panels 16 lanes at a time.
        var rowBuffer = [Float](repeating: 0, count: panels * nr)
        x.withUnsafeBufferPointer { xs in
            packed.withUnsafeMutableBufferPointer { ps in
                rowBuffer.withUnsafeMutableBufferPointer { rs in
                    // Safe because: sizes were checked above; input reads are limited to 0 ≤ iy < h, 0 ≤ ix < w as
                    // in im2col2D; the row buffer holds panels · nr values (lanes past outputSize stay zero) and
                    // each panel write covers lanes [0, nr) of row k < depth of panel p < panels.
                    guard let xBase = xs.baseAddress, let pBase = ps.baseAddress, let out = rs.baseAddress else { return }
                    var k = 0
                    for c in 0..<channels {
                        let plane = xBase + offset + c * h * w
                        for ki in 0..<kh {
                            for kj in 0..<kw {
                                let shift = kj * dw - pw
                                let first = shift >= 0 ? 0 : (-shift + sw - 1) / sw
                                let last = min(ow - 1, w - 1 - shift >= 0 ? (w - 1 - shift) / sw : -1)
                                for oy in 0..<oh {
                                    let line = out + oy * ow
                                    let iy = oy * sh - ph + ki * dh
                                    if iy < 0 || iy >= h || first > last {
                                        line.update(repeating: 0, count: ow)
                                        continue
                                    }
                                    if first > 0 { line.update(repeating: 0, count: first) }
                                    let source = plane + iy * w + shift
                                    if sw == 1 {
                                        (line + first).update(from: source + first, count: last - first + 1)
                                    } else {
                                        for ox in first...last { line[ox] = source[ox * sw] }
                                    }
                                    if last < ow - 1 { (line + last + 1).update(repeating: 0, count: ow - 1 - last) }
                                }
                                for p in 0..<panels {
                                    let chunk = UnsafeRawPointer(out + p * nr).loadUnaligned(as: SIMD16<Float>.self)
                                    UnsafeMutableRawPointer(pBase + p * panelStride + k * nr).storeBytes(of: chunk, as: SIMD16<Float>.self)
                                }
                                k += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds every `col` entry into the image position it was read from.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func col2im<T: BinaryFloatingPoint>(
        _ col: [T], channels: Int, geometry g: NNWindowGeometry, tables: [[Int]], into y: inout [T], offset: Int
    ) throws {
        let inputSize = g.inputSize, outputSize = g.outputSize, kernelSize = g.kernelSize
        guard offset >= 0, offset + channels * inputSize <= y.count, channels * kernelSize * outputSize <= col.count,
            tables.count == g.spatial, g.spatial >= 1
        else { throw EngineError.runtime("col2im: buffers do not fit the geometry \(g)") }
        let spatial = g.spatial
        let inputStrides = Shape.strides(g.input)
        let lastOut = g.output[spatial - 1]
        let leadCount = outputSize / max(lastOut, 1)
        col.withUnsafeBufferPointer { cs in
            y.withUnsafeMutableBufferPointer { ys in
                // Safe because: sizes were checked above; coordinates are -1 (skipped) or in range.
                guard let cBase = cs.baseAddress, let yBase = ys.baseAddress else { return }
                var kernelIndex = [Int](repeating: 0, count: spatial)
                var outIndex = [Int](repeating: 0, count: spatial)
                for c in 0..<channels {
                    let plane = yBase + offset + c * inputSize
                    for kpos in 0..<kernelSize {
                        var rest = kpos
                        for axis in stride(from: spatial - 1, through: 0, by: -1) {
                            kernelIndex[axis] = rest % g.kernel[axis]
                            rest /= g.kernel[axis]
                        }
                        var row = cBase + (c * kernelSize + kpos) * outputSize
                        let lastTable = kernelIndex[spatial - 1] * lastOut
                        for i in 0..<(spatial - 1) { outIndex[i] = 0 }
                        for _ in 0..<leadCount {
                            var base = 0
                            var valid = true
                            for axis in 0..<(spatial - 1) {
                                let coordinate = tables[axis][kernelIndex[axis] * g.output[axis] + outIndex[axis]]
                                if coordinate < 0 {
                                    valid = false
                                    break
                                }
                                base += coordinate * inputStrides[axis]
                            }
                            if valid {
                                for o in 0..<lastOut {
                                    let coordinate = tables[spatial - 1][lastTable + o]
                                    if coordinate >= 0 { plane[base + coordinate] += row[o] }
                                }
                            }
                            row += lastOut
                            var axis = spatial - 2
                            while axis >= 0 {
                                outIndex[axis] += 1
                                if outIndex[axis] < g.output[axis] { break }
                                outIndex[axis] = 0
                                axis -= 1
                            }
                        }
                    }
                }
            }
        }
    }
}

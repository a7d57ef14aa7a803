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

import SlipwayTensor

/// One separable interpolation pass along an axis, for Resize's linear and cubic modes:
/// `out[o, j, i] = Σ_t weight[t] · in[o, index[t], i]` over the taps `t` of output index `j`
/// (or `extrapolation` for an output index outside a crop).
///
/// The input is viewed as `[outer, inputSize, inner]`; taps are stored compressed (`first[j]..<first[j+1]`).
enum LayoutInterpolation {
    /// The taps of every output index along one axis.
    struct Taps: Sendable {
        /// Taps of output `j` are `first[j]..<first[j + 1]`.
        var first: [Int] = [0]
        var indices: [Int] = []
        var weights: [Double] = []
        /// Output indices outside the crop (tf_crop_and_resize): they get the extrapolation value.
        var outside: [Bool] = []

        var outputSize: Int { outside.count }

        mutating func append(_ taps: [(index: Int, weight: Double)]) {
            for (i, w) in taps where w != 0 {
                indices.append(i)
                weights.append(w)
            }
            first.append(indices.count)
            outside.append(false)
        }

        mutating func appendOutside() {
            first.append(indices.count)
            outside.append(true)
        }
    }

    /// Checks the geometry: the source holds `outer × inputSize × inner` elements and every tap is in range.
    static func check(_ sourceCount: Int, outer: Int, inputSize: Int, inner: Int, taps: Taps) throws -> Int {
        guard outer >= 0, inputSize >= 0, inner >= 0, let count = Shape.elementCount([outer, inputSize, inner]), count == sourceCount,
            taps.first.count == taps.outputSize + 1, taps.indices.count == taps.weights.count,
            taps.first.last == taps.indices.count, taps.indices.allSatisfy({ $0 >= 0 && $0 < inputSize }),
            zip(taps.first, taps.first.dropFirst()).allSatisfy({ $0 <= $1 }),
            let total = Shape.elementCount([outer, taps.outputSize, inner]), total <= LayoutStridedCopy.maximumElements
        else {
            throw EngineError.runtime("interpolation: inconsistent geometry (\(outer) × \(inputSize) × \(inner), \(sourceCount) elements)")
        }
        return total
    }

    /// The fast pass over raw buffers.
    static func pass(_ source: [Double], outer: Int, inputSize: Int, inner: Int, taps: Taps, extrapolation: Double) throws -> [Double] {
        let total = try check(source.count, outer: outer, inputSize: inputSize, inner: inner, taps: taps)
        guard total > 0 else { return [] }
        let outputSize = taps.outputSize
        return Array(unsafeUninitializedCapacity: total) { buffer, initialized in
            source.withUnsafeBufferPointer { src in
                taps.indices.withUnsafeBufferPointer { indices in
                    taps.weights.withUnsafeBufferPointer { weights in
                        // Safe because: check() proved source has outer·inputSize·inner elements, every tap index is
                        // below inputSize and the result has outer·outputSize·inner elements, so every address below is in range.
                        guard let s = src.baseAddress, let d = buffer.baseAddress else { return }
                        d.initialize(repeating: 0, count: total)
                        for o in 0..<outer {
                            for j in 0..<outputSize {
                                let row = d + (o * outputSize + j) * inner
                                if taps.outside[j] {
                                    row.update(repeating: extrapolation, count: inner)
                                    continue
                                }
                                for t in taps.first[j]..<taps.first[j + 1] {
                                    let w = weights[t]
                                    let input = s + (o * inputSize + indices[t]) * inner
                                    for i in 0..<inner { row[i] += w * input[i] }
                                }
                            }
                        }
                        initialized = total
                    }
                }
            }
        }
    }

    /// The plain reference twin: checked array accesses, one output element at a time.
    static func passReference(_ source: [Double], outer: Int, inputSize: Int, inner: Int, taps: Taps, extrapolation: Double) -> [Double] {
        let outputSize = taps.outputSize
        var out = [Double](repeating: 0, count: outer * outputSize * inner)
        for o in 0..<outer {
            for j in 0..<outputSize {
                for i in 0..<inner {
                    let destination = (o * outputSize + j) * inner + i
                    if taps.outside[j] {
                        out[destination] = extrapolation
                        continue
                    }
                    var sum = 0.0
                    for t in taps.first[j]..<taps.first[j + 1] {
                        sum += taps.weights[t] * source[(o * inputSize + taps.indices[t]) * inner + i]
                    }
                    out[destination] = sum
                }
            }
        }
        return out
    }
}

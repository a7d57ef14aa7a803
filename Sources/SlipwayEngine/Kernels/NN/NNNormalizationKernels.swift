import RealModule

/// Row statistics and affine normalisation for LayerNormalization, InstanceNormalization,
/// GroupNormalization and BatchNormalization: `rows` contiguous runs of `size` elements.
enum NNNormalizationKernels {
    /// Mean and `1/sqrt(variance + epsilon)` (population variance, two passes) of each row.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func statistics<T: NNReal>(_ x: [T], rows: Int, size: Int, epsilon: T) throws -> (mean: [T], invStdDev: [T]) {
        guard rows * size == x.count else { throw EngineError.runtime("normalization: \(x.count) elements are not \(rows)×\(size)") }
        var mean = [T](repeating: 0, count: rows)
        var inv = [T](repeating: 0, count: rows)
        guard size > 0 else { return (mean, inv) }
        x.withUnsafeBufferPointer { xs in
            // Safe because: x holds rows × size elements (checked above).
            guard let base = xs.baseAddress else { return }
            for r in 0..<rows {
                let row = base + r * size
                let m = sum(row, size) / T(size)
                var acc = SIMD8<T>()
                let mv = SIMD8<T>(repeating: m)
                var i = 0
                while i + 8 <= size {
                    let d = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<T>.self) - mv
                    acc += d * d
                    i += 8
                }
                var total = acc.sum()
                while i < size {
                    let d = row[i] - m
                    total += d * d
                    i += 1
                }
                mean[r] = m
                inv[r] = 1 / (total / T(size) + epsilon).squareRoot()
            }
        }
        return (mean, inv)
    }

    @inline(__always)
    static func sum<T: NNReal>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var acc = SIMD8<T>()
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<T>.self)
            i += 8
        }
        var total = acc.sum()
        while i < n {
            total += p[i]
            i += 1
        }
        return total
    }

    /// `y[r, j] = (x[r, j] - mean[r]) · invStdDev[r] · scale[j] + bias[j]` with per-column scale/bias of length `size`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func normalizeRows<T: NNReal>(
        _ x: [T], rows: Int, size: Int, mean: [T], invStdDev: [T], scale: [T]?, bias: [T]?
    ) throws -> [T] {
        guard rows * size == x.count, mean.count == rows, invStdDev.count == rows,
            scale.map({ $0.count == size }) ?? true, bias.map({ $0.count == size }) ?? true
        else { throw EngineError.runtime("normalization: operand sizes do not fit \(rows)×\(size)") }
        var y = [T](repeating: 0, count: x.count)
        let ones = [T](repeating: 1, count: scale == nil ? size : 0)
        let zeros = [T](repeating: 0, count: bias == nil ? size : 0)
        let s = scale ?? ones, b = bias ?? zeros
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                s.withUnsafeBufferPointer { ss in
                    b.withUnsafeBufferPointer { bs in
                        // Safe because: all sizes were checked above.
                        guard let xBase = xs.baseAddress, let yBase = ys.baseAddress, let sBase = ss.baseAddress, let bBase = bs.baseAddress
                        else { return }
                        for r in 0..<rows {
                            let row = xBase + r * size, out = yBase + r * size
                            let m = mean[r], k = invStdDev[r]
                            for j in 0..<size { out[j] = (row[j] - m) * k * sBase[j] + bBase[j] }
                        }
                    }
                }
            }
        }
        return y
    }

    /// `y = x · a[c] + b[c]` where rows of `size` elements cycle through `a.count` channels
    /// (row r uses channel `r % channels`): BatchNormalization, Instance/GroupNormalization's affine step.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func channelAffine<T: NNReal>(_ x: [T], rows: Int, size: Int, a: [T], b: [T]) throws -> [T] {
        let channels = a.count
        guard rows * size == x.count, channels > 0, b.count == channels else {
            throw EngineError.runtime("normalization: operand sizes do not fit \(rows)×\(size)")
        }
        var y = [T](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                // Safe because: x and y hold rows × size elements.
                guard let xBase = xs.baseAddress, let yBase = ys.baseAddress else { return }
                for r in 0..<rows {
                    let c = r % channels
                    let scale = a[c], shift = b[c]
                    let row = xBase + r * size, out = yBase + r * size
                    for j in 0..<size { out[j] = row[j] * scale + shift }
                }
            }
        }
        return y
    }
}

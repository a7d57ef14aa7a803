import RealModule

/// Softmax, LogSoftmax and Hardmax along one axis of a tensor viewed as `[outer, axis, inner]`.
///
/// With `inner == 1` (the last axis, or the opset < 13 "coerce to 2-D" form) every row is contiguous and
/// is processed in one max pass, one exp-and-sum pass and one scaling pass. Otherwise the loops run over
/// contiguous inner blocks.
enum NNSoftmaxKernels {
    enum Mode: Sendable { case softmax, logSoftmax, hardmax }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func apply<T: NNReal>(_ x: [T], outer: Int, axis: Int, inner: Int, mode: Mode) throws -> [T] {
        guard outer * axis * inner == x.count else {
            throw EngineError.runtime("softmax: \(x.count) elements are not \(outer)×\(axis)×\(inner)")
        }
        var y = [T](repeating: 0, count: x.count)
        guard axis > 0, x.count > 0 else { return y }
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                // Safe because: x and y both hold outer × axis × inner elements (checked above).
                guard let xBase = xs.baseAddress, let yBase = ys.baseAddress else { return }
                if inner == 1, mode == .softmax, T.self == Float.self {
                    // Safe because: T is Float (checked), so the rebinding is an identity.
                    let xf = UnsafeRawPointer(xBase).assumingMemoryBound(to: Float.self)
                    let yf = UnsafeMutableRawPointer(yBase).assumingMemoryBound(to: Float.self)
                    var scratch = [Float](repeating: 0, count: 16)
                    scratch.withUnsafeMutableBufferPointer { ss in
                        guard let sBase = ss.baseAddress else { return }
                        for r in 0..<outer { softmaxRowFloat(xf + r * axis, yf + r * axis, axis, scratch: sBase) }
                    }
                } else if inner == 1 {
                    for r in 0..<outer { row(xBase + r * axis, yBase + r * axis, axis, mode) }
                } else {
                    var scratch = [T](repeating: 0, count: 2 * inner)
                    scratch.withUnsafeMutableBufferPointer { ss in
                        guard let sBase = ss.baseAddress else { return }
                        for o in 0..<outer {
                            strided(xBase + o * axis * inner, yBase + o * axis * inner, axis, inner, mode, sBase)
                        }
                    }
                }
            }
        }
        return y
    }

    /// One contiguous float32 softmax row, vectorised throughout (maximum, exp, sum and scaling 16 lanes at a
    /// time; the tail goes through `scratch`, 16 floats, padded with -inf so its extra lanes add exp(-inf) = 0).
    static func softmaxRowFloat(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, scratch: UnsafeMutablePointer<Float>) {
        typealias V = SIMD16<Float>
        // A NaN first element makes the scalar maximum NaN: the scalar path gives the exact IEEE results.
        guard !x[0].isNaN else {
            row(x, y, n, .softmax)
            return
        }
        if n < 16 {
            shortSoftmaxRowFloat(x, y, n, scratch: scratch)
            return
        }
        // Lanes start at x[0] and only move to greater values, like the scalar scan (a NaN never wins).
        var lanes = V(repeating: x[0])
        var i = 0
        while i + 16 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            lanes.replace(with: v, where: v .> lanes)
            i += 16
        }
        var maximum = lanes.max()
        for j in i..<n where x[j] > maximum { maximum = x[j] }
        guard maximum.isFinite else {
            // Infinite maximum: the scalar path gives the exact IEEE results.
            row(x, y, n, .softmax)
            return
        }
        let m = V(repeating: maximum)
        var sums = V()
        i = 0
        while i + 16 <= n {
            let e = ElementwiseFastMath.exp(UnsafeRawPointer(x + i).loadUnaligned(as: V.self) - m)
            UnsafeMutableRawPointer(y + i).storeBytes(of: e, as: V.self)
            sums += e
            i += 16
        }
        let tail = n - i
        if tail > 0 {
            for j in 0..<16 { scratch[j] = j < tail ? x[i + j] - maximum : -.infinity }
            let e = ElementwiseFastMath.exp(UnsafeRawPointer(scratch).loadUnaligned(as: V.self))
            sums += e
            UnsafeMutableRawPointer(scratch).storeBytes(of: e, as: V.self)
            for j in 0..<tail { y[i + j] = scratch[j] }
        }
        let scale = 1 / sums.sum()
        let sv = V(repeating: scale)
        i = 0
        while i + 16 <= n {
            let raw = UnsafeMutableRawPointer(y + i)
            raw.storeBytes(of: raw.loadUnaligned(as: V.self) * sv, as: V.self)
            i += 16
        }
        for j in i..<n { y[j] *= scale }
    }

    /// A row of fewer than 16 values: scalar maximum, one vector exp through `scratch`, scalar sum and scaling
    /// (the code of the earlier row kernel; the vector maximum and sum would only ever see one partial vector).
    private static func shortSoftmaxRowFloat(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        var maximum = x[0]
        for i in 1..<n where x[i] > maximum { maximum = x[i] }
        guard maximum.isFinite else {
            row(x, y, n, .softmax)
            return
        }
        for j in 0..<16 { scratch[j] = j < n ? x[j] - maximum : -.infinity }
        let e = ElementwiseFastMath.exp(UnsafeRawPointer(scratch).loadUnaligned(as: SIMD16<Float>.self))
        UnsafeMutableRawPointer(scratch).storeBytes(of: e, as: SIMD16<Float>.self)
        var sum: Float = 0
        for j in 0..<n {
            y[j] = scratch[j]
            sum += scratch[j]
        }
        let scale = 1 / sum
        for j in 0..<n { y[j] *= scale }
    }

    @inline(__always)
    private static func rowMax<T: NNReal>(_ x: UnsafePointer<T>, _ n: Int) -> (T, Int) {
        var best = x[0]
        var index = 0
        for i in 1..<n where x[i] > best {
            best = x[i]
            index = i
        }
        return (best, index)
    }

    private static func row<T: NNReal>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, _ mode: Mode) {
        let (maximum, index) = rowMax(x, n)
        switch mode {
        case .hardmax:
            y[index] = 1
        case .softmax:
            var sum: T = 0
            for i in 0..<n {
                let e = T.exp(x[i] - maximum)
                y[i] = e
                sum += e
            }
            let scale = 1 / sum
            for i in 0..<n { y[i] *= scale }
        case .logSoftmax:
            var sum: T = 0
            for i in 0..<n { sum += T.exp(x[i] - maximum) }
            let shift = maximum + T.log(sum)
            for i in 0..<n { y[i] = x[i] - shift }
        }
    }

    private static func strided<T: NNReal>(
        _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, _ inner: Int, _ mode: Mode, _ scratch: UnsafeMutablePointer<T>
    ) {
        let maxima = scratch, sums = scratch + inner
        for j in 0..<inner { maxima[j] = x[j] }
        if mode == .hardmax {
            // First index of the maximum per inner position.
            var argmax = [Int](repeating: 0, count: inner)
            for i in 1..<n {
                let rowX = x + i * inner
                for j in 0..<inner where rowX[j] > maxima[j] {
                    maxima[j] = rowX[j]
                    argmax[j] = i
                }
            }
            for j in 0..<inner { y[argmax[j] * inner + j] = 1 }
            return
        }
        for i in 1..<n {
            let rowX = x + i * inner
            for j in 0..<inner { maxima[j] = Swift.max(maxima[j], rowX[j]) }
        }
        for j in 0..<inner { sums[j] = 0 }
        for i in 0..<n {
            let rowX = x + i * inner, rowY = y + i * inner
            for j in 0..<inner {
                let e = T.exp(rowX[j] - maxima[j])
                rowY[j] = e
                sums[j] += e
            }
        }
        if mode == .softmax {
            for j in 0..<inner { sums[j] = 1 / sums[j] }
            for i in 0..<n {
                let rowY = y + i * inner
                for j in 0..<inner { rowY[j] *= sums[j] }
            }
        } else {
            for j in 0..<inner { sums[j] = maxima[j] + T.log(sums[j]) }
            for i in 0..<n {
                let rowX = x + i * inner, rowY = y + i * inner
                for j in 0..<inner { rowY[j] = rowX[j] - sums[j] }
            }
        }
    }
}

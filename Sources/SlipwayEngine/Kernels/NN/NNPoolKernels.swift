import RealModule

/// Pooling reductions over the windows of an ``NNPoolPlan``, one input plane (one image, one channel) at a
/// time. Each output position reads the plan's tap offsets relative to its plane.
enum NNPoolKernels {
    static func checkSizes(_ count: Int, planes: Int, plan: NNPoolPlan) throws {
        guard count == planes * plan.geometry.inputSize, plan.tapStart.count == plan.geometry.outputSize + 1,
            plan.taps.allSatisfy({ $0 >= 0 && $0 < plan.geometry.inputSize })
        else { throw EngineError.runtime("pool: input of \(count) elements does not fit \(planes) planes of \(plan.geometry.input)") }
    }

    /// Window maxima; `lowest` for windows entirely in padding. Also returns the flat input index of each
    /// maximum (first one on ties) when `withIndices`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    @_specialize(where T == Int8)
    @_specialize(where T == UInt8)
    static func max<T: Comparable>(_ x: [T], planes: Int, plan: NNPoolPlan, lowest: T, withIndices: Bool) throws -> ([T], [Int]) {
        try checkSizes(x.count, planes: planes, plan: plan)
        let inputSize = plan.geometry.inputSize, outputSize = plan.geometry.outputSize
        var y = [T](repeating: lowest, count: planes * outputSize)
        var indices = [Int](repeating: 0, count: withIndices ? planes * outputSize : 0)
        x.withUnsafeBufferPointer { xs in
            plan.taps.withUnsafeBufferPointer { taps in
                plan.tapStart.withUnsafeBufferPointer { starts in
                    y.withUnsafeMutableBufferPointer { ys in
                        // Safe because: checkSizes proved every tap is inside one plane and x holds `planes` planes;
                        // y has planes × outputSize elements.
                        guard let xBase = xs.baseAddress, let yBase = ys.baseAddress else { return }
                        for plane in 0..<planes {
                            let source = xBase + plane * inputSize
                            let out = yBase + plane * outputSize
                            for o in 0..<outputSize {
                                let start = starts[o], end = starts[o + 1]
                                guard start < end else { continue }
                                var best = source[taps[start]]
                                var bestTap = taps[start]
                                var t = start + 1
                                while t < end {
                                    let v = source[taps[t]]
                                    if v > best {
                                        best = v
                                        bestTap = taps[t]
                                    }
                                    t += 1
                                }
                                out[o] = best
                                if withIndices { indices[plane * outputSize + o] = plane * inputSize + bestTap }
                            }
                        }
                    }
                }
            }
        }
        return (y, indices)
    }

    /// Float32 2-D max pooling without padding or dilation, read straight from the window geometry (no tap
    /// table); nil when the geometry is not of that form. Same tie and NaN behaviour as ``max(_:planes:plan:lowest:withIndices:)``
    /// (taps in row-major window order, a later tap wins only when strictly greater).
    static func maxFloat2D(_ x: [Float], planes: Int, geometry g: NNWindowGeometry) throws -> [Float]? {
        guard g.spatial == 2, g.padsBegin.allSatisfy({ $0 == 0 }), g.dilations.allSatisfy({ $0 == 1 }),
            g.kernel.allSatisfy({ $0 >= 1 }), g.output.allSatisfy({ $0 >= 1 })
        else { return nil }
        let (h, w) = (g.input[0], g.input[1]), (kh, kw) = (g.kernel[0], g.kernel[1])
        let (sh, sw) = (g.strides[0], g.strides[1]), (oh, ow) = (g.output[0], g.output[1])
        // Every window must lie inside the input (padsEnd may only cover windows that do).
        guard (oh - 1) * sh + kh <= h, (ow - 1) * sw + kw <= w, x.count == planes * h * w else { return nil }
        if kh == 2, kw == 2, sh == 2, sw == 2 {
            // The common 2×2/2 case: pairs of lanes of two input rows, 8 outputs per vector step.
            var y = [Float](repeating: 0, count: planes * oh * ow)
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeMutableBufferPointer { ys in
                    // Safe because: as below (every window inside its plane, checked above); a vector step reads
                    // 16 values of a row only when 2·c + 16 ≤ w.
                    guard let xBase = xs.baseAddress, let yBase = ys.baseAddress else { return }
                    for plane in 0..<planes {
                        let source = xBase + plane * h * w
                        let out = yBase + plane * oh * ow
                        for r in 0..<oh {
                            let a = source + 2 * r * w, b = a + w, o = out + r * ow
                            var c = 0
                            while c + 8 <= ow && 2 * c + 16 <= w {
                                let va = UnsafeRawPointer(a + 2 * c).loadUnaligned(as: SIMD16<Float>.self)
                                let vb = UnsafeRawPointer(b + 2 * c).loadUnaligned(as: SIMD16<Float>.self)
                                var best = va.evenHalf
                                best.replace(with: va.oddHalf, where: va.oddHalf .> best)
                                best.replace(with: vb.evenHalf, where: vb.evenHalf .> best)
                                best.replace(with: vb.oddHalf, where: vb.oddHalf .> best)
                                UnsafeMutableRawPointer(o + c).storeBytes(of: best, as: SIMD8<Float>.self)
                                c += 8
                            }
                            while c < ow {
                                var best = a[2 * c]
                                if a[2 * c + 1] > best { best = a[2 * c + 1] }
                                if b[2 * c] > best { best = b[2 * c] }
                                if b[2 * c + 1] > best { best = b[2 * c + 1] }
                                o[c] = best
                                c += 1
                            }
                        }
                    }
                }
            }
            return y
        }
        var y = [Float](repeating: 0, count: planes * oh * ow)
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                // Safe because: x holds planes × h × w values and every window lies inside its plane (checked above);
                // y holds planes × oh × ow values.
                guard let xBase = xs.baseAddress, let yBase = ys.baseAddress else { return }
                for plane in 0..<planes {
                    let source = xBase + plane * h * w
                    var out = yBase + plane * oh * ow
                    for r in 0..<oh {
                        let top = source + r * sh * w
                        for c in 0..<ow {
                            let corner = top + c * sw
                            var best = corner[0]
                            for i in 0..<kh {
                                let line = corner + i * w
                                for j in 0..<kw where line[j] > best { best = line[j] }
                            }
                            out[c] = best
                        }
                        out += ow
                    }
                }
            }
        }
        return y
    }

    /// The safe reference twin of ``maxFloat2D(_:planes:geometry:)``.
    static func maxFloat2DReference(_ x: [Float], planes: Int, geometry g: NNWindowGeometry) -> [Float] {
        let (h, w) = (g.input[0], g.input[1]), (oh, ow) = (g.output[0], g.output[1])
        var y: [Float] = []
        for plane in 0..<planes {
            for r in 0..<oh {
                for c in 0..<ow {
                    var best = x[plane * h * w + r * g.strides[0] * w + c * g.strides[1]]
                    for i in 0..<g.kernel[0] {
                        for j in 0..<g.kernel[1] {
                            let v = x[plane * h * w + (r * g.strides[0] + i) * w + c * g.strides[1] + j]
                            if v > best { best = v }
                        }
                    }
                    y.append(best)
                }
            }
        }
        return y
    }

    /// Window means; the divisor counts padding taps when `countIncludePad`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func average<T: BinaryFloatingPoint>(_ x: [T], planes: Int, plan: NNPoolPlan, countIncludePad: Bool) throws -> [T] {
        try checkSizes(x.count, planes: planes, plan: plan)
        let inputSize = plan.geometry.inputSize, outputSize = plan.geometry.outputSize
        var y = [T](repeating: 0, count: planes * outputSize)
        x.withUnsafeBufferPointer { xs in
            plan.taps.withUnsafeBufferPointer { taps in
                plan.tapStart.withUnsafeBufferPointer { starts in
                    y.withUnsafeMutableBufferPointer { ys in
                        // Safe because: see `max`.
                        guard let xBase = xs.baseAddress, let yBase = ys.baseAddress else { return }
                        for plane in 0..<planes {
                            let source = xBase + plane * inputSize
                            let out = yBase + plane * outputSize
                            for o in 0..<outputSize {
                                let start = starts[o], end = starts[o + 1]
                                var sum: T = 0
                                for t in start..<end { sum += source[taps[t]] }
                                let divisor = countIncludePad ? plan.paddedCount[o] : end - start
                                out[o] = divisor > 0 ? sum / T(divisor) : 0
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Window p-norms `(Σ |x|^p)^(1/p)` (padding counts as zero).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func lpNorm<T: NNReal>(_ x: [T], planes: Int, plan: NNPoolPlan, p: Int) throws -> [T] {
        try checkSizes(x.count, planes: planes, plan: plan)
        let inputSize = plan.geometry.inputSize, outputSize = plan.geometry.outputSize
        var y = [T](repeating: 0, count: planes * outputSize)
        let exponent = T(p)
        for plane in 0..<planes {
            let base = plane * inputSize
            for o in 0..<outputSize {
                var sum: T = 0
                for t in plan.tapStart[o]..<plan.tapStart[o + 1] {
                    let v = Swift.abs(x[base + plan.taps[t]])
                    sum += p == 1 ? v : (p == 2 ? v * v : T.pow(v, exponent))
                }
                y[plane * outputSize + o] = p == 1 ? sum : (p == 2 ? sum.squareRoot() : T.pow(sum, 1 / exponent))
            }
        }
        return y
    }
}

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

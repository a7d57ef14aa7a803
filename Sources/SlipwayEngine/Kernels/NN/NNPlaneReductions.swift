import RealModule

/// Reductions of contiguous planes (the global pools): `planes` runs of `size` elements each.
enum NNPlaneReductions {
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func reduce<T: NNReal>(_ x: [T], planes: Int, size: Int, kind: NNGlobalPool.Kind) throws -> [T] {
        guard x.count == planes * size else { throw EngineError.runtime("global pool: \(x.count) elements are not \(planes) planes of \(size)") }
        var y = [T](repeating: 0, count: planes)
        guard size > 0 else { return y }
        x.withUnsafeBufferPointer { xs in
            // Safe because: x holds exactly planes × size elements (checked above).
            guard let base = xs.baseAddress else { return }
            for plane in 0..<planes {
                let row = base + plane * size
                switch kind {
                case .average:
                    var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
                    var i = 0
                    while i + 4 <= size {
                        s0 += row[i]
                        s1 += row[i + 1]
                        s2 += row[i + 2]
                        s3 += row[i + 3]
                        i += 4
                    }
                    while i < size {
                        s0 += row[i]
                        i += 1
                    }
                    y[plane] = (s0 + s1 + s2 + s3) / T(size)
                case .max:
                    var best = row[0]
                    for i in 1..<size where row[i] > best { best = row[i] }
                    y[plane] = best
                case .lp(let p):
                    var sum: T = 0
                    let exponent = T(p)
                    for i in 0..<size {
                        let v = Swift.abs(row[i])
                        sum += p == 1 ? v : (p == 2 ? v * v : T.pow(v, exponent))
                    }
                    y[plane] = p == 1 ? sum : (p == 2 ? sum.squareRoot() : T.pow(sum, 1 / exponent))
                }
            }
        }
        return y
    }
}

/// The inner products of SVMClassifier and SVMRegressor: for every row of `x` (`k` features) and every one
/// of `m` vectors, either the dot product or the squared Euclidean distance.
///
/// The vectors are stored transposed (`vectorsT[j * m + v]` is feature `j` of vector `v`), so the inner loop
/// runs over vectors, contiguous in memory, and vectorises without reordering any sum: each output still
/// adds its `k` terms in feature order, exactly like the row-by-row reference twins.
enum MLSVMKernels {
    /// Transposes `m` row-major vectors of `k` values into the `k × m` layout the kernels read.
    static func transpose(_ vectors: [Float], m: Int, k: Int) -> [Float] {
        guard m > 0, k > 0, vectors.count >= m * k else { return [] }
        var t = [Float](repeating: 0, count: m * k)
        for v in 0..<m {
            for j in 0..<k { t[j * m + v] = vectors[v * k + j] }
        }
        return t
    }

    /// `out[r * m + v] = Σ_j x[r * k + j] * vectorsT[j * m + v]` (sums in feature order).
    static func dots(x: [Float], rows: Int, k: Int, vectorsT: [Float], m: Int) -> [Float] {
        products(x: x, rows: rows, k: k, vectorsT: vectorsT, m: m, squaredDistance: false)
    }

    /// `out[r * m + v] = Σ_j (x[r * k + j] - vectorsT[j * m + v])²` (sums in feature order).
    static func squaredDistances(x: [Float], rows: Int, k: Int, vectorsT: [Float], m: Int) -> [Float] {
        products(x: x, rows: rows, k: k, vectorsT: vectorsT, m: m, squaredDistance: true)
    }

    private static func products(x: [Float], rows: Int, k: Int, vectorsT: [Float], m: Int, squaredDistance: Bool) -> [Float] {
        let count = rows * m
        guard rows > 0, m > 0, k >= 0, x.count >= rows * k, vectorsT.count >= k * m else {
            return reference(x: x, rows: rows, k: k, vectorsT: vectorsT, m: m, squaredDistance: squaredDistance)
        }
        return x.withUnsafeBufferPointer { xb in
            vectorsT.withUnsafeBufferPointer { vb in
                Array(unsafeUninitializedCapacity: count) { out, initialized in
                    // Safe because: rows * k <= x.count and k * m <= vectorsT.count (checked above), and the
                    // output buffer holds rows * m elements; no pointer leaves this closure.
                    guard let o = out.baseAddress else { return }
                    o.initialize(repeating: 0, count: count)
                    initialized = count
                    guard let xp = xb.baseAddress, let vp = vb.baseAddress else { return }
                    for r in 0..<rows {
                        let acc = o + r * m
                        let xr = xp + r * k
                        for j in 0..<k {
                            let xv = xr[j]
                            let column = vp + j * m
                            if squaredDistance {
                                for v in 0..<m {
                                    let d = xv - column[v]
                                    acc[v] += d * d
                                }
                            } else {
                                for v in 0..<m { acc[v] += xv * column[v] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The plain, bounds-checked twin of ``dots(x:rows:k:vectorsT:m:)`` and
    /// ``squaredDistances(x:rows:k:vectorsT:m:)``: one output at a time, features in order.
    static func reference(x: [Float], rows: Int, k: Int, vectorsT: [Float], m: Int, squaredDistance: Bool) -> [Float] {
        guard rows > 0, m > 0 else { return [] }
        var out = [Float](repeating: 0, count: rows * m)
        for r in 0..<rows {
            for v in 0..<m {
                var sum: Float = 0
                for j in 0..<k {
                    let a = r * k + j < x.count ? x[r * k + j] : 0
                    let b = j * m + v < vectorsT.count ? vectorsT[j * m + v] : 0
                    if squaredDistance {
                        let d = a - b
                        sum += d * d
                    } else {
                        sum += a * b
                    }
                }
                out[r * m + v] = sum
            }
        }
        return out
    }
}

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

    /// One row's one-vs-one decision values (libsvm's SVC mode): for every class pair `i < j` in order,
    /// `Σ coefficients[(j-1)·V + v] · kernels[kr + v]` over class i's vectors, then
    /// `Σ coefficients[i·V + v] · kernels[kr + v]` over class j's, then `rho[pair]`, summed in Double in that
    /// order (onnxruntime's order). Writes `pairScores[pair] = Float(sum)` and counts a vote for `i` when
    /// sum > 0, else for `j`. Returns false (writing nothing) when an argument is out of range.
    static func pairScores(
        kernels: [Float], offset kr: Int, vectorCount: Int, coefficients: [Float], vectorsPerClass: [Int], startingVector: [Int],
        rho: [Float], into pairScores: inout [Float], votes: inout [Int]
    ) -> Bool {
        guard
            pairArgumentsFit(
                kernels: kernels, offset: kr, vectorCount: vectorCount, coefficients: coefficients, vectorsPerClass: vectorsPerClass,
                startingVector: startingVector, rho: rho, pairScores: pairScores, votes: votes)
        else { return false }
        let k = vectorsPerClass.count
        kernels.withUnsafeBufferPointer { kb in
            coefficients.withUnsafeBufferPointer { cb in
                rho.withUnsafeBufferPointer { rb in
                    pairScores.withUnsafeMutableBufferPointer { pb in
                        votes.withUnsafeMutableBufferPointer { vb in
                            // Safe because: pairArgumentsFit checked that every class's vectors lie in
                            // 0..<vectorCount, that kr + vectorCount <= kernels.count, that coefficients hold
                            // (k - 1) rows of vectorCount, and that rho and pairScores hold k(k-1)/2 values and
                            // votes k. No pointer escapes.
                            guard let kp = kb.baseAddress, let cp = cb.baseAddress, let rp = rb.baseAddress,
                                let sp = pb.baseAddress, let vp = vb.baseAddress
                            else { return }
                            let row = kp + kr
                            for c in 0..<k { vp[c] = 0 }
                            var index = 0
                            for i in 0..<(k - 1) {
                                let startI = startingVector[i], countI = vectorsPerClass[i]
                                for j in (i + 1)..<k {
                                    var sum: Double = 0
                                    let rowJ = cp + vectorCount * (j - 1)
                                    for v in startI..<(startI + countI) { sum += Double(rowJ[v] * row[v]) }
                                    let rowI = cp + vectorCount * i
                                    let startJ = startingVector[j]
                                    for v in startJ..<(startJ + vectorsPerClass[j]) { sum += Double(rowI[v] * row[v]) }
                                    sum += Double(rp[index])
                                    sp[index] = Float(sum)
                                    vp[sum > 0 ? i : j] += 1
                                    index += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return true
    }

    /// The plain, bounds-checked twin of ``pairScores(kernels:offset:vectorCount:coefficients:vectorsPerClass:startingVector:rho:into:votes:)``.
    static func pairScoresReference(
        kernels: [Float], offset kr: Int, vectorCount: Int, coefficients: [Float], vectorsPerClass: [Int], startingVector: [Int],
        rho: [Float], into pairScores: inout [Float], votes: inout [Int]
    ) -> Bool {
        guard
            pairArgumentsFit(
                kernels: kernels, offset: kr, vectorCount: vectorCount, coefficients: coefficients, vectorsPerClass: vectorsPerClass,
                startingVector: startingVector, rho: rho, pairScores: pairScores, votes: votes)
        else { return false }
        let k = vectorsPerClass.count
        for c in 0..<k { votes[c] = 0 }
        var index = 0
        for i in 0..<(k - 1) {
            for j in (i + 1)..<k {
                var sum: Double = 0
                let rowJ = vectorCount * (j - 1)
                for m in 0..<vectorsPerClass[i] {
                    let v = startingVector[i] + m
                    sum += Double(coefficients[rowJ + v] * kernels[kr + v])
                }
                let rowI = vectorCount * i
                for m in 0..<vectorsPerClass[j] {
                    let v = startingVector[j] + m
                    sum += Double(coefficients[rowI + v] * kernels[kr + v])
                }
                sum += Double(rho[index])
                pairScores[index] = Float(sum)
                votes[sum > 0 ? i : j] += 1
                index += 1
            }
        }
        return true
    }

    private static func pairArgumentsFit(
        kernels: [Float], offset kr: Int, vectorCount: Int, coefficients: [Float], vectorsPerClass: [Int], startingVector: [Int],
        rho: [Float], pairScores: [Float], votes: [Int]
    ) -> Bool {
        let k = vectorsPerClass.count
        guard k >= 2, startingVector.count == k, vectorCount >= 0, kr >= 0, kr + vectorCount <= kernels.count,
            coefficients.count >= (k - 1) * vectorCount, rho.count >= k * (k - 1) / 2, pairScores.count >= k * (k - 1) / 2,
            votes.count >= k
        else { return false }
        for c in 0..<k {
            guard startingVector[c] >= 0, vectorsPerClass[c] >= 0, startingVector[c] + vectorsPerClass[c] <= vectorCount else { return false }
        }
        return true
    }
}

/// Double-precision matrix multiply: a simple cache-blocked i-k-j kernel (the inner loop vectorises).
enum DGEMM {
    static let blockK = 128
    static let blockN = 512

    /// `c[offset + i*ldc + j] += Σₖ A(i,k) · B(k,j)`.
    static func multiplyAdd(
        a: [Double], _ aLayout: GEMMLayout, b: [Double], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [Double], offset: Int, ldc: Int
    ) throws {
        try GEMMReference.check(a.count, aLayout, m, k, "A")
        try GEMMReference.check(b.count, bLayout, k, n, "B")
        guard m > 0, n > 0, k > 0 else { return }
        guard ldc >= n, offset >= 0, offset + (m - 1) * ldc + n <= c.count else {
            throw GEMMError.outOfBounds("output C (\(m)×\(n), offset \(offset), ldc \(ldc))")
        }
        // A contiguous copy of B makes the inner loop unit-stride whatever B's layout.
        let dense = bLayout.columnStride == 1 && bLayout.rowStride == n
        var bRows = b
        var bOffset = bLayout.offset
        if !dense {
            var copy = [Double](repeating: 0, count: k * n)
            for p in 0..<k {
                for j in 0..<n { copy[p * n + j] = b[bLayout.offset + p * bLayout.rowStride + j * bLayout.columnStride] }
            }
            bRows = copy
            bOffset = 0
        }
        a.withUnsafeBufferPointer { pa in
            bRows.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    // Safe because: operand ranges were checked above (B was copied to a dense k×n block
                    // whenever its layout is not already dense).
                    guard let aBase = pa.baseAddress, let bBase = pb.baseAddress, let cBase = pc.baseAddress else { return }
                    var j0 = 0
                    while j0 < n {
                        let jn = min(blockN, n - j0)
                        var p0 = 0
                        while p0 < k {
                            let pk = min(blockK, k - p0)
                            for i in 0..<m {
                                let cRow = cBase + offset + i * ldc + j0
                                let aRow = aBase + aLayout.offset + i * aLayout.rowStride
                                for p in p0..<(p0 + pk) {
                                    let av = aRow[p * aLayout.columnStride]
                                    let bRow = bBase + bOffset + p * n + j0
                                    for j in 0..<jn { cRow[j] += av * bRow[j] }
                                }
                            }
                            p0 += blockK
                        }
                        j0 += blockN
                    }
                }
            }
        }
    }
}

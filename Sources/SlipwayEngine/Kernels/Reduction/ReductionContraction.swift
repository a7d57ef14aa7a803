import SlipwayTensor

/// Kernels for tensor contractions (Einsum): strided gathers into contiguous layouts and a batched
/// matrix multiply, with a plain reference twin for the multiply.
enum ReductionContraction {
    /// The elements of a strided view of `x` (`sizes` with element `strides`, 0 = broadcast), contiguous
    /// in row-major order. Returns `x` itself when the view already is `x`'s contiguous layout.
    static func gather<T>(_ x: [T], sizes: [Int], strides: [Int]) throws(EngineError) -> [T] {
        guard sizes.count == strides.count else {
            throw EngineError.runtime("gather: \(sizes.count) sizes but \(strides.count) strides")
        }
        let total = sizes.reduce(1, *)
        if total == 0 { return [] }
        var maxOffset = 0
        for (d, s) in zip(sizes, strides) {
            guard s >= 0 else { throw EngineError.runtime("gather: negative stride \(s)") }
            maxOffset += (d - 1) * s
        }
        guard maxOffset < x.count else {
            throw EngineError.runtime("gather: view \(sizes) with strides \(strides) exceeds \(x.count) elements")
        }
        if total == x.count, isRowMajor(sizes: sizes, strides: strides) { return x }
        guard let lastSize = sizes.last, let lastStride = strides.last else { return [x[0]] }
        let outer = ReductionLayout.offsets(sizes: Array(sizes.dropLast()), strides: Array(strides.dropLast()))
        var result: [T] = []
        result.reserveCapacity(total)
        for base in outer {
            var offset = base
            for _ in 0..<lastSize {
                result.append(x[offset])
                offset += lastStride
            }
        }
        return result
    }

    /// Whether `strides` are the row-major strides of `sizes` (size-1 axes ignored).
    static func isRowMajor(sizes: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for i in stride(from: sizes.count - 1, through: 0, by: -1) where sizes[i] != 1 {
            if strides[i] != expected { return false }
            expected *= sizes[i]
        }
        return true
    }

    /// `c[p] = a[p] · b[p]` for `batch` pairs of row-major `m×k` and `k×n` matrices.
    static func batchedMatMul<T: ReductionScalar>(
        _ a: [T], _ b: [T], batch: Int, m: Int, k: Int, n: Int
    ) throws(EngineError) -> [T] {
        guard a.count == batch * m * k, b.count == batch * k * n else {
            throw EngineError.runtime("batched matmul: operand sizes \(a.count), \(b.count) do not fit \(batch)×\(m)×\(k)×\(n)")
        }
        var c = [T](repeating: T.zero, count: batch * m * n)
        guard !c.isEmpty, k > 0 else { return c }
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    // Safe because: a, b and c hold exactly batch·m·k, batch·k·n and batch·m·n elements (checked
                    // above) and every index below stays inside those bounds.
                    guard let pa = aBuffer.baseAddress, let pb = bBuffer.baseAddress, let pc = cBuffer.baseAddress else { return }
                    for p in 0..<batch {
                        let ap = pa + p * m * k
                        let bp = pb + p * k * n
                        let cp = pc + p * m * n
                        if n == 1 {
                            for i in 0..<m { cp[i] = dot(ap + i * k, bp, count: k) }
                            continue
                        }
                        for i in 0..<m {
                            let row = cp + i * n
                            let aRow = ap + i * k
                            for q in 0..<k {
                                let av = aRow[q]
                                let bRow = bp + q * n
                                for j in 0..<n { row[j] = T.reductionAdd(row[j], T.reductionMultiply(av, bRow[j])) }
                            }
                        }
                    }
                }
            }
        }
        return c
    }

    /// Σ x[i]·y[i] with four partial sums.
    @inline(__always)
    private static func dot<T: ReductionScalar>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, count: Int) -> T {
        // Safe because: callers pass pointers to at least `count` elements of each operand.
        var s0 = T.zero
        var s1 = T.zero
        var s2 = T.zero
        var s3 = T.zero
        var i = 0
        while i + 4 <= count {
            s0 = T.reductionAdd(s0, T.reductionMultiply(x[i], y[i]))
            s1 = T.reductionAdd(s1, T.reductionMultiply(x[i + 1], y[i + 1]))
            s2 = T.reductionAdd(s2, T.reductionMultiply(x[i + 2], y[i + 2]))
            s3 = T.reductionAdd(s3, T.reductionMultiply(x[i + 3], y[i + 3]))
            i += 4
        }
        while i < count {
            s0 = T.reductionAdd(s0, T.reductionMultiply(x[i], y[i]))
            i += 1
        }
        return T.reductionAdd(T.reductionAdd(s0, s1), T.reductionAdd(s2, s3))
    }

    /// Reference for ``batchedMatMul(_:_:batch:m:k:n:)``: the textbook triple loop, bounds-checked.
    static func referenceBatchedMatMul<T: ReductionScalar>(_ a: [T], _ b: [T], batch: Int, m: Int, k: Int, n: Int) -> [T] {
        var c = [T](repeating: T.zero, count: batch * m * n)
        for p in 0..<batch {
            for i in 0..<m {
                for j in 0..<n {
                    var s = T.zero
                    for q in 0..<k {
                        s = T.reductionAdd(s, T.reductionMultiply(a[(p * m + i) * k + q], b[(p * k + q) * n + j]))
                    }
                    c[(p * m + i) * n + j] = s
                }
            }
        }
        return c
    }
}

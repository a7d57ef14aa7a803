/// Plain triple-loop matrix products: the reference twins of the optimised kernels, and the kernels used for
/// element types without a SIMD path (integers).
enum GEMMReference {
    /// `c[cOffset + i*ldc + j] += Σₖ A(i,k) · B(k,j)` in floating point, in the plain i-j-k order.
    static func multiplyAdd<T: BinaryFloatingPoint>(
        a: [T], _ aLayout: GEMMLayout, b: [T], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [T], offset cOffset: Int, ldc: Int
    ) throws {
        try check(a.count, aLayout, m, k, "A")
        try check(b.count, bLayout, k, n, "B")
        try check(c.count, GEMMLayout(offset: cOffset, rowStride: ldc, columnStride: 1), m, n, "C")
        for i in 0..<m {
            for j in 0..<n {
                var sum: T = 0
                for p in 0..<k {
                    sum +=
                        a[aLayout.offset + i * aLayout.rowStride + p * aLayout.columnStride]
                        * b[bLayout.offset + p * bLayout.rowStride + j * bLayout.columnStride]
                }
                c[cOffset + i * ldc + j] += sum
            }
        }
    }

    /// The same product for integers, wrapping on overflow like the C++ kernels of other runtimes.
    static func multiplyAddWrapping<T: FixedWidthInteger>(
        a: [T], _ aLayout: GEMMLayout, b: [T], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [T], offset cOffset: Int, ldc: Int
    ) throws {
        try check(a.count, aLayout, m, k, "A")
        try check(b.count, bLayout, k, n, "B")
        try check(c.count, GEMMLayout(offset: cOffset, rowStride: ldc, columnStride: 1), m, n, "C")
        for i in 0..<m {
            for p in 0..<k {
                let av = a[aLayout.offset + i * aLayout.rowStride + p * aLayout.columnStride]
                if av == 0 { continue }
                let rowB = bLayout.offset + p * bLayout.rowStride
                let rowC = cOffset + i * ldc
                for j in 0..<n {
                    c[rowC + j] = c[rowC + j] &+ av &* b[rowB + j * bLayout.columnStride]
                }
            }
        }
    }

    static func check(_ count: Int, _ layout: GEMMLayout, _ rows: Int, _ columns: Int, _ name: String) throws {
        guard rows >= 0, columns >= 0, layout.offset >= 0, layout.rowStride >= 0, layout.columnStride >= 0,
            layout.lastIndex(rows: rows, columns: columns) < count
        else { throw GEMMError.outOfBounds("operand \(name) (\(rows)×\(columns), \(layout))") }
    }
}

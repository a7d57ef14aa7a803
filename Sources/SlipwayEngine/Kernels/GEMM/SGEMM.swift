/// A float32 left operand packed for ``SGEMM``: row panels of `SGEMM.mr` rows, each stored depth-major
/// (for every k, `mr` consecutive values; rows past the end are zero).
struct SGEMMPackedA: Sendable {
    let rows: Int
    let depth: Int
    let data: [Float]
}

/// A float32 right operand packed for ``SGEMM``: column panels of `SGEMM.nr` columns, each stored
/// depth-major (for every k, `nr` consecutive values; columns past the end are zero).
///
/// Weights that are constant at load time are packed once, in `prepare`, and kept in the operator.
struct SGEMMPackedB: Sendable {
    let depth: Int
    let columns: Int
    /// Mutable so that a producer (the convolution's packed im2col) can refill it in place.
    var data: [Float]
}

/// Single-precision matrix multiply: a packed, cache-blocked SIMD kernel (BLIS style).
///
/// The micro-kernel keeps a 6×16 tile of C in `SIMD16<Float>` registers and streams packed panels of
/// A and B through it. Compile with `-D SLIPWAY_FMA` (and a `-target-cpu` that has FMA) to use fused
/// multiply-adds; without hardware FMA, `addingProduct` would become a library call per lane, so the
/// portable build multiplies and adds separately.
enum SGEMM {
    static let mr = 6
    static let nr = 16
    static let kc = 256
    static let mc = 96
    static let nc = 1024
    /// Products with at most this many multiply-adds skip packing.
    static let smallWork = 4096

    typealias Vector = SIMD16<Float>

    // MARK: - Packing

    /// Packs `rows × depth` of `a` (read through `layout`), multiplied by `scale`.
    static func packA(_ a: [Float], _ layout: GEMMLayout, rows: Int, depth: Int, scale: Float = 1) throws -> SGEMMPackedA {
        try GEMMReference.check(a.count, layout, rows, depth, "A")
        let panels = (rows + mr - 1) / mr
        let total = panels * mr * depth
        let data = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            // Safe because: `buffer` holds `total` floats and every write below is at an index < total;
            // reads of `a` stay within the range checked above.
            guard let dst = buffer.baseAddress else {
                initialized = 0
                return
            }
            a.withUnsafeBufferPointer { source in
                guard let src = source.baseAddress else { return }
                for panel in 0..<panels {
                    let base = dst + panel * mr * depth
                    let first = panel * mr
                    let count = min(mr, rows - first)
                    for r in 0..<count {
                        let row = src + layout.offset + (first + r) * layout.rowStride
                        if layout.columnStride == 1 {
                            for p in 0..<depth { base[p * mr + r] = row[p] * scale }
                        } else {
                            for p in 0..<depth { base[p * mr + r] = row[p * layout.columnStride] * scale }
                        }
                    }
                    if count < mr {
                        for p in 0..<depth {
                            for r in count..<mr { base[p * mr + r] = 0 }
                        }
                    }
                }
            }
            initialized = total
        }
        return SGEMMPackedA(rows: rows, depth: depth, data: data)
    }

    /// Packs `depth × columns` of `b` (read through `layout`), multiplied by `scale`.
    static func packB(_ b: [Float], _ layout: GEMMLayout, depth: Int, columns: Int, scale: Float = 1) throws -> SGEMMPackedB {
        try GEMMReference.check(b.count, layout, depth, columns, "B")
        let panels = (columns + nr - 1) / nr
        let total = panels * nr * depth
        let data = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            // Safe because: `buffer` holds `total` floats and every write is below total; reads of `b`
            // stay within the range checked above.
            guard let dst = buffer.baseAddress else {
                initialized = 0
                return
            }
            b.withUnsafeBufferPointer { source in
                guard let src = source.baseAddress else { return }
                for panel in 0..<panels {
                    let base = dst + panel * nr * depth
                    let first = panel * nr
                    let count = min(nr, columns - first)
                    if layout.columnStride == 1 {
                        for p in 0..<depth {
                            let row = src + layout.offset + p * layout.rowStride + first
                            let out = base + p * nr
                            if count == nr {
                                let v = UnsafeRawPointer(row).loadUnaligned(as: Vector.self)
                                UnsafeMutableRawPointer(out).storeBytes(of: v * scale, as: Vector.self)
                            } else {
                                for c in 0..<count { out[c] = row[c] * scale }
                                for c in count..<nr { out[c] = 0 }
                            }
                        }
                    } else {
                        for c in 0..<count {
                            let column = src + layout.offset + (first + c) * layout.columnStride
                            for p in 0..<depth { base[p * nr + c] = column[p * layout.rowStride] * scale }
                        }
                        if count < nr {
                            for p in 0..<depth {
                                for c in count..<nr { base[p * nr + c] = 0 }
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        return SGEMMPackedB(depth: depth, columns: columns, data: data)
    }

    // MARK: - Products

    /// `c[offset + i*ldc + j] += Σₖ A(i,k) · B(k,j)` for packed operands.
    static func multiplyAdd(_ a: SGEMMPackedA, _ b: SGEMMPackedB, into c: inout [Float], offset: Int, ldc: Int) throws {
        guard a.depth == b.depth else { throw GEMMError.outOfBounds("packed depths \(a.depth) and \(b.depth) differ") }
        let (m, n, k) = (a.rows, b.columns, a.depth)
        guard m > 0, n > 0 else { return }
        guard ldc >= n, offset >= 0, offset + (m - 1) * ldc + n <= c.count else {
            throw GEMMError.outOfBounds("output C (\(m)×\(n), offset \(offset), ldc \(ldc))")
        }
        guard k > 0 else { return }
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    // Safe because: the packed arrays hold whole panels for m rows / n columns of depth k
                    // (built by packA/packB), and the C tile range was checked above.
                    guard let aBase = pa.baseAddress, let bBase = pb.baseAddress, let cBase = pc.baseAddress else { return }
                    blocked(SGEMMPackedAccess.self, m: m, n: n, k: k, a: aBase, lda: 0, acs: 0, b: bBase, c: cBase + offset, ldc: ldc)
                }
            }
        }
    }

    /// `C += A · B` for plain operands: small products run directly, larger ones are packed first.
    static func multiplyAdd(
        a: [Float], _ aLayout: GEMMLayout, b: [Float], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [Float], offset: Int, ldc: Int
    ) throws {
        if m == 1 || m * n * k <= smallWork {
            try small(a: a, aLayout, b: b, bLayout, m: m, n: n, k: k, into: &c, offset: offset, ldc: ldc)
            return
        }
        let pa = try packA(a, aLayout, rows: m, depth: k)
        let pb = try packB(b, bLayout, depth: k, columns: n)
        try multiplyAdd(pa, pb, into: &c, offset: offset, ldc: ldc)
    }

    /// `C += A · B` with B packed ahead of time. A is read in place (no packing): each tile broadcasts its
    /// rows' values straight from A's layout.
    static func multiplyAdd(
        a: [Float], _ aLayout: GEMMLayout, m: Int, packedB: SGEMMPackedB, into c: inout [Float], offset: Int, ldc: Int
    ) throws {
        let (n, k) = (packedB.columns, packedB.depth)
        try GEMMReference.check(a.count, aLayout, m, k, "A")
        guard m > 0, n > 0 else { return }
        guard ldc >= n, offset >= 0, offset + (m - 1) * ldc + n <= c.count else {
            throw GEMMError.outOfBounds("output C (\(m)×\(n), offset \(offset), ldc \(ldc))")
        }
        guard k > 0 else { return }
        guard packedB.data.count >= ((n + nr - 1) / nr) * nr * k else { throw GEMMError.outOfBounds("packed B (\(k)×\(n))") }
        a.withUnsafeBufferPointer { pa in
            packedB.data.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    // Safe because: A's m×k range and C's tile range were checked above, and the packed B holds
                    // whole panels for n columns of depth k (checked above).
                    guard let aBase = pa.baseAddress, let bBase = pb.baseAddress, let cBase = pc.baseAddress else { return }
                    if m == 1 {
                        singleRow(n: n, k: k, a: aBase + aLayout.offset, acs: aLayout.columnStride, b: bBase, c: cBase + offset)
                        return
                    }
                    blocked(
                        SGEMMDirectAccess.self, m: m, n: n, k: k, a: aBase + aLayout.offset, lda: aLayout.rowStride,
                        acs: aLayout.columnStride, b: bBase, c: cBase + offset, ldc: ldc)
                }
            }
        }
    }

    /// `C += A · B` with A packed ahead of time (convolution weights).
    static func multiplyAdd(
        packedA: SGEMMPackedA, b: [Float], _ bLayout: GEMMLayout, n: Int, into c: inout [Float], offset: Int, ldc: Int
    ) throws {
        let pb = try packB(b, bLayout, depth: packedA.depth, columns: n)
        try multiplyAdd(packedA, pb, into: &c, offset: offset, ldc: ldc)
    }

    /// Direct loops without packing, for tiny or single-row products.
    static func small(
        a: [Float], _ aLayout: GEMMLayout, b: [Float], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [Float], offset: Int, ldc: Int
    ) throws {
        try GEMMReference.check(a.count, aLayout, m, k, "A")
        try GEMMReference.check(b.count, bLayout, k, n, "B")
        guard m > 0, n > 0, k > 0 else { return }
        guard ldc >= n, offset >= 0, offset + (m - 1) * ldc + n <= c.count else {
            throw GEMMError.outOfBounds("output C (\(m)×\(n), offset \(offset), ldc \(ldc))")
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    // Safe because: every operand range was checked above.
                    guard let aBase = pa.baseAddress, let bBase = pb.baseAddress, let cBase = pc.baseAddress else { return }
                    let aPtr = aBase + aLayout.offset
                    let bPtr = bBase + bLayout.offset
                    if bLayout.columnStride == 1 {
                        // Rows of B are contiguous: register tiles of up to 6 rows × 16 columns, B read in place.
                        direct(
                            m: m, n: n, k: k, a: aPtr, lda: aLayout.rowStride, acs: aLayout.columnStride, b: bPtr,
                            ldb: bLayout.rowStride, c: cBase + offset, ldc: ldc)
                    } else {
                        // Columns of B are contiguous (B transposed): dot products.
                        for i in 0..<m {
                            let cRow = cBase + offset + i * ldc
                            for j in 0..<n {
                                let bColumn = bPtr + j * bLayout.columnStride
                                var sum: Float = 0
                                if aLayout.columnStride == 1 && bLayout.rowStride == 1 {
                                    let aRow = aPtr + i * aLayout.rowStride
                                    var s0 = SIMD8<Float>(), p = 0
                                    while p + 8 <= k {
                                        s0 +=
                                            UnsafeRawPointer(aRow + p).loadUnaligned(as: SIMD8<Float>.self)
                                            * UnsafeRawPointer(bColumn + p).loadUnaligned(as: SIMD8<Float>.self)
                                        p += 8
                                    }
                                    sum = s0.sum()
                                    while p < k {
                                        sum += aRow[p] * bColumn[p]
                                        p += 1
                                    }
                                } else {
                                    for p in 0..<k {
                                        sum += aPtr[i * aLayout.rowStride + p * aLayout.columnStride] * bColumn[p * bLayout.rowStride]
                                    }
                                }
                                cRow[j] += sum
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Blocked loops and micro-kernel

    /// The cache-blocked loops over a packed B. `Access` says how A is read: packed panels (`mr` values per
    /// depth step) or in place through `lda` (row stride) and `acs` (column stride).
    private static func blocked<Access: SGEMMAAccess>(
        _: Access.Type, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, acs: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        // Element (r, p) of a tile starting at row `row`, depth `pc`, is at tile[r * rs + p * step].
        let rs = Access.packed ? 1 : lda
        let step = Access.packed ? mr : acs
        var jc = 0
        while jc < n {
            let ncur = min(nc, n - jc)
            var pc = 0
            while pc < k {
                let kcur = min(kc, k - pc)
                var ic = 0
                while ic < m {
                    let mcur = min(mc, m - ic)
                    var jr = 0
                    while jr < ncur {
                        let columns = min(nr, ncur - jr)
                        let bPanel = b + ((jc + jr) / nr) * k * nr + pc * nr
                        var ir = 0
                        while ir < mcur {
                            let row = ic + ir
                            let aTile = Access.packed ? a + row * k + pc * mr : a + row * lda + pc * acs
                            let cTile = c + row * ldc + jc + jr
                            tile(
                                rows: min(mr, mcur - ir), kc: kcur, a: aTile, rs: rs, step: step, b: bPanel, bStep: nr,
                                c: cTile, ldc: ldc, columns: columns)
                            ir += mr
                        }
                        jr += nr
                    }
                    ic += mc
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// `C += A · B` with both operands read in place, B's rows contiguous (`ldb` apart): tiles of 6 rows ×
    /// 16 columns accumulate in registers; the last `n % 16` columns run a plain loop.
    private static func direct(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, acs: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let full = n - n % nr
        var row = 0
        while row < m {
            let rows = min(mr, m - row)
            let aTile = a + row * lda
            var j = 0
            while j < full {
                tile(rows: rows, kc: k, a: aTile, rs: lda, step: acs, b: b + j, bStep: ldb, c: c + row * ldc + j, ldc: ldc, columns: nr)
                j += nr
            }
            if full < n {
                for r in 0..<rows {
                    let aRow = aTile + r * lda
                    let cRow = c + (row + r) * ldc
                    for j in full..<n {
                        var sum = cRow[j]
                        for p in 0..<k { sum += aRow[p * acs] * b[p * ldb + j] }
                        cRow[j] = sum
                    }
                }
            }
            row += mr
        }
    }

    /// `c[j] += Σₖ a[p·acs] · B(p, j)` for one row of A and a packed B: up to four column panels per pass over
    /// the depth, so four independent accumulator chains hide the multiply-add latency (each column still
    /// sums its products in depth order).
    private static func singleRow(n: Int, k: Int, a: UnsafePointer<Float>, acs: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        var j = 0
        while j < n {
            let panel = b + (j / nr) * k * nr
            switch (n - j + nr - 1) / nr {
            case 1: panels(SGEMMRows1.self, k: k, a: a, acs: acs, b: panel, c: c + j, columns: n - j)
            case 2: panels(SGEMMRows2.self, k: k, a: a, acs: acs, b: panel, c: c + j, columns: n - j)
            case 3: panels(SGEMMRows3.self, k: k, a: a, acs: acs, b: panel, c: c + j, columns: n - j)
            default: panels(SGEMMRows4.self, k: k, a: a, acs: acs, b: panel, c: c + j, columns: min(n - j, 4 * nr))
            }
            j += 4 * nr
        }
    }

    /// `Panels.count` consecutive packed panels (`k · nr` floats apart) times one row of A; `columns` of the
    /// `Panels.count · nr` results are stored (added to `c`).
    @inline(__always)
    private static func panels<Panels: SGEMMRowCount>(
        _: Panels.Type, k: Int, a: UnsafePointer<Float>, acs: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, columns: Int
    ) {
        var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector()
        let stride = k * nr
        var pb = b
        var pa = a
        for _ in 0..<k {
            let av = Vector(repeating: pa[0])
            c0 = multiplyAdd(c0, av, UnsafeRawPointer(pb).loadUnaligned(as: Vector.self))
            if Panels.count > 1 { c1 = multiplyAdd(c1, av, UnsafeRawPointer(pb + stride).loadUnaligned(as: Vector.self)) }
            if Panels.count > 2 { c2 = multiplyAdd(c2, av, UnsafeRawPointer(pb + 2 * stride).loadUnaligned(as: Vector.self)) }
            if Panels.count > 3 { c3 = multiplyAdd(c3, av, UnsafeRawPointer(pb + 3 * stride).loadUnaligned(as: Vector.self)) }
            pa += acs
            pb += nr
        }
        store(c0, c, min(nr, columns))
        if Panels.count > 1 { store(c1, c + nr, min(nr, columns - nr)) }
        if Panels.count > 2 { store(c2, c + 2 * nr, min(nr, columns - 2 * nr)) }
        if Panels.count > 3 { store(c3, c + 3 * nr, min(nr, columns - 3 * nr)) }
    }

    /// One register tile of `rows` (1...6) rows.
    @inline(__always)
    private static func tile(
        rows: Int, kc: Int, a: UnsafePointer<Float>, rs: Int, step: Int, b: UnsafePointer<Float>, bStep: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int
    ) {
        switch rows {
        case 6:
            micro(SGEMMRows6.self, kc: kc, a: a, rs: rs, step: step, b: b, bStep: bStep, c: c, ldc: ldc, columns: columns)
        case 5:
            micro(SGEMMRows4.self, kc: kc, a: a, rs: rs, step: step, b: b, bStep: bStep, c: c, ldc: ldc, columns: columns)
            micro(SGEMMRows1.self, kc: kc, a: a + 4 * rs, rs: rs, step: step, b: b, bStep: bStep, c: c + 4 * ldc, ldc: ldc, columns: columns)
        case 4:
            micro(SGEMMRows4.self, kc: kc, a: a, rs: rs, step: step, b: b, bStep: bStep, c: c, ldc: ldc, columns: columns)
        case 3:
            micro(SGEMMRows2.self, kc: kc, a: a, rs: rs, step: step, b: b, bStep: bStep, c: c, ldc: ldc, columns: columns)
            micro(SGEMMRows1.self, kc: kc, a: a + 2 * rs, rs: rs, step: step, b: b, bStep: bStep, c: c + 2 * ldc, ldc: ldc, columns: columns)
        case 2:
            micro(SGEMMRows2.self, kc: kc, a: a, rs: rs, step: step, b: b, bStep: bStep, c: c, ldc: ldc, columns: columns)
        default:
            micro(SGEMMRows1.self, kc: kc, a: a, rs: rs, step: step, b: b, bStep: bStep, c: c, ldc: ldc, columns: columns)
        }
    }

    @inline(__always)
    private static func multiplyAdd(_ c: Vector, _ a: Vector, _ b: Vector) -> Vector {
        #if SLIPWAY_FMA
            return c.addingProduct(a, b)
        #else
            return c + a * b
        #endif
    }

    /// Accumulates a `Rows.count × nr` tile: `kc` depth steps; row r of A at `a[r * rs]`, advancing by `step`
    /// per depth step; B's 16 values per step at `b`, advancing by `bStep` (`nr` for a packed panel).
    @inline(__always)
    private static func micro<Rows: SGEMMRowCount>(
        _: Rows.Type, kc: Int, a: UnsafePointer<Float>, rs: Int, step: Int, b: UnsafePointer<Float>, bStep: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int
    ) {
        var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector(), c4 = Vector(), c5 = Vector()
        var pa = a
        var pb = UnsafeRawPointer(b)
        let (r1, r2, r3, r4, r5) = (rs, 2 * rs, 3 * rs, 4 * rs, 5 * rs)
        let bBytes = bStep * MemoryLayout<Float>.stride
        for _ in 0..<kc {
            let bv = pb.loadUnaligned(as: Vector.self)
            c0 = multiplyAdd(c0, Vector(repeating: pa[0]), bv)
            if Rows.count > 1 { c1 = multiplyAdd(c1, Vector(repeating: pa[r1]), bv) }
            if Rows.count > 2 { c2 = multiplyAdd(c2, Vector(repeating: pa[r2]), bv) }
            if Rows.count > 3 { c3 = multiplyAdd(c3, Vector(repeating: pa[r3]), bv) }
            if Rows.count > 4 { c4 = multiplyAdd(c4, Vector(repeating: pa[r4]), bv) }
            if Rows.count > 5 { c5 = multiplyAdd(c5, Vector(repeating: pa[r5]), bv) }
            pa += step
            pb += bBytes
        }
        store(c0, c, columns)
        if Rows.count > 1 { store(c1, c + ldc, columns) }
        if Rows.count > 2 { store(c2, c + 2 * ldc, columns) }
        if Rows.count > 3 { store(c3, c + 3 * ldc, columns) }
        if Rows.count > 4 { store(c4, c + 4 * ldc, columns) }
        if Rows.count > 5 { store(c5, c + 5 * ldc, columns) }
    }

    @inline(__always)
    private static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ columns: Int) {
        if columns == nr {
            let raw = UnsafeMutableRawPointer(p)
            raw.storeBytes(of: raw.loadUnaligned(as: Vector.self) + v, as: Vector.self)
        } else {
            for j in 0..<columns { p[j] += v[j] }
        }
    }
}

/// How many rows of a tile a micro-kernel specialisation computes (a compile-time constant after inlining).
protocol SGEMMRowCount { static var count: Int { get } }
enum SGEMMRows1: SGEMMRowCount { static var count: Int { 1 } }
enum SGEMMRows2: SGEMMRowCount { static var count: Int { 2 } }
enum SGEMMRows3: SGEMMRowCount { static var count: Int { 3 } }
enum SGEMMRows4: SGEMMRowCount { static var count: Int { 4 } }
enum SGEMMRows6: SGEMMRowCount { static var count: Int { 6 } }

/// How ``SGEMM``'s blocked loops read A: packed panels, or in place through its layout.
protocol SGEMMAAccess { static var packed: Bool { get } }
enum SGEMMPackedAccess: SGEMMAAccess { static var packed: Bool { true } }
enum SGEMMDirectAccess: SGEMMAAccess { static var packed: Bool { false } }

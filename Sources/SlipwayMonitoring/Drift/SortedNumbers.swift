/// Sorting and merging of cleaned (finite) numbers, linear where the standard library would sort again.
enum SortedNumbers {
    /// `values` in ascending order: a least-significant-digit radix sort on the order-preserving integer image
    /// of each double for large inputs, the standard sort for small ones. Only the low bits in which the keys
    /// differ are sorted (the keys of a column share their high bits: sign and most of the exponent), in at
    /// most 12-bit digits (5 passes for 60 varying bits), all histograms counted in one pass, and a pass whose
    /// digit never varies is skipped. Values must not be NaN.
    static func sorted(_ values: [Double]) -> [Double] {
        let n = values.count
        if n < 2048 { return values.sorted() }
        if let decimals = sortedDecimals(values) { return decimals }
        var source = [UInt64](repeating: 0, count: n)
        var lowest = UInt64.max
        var highest = UInt64.min
        do {
            let input = values.span
            var keys = source.mutableSpan
            for i in 0..<n {
                let k = key(input[i])
                keys[i] = k
                lowest = min(lowest, k)
                highest = max(highest, k)
            }
        }
        let varying = 64 - (lowest ^ highest).leadingZeroBitCount
        if varying == 0 { return values }
        let passes = (varying + 11) / 12
        let bits = (varying + passes - 1) / passes
        let buckets = 1 << bits
        let mask = UInt64(buckets - 1)
        var count = [Int](repeating: 0, count: buckets * passes)
        do {
            let keys = source.span
            var histogram = count.mutableSpan
            for i in 0..<n {
                let k = keys[i]
                for p in 0..<passes { histogram[p &* buckets &+ Int((k &>> UInt64(p &* bits)) & mask)] &+= 1 }
            }
        }
        var target = [UInt64](repeating: 0, count: n)
        for p in 0..<passes {
            let shift = UInt64(p * bits)
            let base = p * buckets
            // Every key has the same digit: this pass would not move anything.
            if count[base + Int((source[0] &>> shift) & mask)] == n { continue }
            do {
                let from = source.span
                var to = target.mutableSpan
                var offsets = count.mutableSpan
                var total = 0
                for d in base..<(base + buckets) {
                    let c = offsets[d]
                    offsets[d] = total
                    total &+= c
                }
                for i in 0..<n {
                    let k = from[i]
                    let d = base &+ Int((k &>> shift) & mask)
                    to[offsets[d]] = k
                    offsets[d] &+= 1
                }
            }
            swap(&source, &target)
        }
        var out = [Double](repeating: 0, count: n)
        do {
            let keys = source.span
            var output = out.mutableSpan
            for i in 0..<n { output[i] = value(keys[i]) }
        }
        return out
    }

    private static let scales: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]

    /// The integer `m` with `m / scale == v` exactly (bit for bit), if there is one below 2^53.
    @inline(__always)
    private static func scaled(_ v: Double, _ scale: Double) -> Double? {
        let m = (v * scale).rounded()
        // -0.0 would come back as 0.0.
        guard abs(m) < 9_007_199_254_740_992, (m / scale).bitPattern == v.bitPattern, m != 0 || v.sign == .plus else { return nil }
        return m
    }

    /// Most columns read from CSV hold decimals with a fixed number of fraction digits (`to_csv` with a
    /// precision, a sensor's resolution): each value is exactly `m / 10^k` for an integer `m`. When every value
    /// is (k at most 9, the m within 2^32 of each other), sorting the m sorts the values — `m ↦ m / 10^k`
    /// is monotonic and gives back each value bit for bit — in 32-bit keys over only their varying bits,
    /// usually 2 or 3 passes instead of 5. Nil when some value is not such a decimal (-0.0 included).
    static func sortedDecimals(_ values: [Double]) -> [Double]? {
        let n = values.count
        let input = values.span
        // The scale: the fewest fraction digits that write 64 values spread over the column exactly.
        var k = 0
        var i = 0
        let step = max(1, n / 64)
        while i < n {
            while scaled(input[i], scales[k]) == nil {
                k += 1
                if k == scales.count { return nil }
            }
            i += step
        }
        let scale = scales[k]
        var integers = [Int64](repeating: 0, count: n)
        var lowest = Int64.max
        var highest = Int64.min
        do {
            var out = integers.mutableSpan
            for i in 0..<n {
                guard let m = scaled(input[i], scale) else { return nil }
                let integer = Int64(m)
                out[i] = integer
                lowest = min(lowest, integer)
                highest = max(highest, integer)
            }
        }
        let range = UInt64(bitPattern: highest &- lowest)
        guard range < (1 << 32) else { return nil }
        var keys = [UInt32](repeating: 0, count: n)
        do {
            let from = integers.span
            var to = keys.mutableSpan
            for i in 0..<n { to[i] = UInt32(truncatingIfNeeded: from[i] &- lowest) }
        }
        integers = []
        radixSort(&keys, varyingBits: 64 - range.leadingZeroBitCount)
        var out = [Double](repeating: 0, count: n)
        do {
            let from = keys.span
            var to = out.mutableSpan
            for i in 0..<n { to[i] = Double(Int64(from[i]) &+ lowest) / scale }
        }
        return out
    }

    /// Both sides of a column sorted, and walked, at once, when both hold decimals (as `sortedDecimals`):
    /// one 32-bit key per value, `(m - lowest) << 1 | side`, one radix sort of the pooled keys, then one pass
    /// that writes each side's sorted values and does `walk`'s work (distinct counts and CDF gap sums, the same
    /// terms in the same order) on the pooled order, where the merge of two sorted arrays would branch
    /// unpredictably at every value. Nil when a value is not such a decimal or the range needs more bits.
    static func sortedDecimalPair(_ r: [Double], _ c: [Double]) -> (reference: [Double], current: [Double], walk: PooledWalk)? {
        let nr = r.count
        let nc = c.count
        guard nr > 0, nc > 0, nr + nc >= 4096 else { return nil }
        let rs = r.span
        let cs = c.span
        // The scale: the fewest fraction digits that write 64 values of each side exactly.
        var k = 0
        guard settleScale(rs, &k), settleScale(cs, &k) else { return nil }
        let scale = scales[k]
        var lowest = Int64.max
        var highest = Int64.min
        guard integerRange(rs, scale, &lowest, &highest), integerRange(cs, scale, &lowest, &highest) else { return nil }
        let range = UInt64(bitPattern: highest &- lowest)
        guard range < (1 << 31) else { return nil }
        let n = nr + nc
        var keys = [UInt32](repeating: 0, count: n)
        do {
            var out = keys.mutableSpan
            for i in 0..<nr { out[i] = UInt32(truncatingIfNeeded: Int64((rs[i] * scale).rounded()) &- lowest) &<< 1 }
            for i in 0..<nc { out[nr &+ i] = UInt32(truncatingIfNeeded: Int64((cs[i] * scale).rounded()) &- lowest) &<< 1 | 1 }
        }
        radixSort(&keys, varyingBits: 64 - (range &<< 1 | 1).leadingZeroBitCount)
        // One slot more on each side: every value is written to both at the current positions, and only its
        // own side's position moves on (no branch on the side).
        var reference = [Double](repeating: 0, count: nr + 1)
        var current = [Double](repeating: 0, count: nc + 1)
        var walk = PooledWalk()
        var sum = CompensatedSum()
        var squared = CompensatedSum()
        let n1 = Double(nr)
        let n2 = Double(nc)
        do {
            let pooled = keys.span
            var rOut = reference.mutableSpan
            var cOut = current.mutableSpan
            var valueKey = pooled[0] >> 1
            var x = Double(Int64(valueKey) &+ lowest) / scale
            var inReference: UInt32 = 0
            var i = 0
            var j = 0
            for p in 0..<n {
                let key = pooled[p]
                if key >> 1 != valueKey {
                    // x is done: i and j count the values <= x; the term of the gap up to the next value.
                    valueKey = key >> 1
                    let next = Double(Int64(valueKey) &+ lowest) / scale
                    walk.distinctCombined &+= 1
                    walk.distinctReference &+= Int(inReference)
                    inReference = 0
                    let delta = next - x
                    if delta != 0 {
                        let diff = Double(i) / n1 - Double(j) / n2
                        sum.add(abs(diff) * delta)
                        squared.add(diff * diff * delta)
                    }
                    x = next
                }
                let side = Int(key & 1)
                rOut[i] = x
                cOut[j] = x
                i &+= 1 &- side
                j &+= side
                inReference |= (key & 1) ^ 1
            }
            walk.distinctCombined &+= 1
            walk.distinctReference &+= Int(inReference)
        }
        reference.removeLast()
        current.removeLast()
        walk.gapSum = sum.value
        walk.squaredGapSum = squared.value
        return (reference, current, walk)
    }

    /// Raises `k` until `scales[k]` writes 64 values spread over `values` exactly; false when none does.
    private static func settleScale(_ values: Span<Double>, _ k: inout Int) -> Bool {
        var i = 0
        let step = max(1, values.count / 64)
        while i < values.count {
            while scaled(values[i], scales[k]) == nil {
                k += 1
                if k == scales.count { return false }
            }
            i += step
        }
        return true
    }

    /// Widens `lowest...highest` to every `m` of `values` at `scale`; false when a value is not `m / scale`.
    private static func integerRange(_ values: Span<Double>, _ scale: Double, _ lowest: inout Int64, _ highest: inout Int64) -> Bool {
        for i in values.indices {
            guard let m = scaled(values[i], scale) else { return false }
            lowest = min(lowest, Int64(m))
            highest = max(highest, Int64(m))
        }
        return true
    }

    /// LSD radix sort of 32-bit keys that differ only in their low `varyingBits` bits, in at most 11-bit digits.
    static func radixSort(_ source: inout [UInt32], varyingBits: Int) {
        let n = source.count
        guard varyingBits > 0, n > 1 else { return }
        let passes = (varyingBits + 10) / 11
        let bits = (varyingBits + passes - 1) / passes
        let buckets = 1 << bits
        let mask = UInt32(buckets - 1)
        var count = [Int](repeating: 0, count: buckets * passes)
        do {
            let keys = source.span
            var histogram = count.mutableSpan
            for i in 0..<n {
                let k = keys[i]
                for p in 0..<passes { histogram[p &* buckets &+ Int((k &>> UInt32(p &* bits)) & mask)] &+= 1 }
            }
        }
        var target = [UInt32](repeating: 0, count: n)
        for p in 0..<passes {
            let shift = UInt32(p * bits)
            let base = p * buckets
            if count[base + Int((source[0] &>> shift) & mask)] == n { continue }
            do {
                let from = source.span
                var to = target.mutableSpan
                var offsets = count.mutableSpan
                var total = 0
                for d in base..<(base + buckets) {
                    let c = offsets[d]
                    offsets[d] = total
                    total &+= c
                }
                for i in 0..<n {
                    let k = from[i]
                    let d = base &+ Int((k &>> shift) & mask)
                    to[offsets[d]] = k
                    offsets[d] &+= 1
                }
            }
            swap(&source, &target)
        }
    }

    @inline(__always)
    private static func key(_ v: Double) -> UInt64 {
        let bits = v.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    private static func value(_ k: UInt64) -> Double {
        Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k)
    }

    /// What one walk over both sorted sides finds: the distinct values of the union and of the reference, and
    /// `∫ |F_r - F_c| dx` and `∫ (F_r - F_c)² dx` (the sums of `StatTests.cdfGapSum`, term for term).
    struct PooledWalk {
        var distinctCombined = 0
        var distinctReference = 0
        var gapSum = 0.0
        var squaredGapSum = 0.0
    }

    /// Walks the pooled sample of two sorted arrays (finite numbers) once, in the order and with the terms of
    /// `StatTests.cdfGapSum`.
    static func walk(_ r: [Double], _ c: [Double]) -> PooledWalk {
        let rs = r.span
        let cs = c.span
        let nr = rs.count
        let nc = cs.count
        let n1 = Double(nr)
        let n2 = Double(nc)
        var out = PooledWalk()
        var sum = CompensatedSum()
        var squared = CompensatedSum()
        var i = 0
        var j = 0
        while i < nr || j < nc {
            let x = j >= nc || (i < nr && rs[i] <= cs[j]) ? rs[i] : cs[j]
            let i0 = i
            while i < nr && rs[i] <= x { i &+= 1 }
            while j < nc && cs[j] <= x { j &+= 1 }
            out.distinctCombined &+= 1
            if i != i0 { out.distinctReference &+= 1 }
            guard i < nr || j < nc else { break }
            let next = j >= nc || (i < nr && rs[i] <= cs[j]) ? rs[i] : cs[j]
            let delta = next - x
            if delta == 0 { continue }
            let diff = Double(i) / n1 - Double(j) / n2
            sum.add(abs(diff) * delta)
            squared.add(diff * diff * delta)
        }
        out.gapSum = sum.value
        out.squaredGapSum = squared.value
        return out
    }

    /// The sorted distinct values of the union of two sorted arrays.
    static func distinctValues(merging r: [Double], _ c: [Double]) -> [Double] {
        var out: [Double] = []
        forEachDistinct(r, c) { v, _, _ in out.append(v) }
        return out
    }

    /// Calls `body(value, countInR, countInC)` for each distinct value of the union, ascending.
    static func forEachDistinct(_ r: [Double], _ c: [Double], _ body: (Double, Int, Int) -> Void) {
        var i = 0
        var j = 0
        while i < r.count || j < c.count {
            let v: Double
            if j >= c.count || (i < r.count && r[i] <= c[j]) { v = r[i] } else { v = c[j] }
            let i0 = i
            let j0 = j
            while i < r.count && r[i] == v { i += 1 }
            while j < c.count && c[j] == v { j += 1 }
            body(v, i - i0, j - j0)
        }
    }
}

extension CategoryCounts {
    /// Counts of numbers per distinct value, from both sides already sorted.
    init(sortedReference r: [Double], sortedCurrent c: [Double]) {
        var keys: [CategoryValue] = []
        var reference: [Int] = []
        var current: [Int] = []
        SortedNumbers.forEachDistinct(r, c) { v, nr, nc in
            keys.append(.number(v))
            reference.append(nr)
            current.append(nc)
        }
        self.keys = keys
        self.reference = reference
        self.current = current
        self.nReference = r.count
        self.nCurrent = c.count
    }
}

extension CategoryCounts {
    /// Counts of two dictionary-encoded string columns (codes index levels, -1 = missing), keys sorted.
    init(referenceCodes rc: [Int32], levels rl: [String], currentCodes cc: [Int32], levels cl: [String]) {
        var refCount = [Int](repeating: 0, count: rl.count)
        var curCount = [Int](repeating: 0, count: cl.count)
        var n1 = 0
        var n2 = 0
        for c in rc where c >= 0 && Int(c) < rl.count {
            refCount[Int(c)] += 1
            n1 += 1
        }
        for c in cc where c >= 0 && Int(c) < cl.count {
            curCount[Int(c)] += 1
            n2 += 1
        }
        var byKey: [CategoryValue: (Int, Int)] = [:]
        for (i, level) in rl.enumerated() where refCount[i] > 0 { byKey[.text(level), default: (0, 0)].0 += refCount[i] }
        for (i, level) in cl.enumerated() where curCount[i] > 0 { byKey[.text(level), default: (0, 0)].1 += curCount[i] }
        let keys = byKey.keys.sorted()
        self.keys = keys
        self.reference = keys.map { byKey[$0]?.0 ?? 0 }
        self.current = keys.map { byKey[$0]?.1 ?? 0 }
        self.nReference = n1
        self.nCurrent = n2
    }
}

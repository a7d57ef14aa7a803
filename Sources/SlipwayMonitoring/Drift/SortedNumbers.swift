/// Sorting and merging of cleaned (finite) numbers, linear where the standard library would sort again.
enum SortedNumbers {
    /// `values` in ascending order: a least-significant-digit radix sort (six 11-bit digits, all six histograms
    /// counted in one pass, passes whose digit never varies skipped) on the order-preserving integer image of
    /// each double for large inputs, the standard sort for small ones. Values must not be NaN.
    static func sorted(_ values: [Double]) -> [Double] {
        let n = values.count
        if n < 2048 { return values.sorted() }
        let bits = 11
        let buckets = 1 << bits
        let mask: UInt64 = UInt64(buckets - 1)
        let passes = 6
        var source = values.map(key)
        var count = [Int](repeating: 0, count: buckets * passes)
        for k in source {
            for p in 0..<passes { count[p * buckets + Int((k &>> UInt64(p * bits)) & mask)] += 1 }
        }
        var target = [UInt64](repeating: 0, count: n)
        for p in 0..<passes {
            let shift = UInt64(p * bits)
            let base = p * buckets
            // Every key has the same digit: this pass would not move anything.
            if count[base + Int((source[0] &>> shift) & mask)] == n { continue }
            var total = 0
            for d in 0..<buckets {
                let c = count[base + d]
                count[base + d] = total
                total += c
            }
            for k in source {
                let d = base + Int((k &>> shift) & mask)
                target[count[d]] = k
                count[d] += 1
            }
            swap(&source, &target)
        }
        return source.map(value)
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

    /// Distinct values of a sorted array.
    static func distinctCount(_ a: [Double]) -> Int {
        guard var previous = a.first else { return 0 }
        var count = 1
        for v in a.dropFirst() where v != previous {
            count += 1
            previous = v
        }
        return count
    }

    /// Distinct values of the union of two sorted arrays.
    static func distinctCount(merging r: [Double], _ c: [Double]) -> Int {
        var i = 0
        var j = 0
        var count = 0
        while i < r.count || j < c.count {
            let v = j >= c.count || (i < r.count && r[i] <= c[j]) ? r[i] : c[j]
            count += 1
            while i < r.count && r[i] == v { i += 1 }
            while j < c.count && c[j] == v { j += 1 }
        }
        return count
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

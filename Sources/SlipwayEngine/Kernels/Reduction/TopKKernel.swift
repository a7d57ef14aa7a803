import SlipwayTensor

/// TopK selection over one axis of a tensor viewed as `[outer, n, inner]`.
enum TopKKernel {
    /// The flat input offsets and axis indices of the `k` best elements of every slice, best first, laid
    /// out as `[outer, k, inner]`. Equal values keep index order (the lower index first); NaN ranks above
    /// every number (`v != v` is the generic NaN test).
    static func select(
        _ storage: TensorStorage, outer: Int, n: Int, inner: Int, k: Int, largest: Bool
    ) throws(EngineError) -> (offsets: [Int], indices: [Int64]) {
        func run<T: Comparable>(_ x: [T]) throws(EngineError) -> (offsets: [Int], indices: [Int64]) {
            try select(x, outer: outer, n: n, inner: inner, k: k, largest: largest)
        }
        switch storage {
        case .float32(let a): return try run(a)
        case .float64(let a): return try run(a)
        case .float16(let a): return try run(a)
        case .bfloat16(let a): return try run(a.map(\.floatValue))
        case .int8(let a): return try run(a)
        case .int16(let a): return try run(a)
        case .int32(let a): return try run(a)
        case .int64(let a): return try run(a)
        case .uint8(let a): return try run(a)
        case .uint16(let a): return try run(a)
        case .uint32(let a): return try run(a)
        case .uint64(let a): return try run(a)
        case .bool, .string, .lowPrecision: throw EngineError.invalidInput("TopK cannot order tensor(\(storage.dataType))")
        }
    }

    static func select<T: Comparable>(
        _ x: [T], outer: Int, n: Int, inner: Int, k: Int, largest: Bool
    ) throws(EngineError) -> (offsets: [Int], indices: [Int64]) {
        guard k >= 0, k <= n else { throw EngineError.invalidInput("TopK: k = \(k) is outside 0...\(n), the size of the axis") }
        guard x.count == outer * n * inner else {
            throw EngineError.runtime("TopK: \(x.count) elements do not fit \(outer)×\(n)×\(inner)")
        }
        let count = outer * k * inner
        var offsets = [Int](repeating: 0, count: count)
        var indices = [Int64](repeating: 0, count: count)
        guard count > 0 else { return (offsets, indices) }
        var chosen: [Int] = []
        chosen.reserveCapacity(n)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                // Does axis index a rank before axis index b?
                let precedes = { (a: Int, b: Int) -> Bool in
                    let va = x[base + a * inner]
                    let vb = x[base + b * inner]
                    let nanA = va != va
                    let nanB = vb != vb
                    if nanA || nanB {
                        if nanA && nanB { return a < b }
                        return largest ? nanA : nanB
                    }
                    if va != vb { return largest ? va > vb : va < vb }
                    return a < b
                }
                chosen.removeAll(keepingCapacity: true)
                if k == 1 {
                    var bestIndex = 0
                    for j in 1..<n where precedes(j, bestIndex) { bestIndex = j }
                    chosen.append(bestIndex)
                } else if k * 4 >= n {
                    chosen.append(contentsOf: 0..<n)
                    chosen.sort(by: precedes)
                } else {
                    selectWithHeap(n: n, k: k, precedes: precedes, into: &chosen)
                    chosen.sort(by: precedes)
                }
                for r in 0..<k {
                    let j = chosen[r]
                    let position = (o * k + r) * inner + i
                    offsets[position] = base + j * inner
                    indices[position] = Int64(j)
                }
            }
        }
        return (offsets, indices)
    }

    /// Keeps the `k` best of `0..<n` in `heap` (unordered): a heap whose root is the worst kept index.
    static func selectWithHeap(n: Int, k: Int, precedes: (Int, Int) -> Bool, into heap: inout [Int]) {
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { return }
                var worst = left
                let right = left + 1
                if right < heap.count, precedes(heap[left], heap[right]) { worst = right }
                guard precedes(heap[parent], heap[worst]) else { return }
                heap.swapAt(parent, worst)
                parent = worst
            }
        }
        heap.append(contentsOf: 0..<k)
        for start in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(start) }
        for j in k..<n where precedes(j, heap[0]) {
            heap[0] = j
            siftDown(0)
        }
    }

    /// Reference for ``select(_:outer:n:inner:k:largest:)``: a full stable sort of every slice.
    static func referenceSelect<T: NumericElement>(
        _ x: [T], outer: Int, n: Int, inner: Int, k: Int, largest: Bool
    ) -> (offsets: [Int], indices: [Int64]) {
        var offsets: [Int] = []
        var indices: [Int64] = []
        var perPosition: [[Int]] = []
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                let ordered = (0..<n).sorted { a, b in
                    let va = x[base + a * inner].doubleValue
                    let vb = x[base + b * inner].doubleValue
                    let ka = va.isNaN ? Double.infinity : va
                    let kb = vb.isNaN ? Double.infinity : vb
                    if va.isNaN != vb.isNaN { return largest ? va.isNaN : vb.isNaN }
                    if ka != kb { return largest ? ka > kb : ka < kb }
                    return a < b
                }
                perPosition.append(ordered.prefix(k).map { base + $0 * inner })
            }
        }
        for o in 0..<outer {
            for r in 0..<k {
                for i in 0..<inner {
                    let offset = perPosition[o * inner + i][r]
                    offsets.append(offset)
                    indices.append(Int64((offset - (o * n * inner + i)) / max(inner, 1)))
                }
            }
        }
        return (offsets, indices)
    }
}

/// Shape arithmetic: element counts, strides, numpy broadcasting.
public enum Shape {
    /// The number of elements of `shape`, or `nil` if a dimension is negative or the product overflows.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var total = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// Row-major strides (in elements).
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = acc
            acc *= shape[i]
        }
        return strides
    }

    /// The numpy-broadcast shape of several shapes, or `nil` when they do not broadcast.
    public static func broadcast(_ shapes: [[Int]]) -> [Int]? {
        // A plain loop: `map(\.count)` goes through a key path and an array allocation on every call.
        var rank = 0
        for shape in shapes where shape.count > rank { rank = shape.count }
        var result = Array(repeating: 1, count: rank)
        for shape in shapes {
            let offset = rank - shape.count
            for (i, d) in shape.enumerated() {
                let current = result[offset + i]
                if current == d || d == 1 { continue }
                if current == 1 {
                    result[offset + i] = d
                } else {
                    return nil
                }
            }
        }
        return result
    }

    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? { broadcast([a, b]) }

    /// Strides for reading an input of `shape` as if it had `target` shape (0 on broadcast axes).
    public static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        var result = Array(repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 {
            result[offset + i] = own[i]
        }
        return result
    }

    /// Normalises a possibly negative axis for a tensor of `rank`, or returns nil if out of range.
    public static func normalizeAxis(_ axis: Int, rank: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return (0..<max(rank, 0)).contains(a) ? a : nil
    }
}

/// Iterates the flat source offsets of a broadcast read, in row-major order of the target shape.
public struct BroadcastIndexer: Sequence, IteratorProtocol {
    private let target: [Int]
    private let strides: [Int]
    private var index: [Int]
    private var offset = 0
    private var remaining: Int

    public init(shape: [Int], target: [Int]) {
        self.target = target
        self.strides = Shape.broadcastStrides(shape, to: target)
        self.index = Array(repeating: 0, count: target.count)
        self.remaining = Shape.elementCount(target) ?? 0
    }

    public mutating func next() -> Int? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        let current = offset
        var axis = target.count - 1
        while axis >= 0 {
            index[axis] += 1
            offset += strides[axis]
            if index[axis] < target[axis] { break }
            offset -= strides[axis] * index[axis]
            index[axis] = 0
            axis -= 1
        }
        return current
    }
}

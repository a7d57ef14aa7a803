import SlipwayTensor

/// Copies a strided view of a contiguous array into a new contiguous array: element `(i0, ..., in)` of
/// the result is `source[offset + i0 * strides[0] + ... + in * strides[n]]`.
///
/// This one kernel serves Transpose (permuted strides), Slice and Split (offset, stepped and negative
/// strides), Expand and Tile (zero strides), DepthToSpace and SpaceToDepth (a 6-D view). Adjacent axes
/// that are contiguous in the source are merged first, so the inner loop copies whole runs with one
/// block copy; batched 2-D transposes are copied in cache-sized tiles.
enum LayoutStridedCopy {
    /// The most elements any layout kernel will allocate for one result (4 Gi elements).
    static let maximumElements = 1 << 32

    /// Tile edge for the blocked transpose path.
    static let tile = 32

    /// Copies the view out of `storage`, whatever its element type.
    static func copy(_ storage: TensorStorage, offset: Int, shape: [Int], strides: [Int]) throws -> TensorStorage {
        switch storage {
        case .float32(let a): .float32(try copy(a, offset: offset, shape: shape, strides: strides))
        case .float64(let a): .float64(try copy(a, offset: offset, shape: shape, strides: strides))
        case .float16(let a): .float16(try copy(a, offset: offset, shape: shape, strides: strides))
        case .bfloat16(let a): .bfloat16(try copy(a, offset: offset, shape: shape, strides: strides))
        case .int8(let a): .int8(try copy(a, offset: offset, shape: shape, strides: strides))
        case .int16(let a): .int16(try copy(a, offset: offset, shape: shape, strides: strides))
        case .int32(let a): .int32(try copy(a, offset: offset, shape: shape, strides: strides))
        case .int64(let a): .int64(try copy(a, offset: offset, shape: shape, strides: strides))
        case .uint8(let a): .uint8(try copy(a, offset: offset, shape: shape, strides: strides))
        case .uint16(let a): .uint16(try copy(a, offset: offset, shape: shape, strides: strides))
        case .uint32(let a): .uint32(try copy(a, offset: offset, shape: shape, strides: strides))
        case .uint64(let a): .uint64(try copy(a, offset: offset, shape: shape, strides: strides))
        case .bool(let a): .bool(try copy(a, offset: offset, shape: shape, strides: strides))
        case .string(let a): .string(try copy(a, offset: offset, shape: shape, strides: strides))
        case .lowPrecision(let s): .lowPrecision(s.withCodes(try copy(s.codes, offset: offset, shape: shape, strides: strides)))
        }
    }

    /// Copies the view into a tensor of `shape`.
    static func copy(_ tensor: Tensor, offset: Int, shape: [Int], strides: [Int]) throws -> Tensor {
        Tensor(uncheckedShape: shape, storage: try copy(tensor.storage, offset: offset, shape: shape, strides: strides))
    }

    /// Throws unless every element of the view lies inside a source of `sourceCount` elements.
    static func checkBounds(sourceCount: Int, offset: Int, shape: [Int], strides: [Int]) throws -> Int {
        guard shape.count == strides.count else {
            throw EngineError.runtime("strided copy: \(shape.count) dimensions but \(strides.count) strides")
        }
        guard let count = Shape.elementCount(shape), count <= maximumElements else {
            throw EngineError.invalidInput("the result shape \(shape) is invalid or too large")
        }
        guard count > 0 else { return 0 }
        var low = offset
        var high = offset
        for (n, s) in zip(shape, strides) {
            let (span, overflow) = (n - 1).multipliedReportingOverflow(by: s)
            guard !overflow else { throw EngineError.runtime("strided copy: stride \(s) overflows") }
            if span < 0 { low += span } else { high += span }
        }
        guard low >= 0, high < sourceCount else {
            throw EngineError.runtime("strided copy: the view reads elements \(low)...\(high) of a source of \(sourceCount)")
        }
        return count
    }

    /// Drops size-1 axes and merges neighbours that are contiguous in the source.
    static func simplify(shape: [Int], strides: [Int]) -> (shape: [Int], strides: [Int]) {
        var dims: [Int] = []
        var steps: [Int] = []
        for (n, s) in zip(shape, strides) where n != 1 {
            if let lastN = dims.last, let lastS = steps.last, lastS == s * n {
                dims[dims.count - 1] = lastN * n
                steps[steps.count - 1] = s
            } else {
                dims.append(n)
                steps.append(s)
            }
        }
        return (dims, steps)
    }

    /// The fast copy (see the type's documentation).
    static func copy<T: TensorElement>(_ source: [T], offset: Int, shape: [Int], strides: [Int]) throws -> [T] {
        let count = try checkBounds(sourceCount: source.count, offset: offset, shape: shape, strides: strides)
        guard count > 0 else { return [] }
        let (dims, steps) = simplify(shape: shape, strides: strides)
        guard let innerCount = dims.last, let innerStride = steps.last else { return [source[offset]] }
        if dims.count == 1, innerStride == 1 { return Array(source[offset..<offset + innerCount]) }
        let rank = dims.count
        let transposeTiles = rank >= 2 && innerStride != 1 && steps[rank - 2] == 1 && innerCount >= 8 && dims[rank - 2] >= 8
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            source.withUnsafeBufferPointer { src in
                // Safe because: checkBounds proved every address offset + Σ i_k·s_k lies in 0..<source.count and
                // the odometer below visits exactly those addresses; `count` > 0 so both buffers are non-empty.
                guard let s = src.baseAddress, let d = buffer.baseAddress else { return }
                if transposeTiles {
                    copyTransposed(s, d, offset: offset, dims: dims, steps: steps)
                } else {
                    copyRows(s, d, offset: offset, dims: dims, steps: steps)
                }
                initialized = count
            }
        }
    }

    /// Row by row: the innermost axis is one block copy (stride 1), one fill (stride 0) or a strided loop.
    private static func copyRows<T>(
        _ s: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>, offset: Int, dims: [Int], steps: [Int]
    ) {
        let rank = dims.count
        let n = dims[rank - 1]
        let st = steps[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var base = offset
        var out = d
        let rows = dims.dropLast().reduce(1, *)
        for _ in 0..<rows {
            // Safe because: `base` is an address of the view (see copy) and `out` advances by n per row within count.
            let p = s + base
            if st == 1 {
                out.initialize(from: p, count: n)
            } else if st == 0 {
                out.initialize(repeating: p.pointee, count: n)
            } else {
                var q = p
                for k in 0..<n {
                    (out + k).initialize(to: q.pointee)
                    q += st
                }
            }
            out += n
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                base += steps[axis]
                if index[axis] < dims[axis] { break }
                base -= steps[axis] * dims[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Batched 2-D transpose: the last output axis is strided in the source and the one before it is
    /// contiguous; copy square tiles so both the reads and the writes stay in cache.
    private static func copyTransposed<T>(
        _ s: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>, offset: Int, dims: [Int], steps: [Int]
    ) {
        let rank = dims.count
        let rowsCount = dims[rank - 2]
        let n = dims[rank - 1]
        let st = steps[rank - 1]
        let plane = rowsCount * n
        let batches = dims.dropLast(2).reduce(1, *)
        var index = [Int](repeating: 0, count: rank)
        var base = offset
        var out = d
        for _ in 0..<batches {
            var i0 = 0
            while i0 < rowsCount {
                let i1 = min(i0 + tile, rowsCount)
                var j0 = 0
                while j0 < n {
                    let j1 = min(j0 + tile, n)
                    for j in j0..<j1 {
                        // Safe because: i < rowsCount and j < n index the view, whose addresses are in range.
                        let column = s + (base + j * st)
                        for i in i0..<i1 {
                            (out + (i * n + j)).initialize(to: column[i])
                        }
                    }
                    j0 = j1
                }
                i0 = i1
            }
            out += plane
            var axis = rank - 3
            while axis >= 0 {
                index[axis] += 1
                base += steps[axis]
                if index[axis] < dims[axis] { break }
                base -= steps[axis] * dims[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// The plain reference: per-element index arithmetic with checked array accesses; nil when the view
    /// reads outside the source.
    static func reference<T: TensorElement>(_ source: [T], offset: Int, shape: [Int], strides: [Int]) -> [T]? {
        guard let count = Shape.elementCount(shape), shape.count == strides.count else { return nil }
        var result: [T] = []
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<count {
            var address = offset
            for k in 0..<shape.count { address += index[k] * strides[k] }
            guard source.indices.contains(address) else { return nil }
            result.append(source[address])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}

import SlipwayTensor

/// Copy kernels driven by index lists: contiguous blocks at given starts (Gather, GatherND,
/// GatherElements), per-axis index maps (Pad in every mode, nearest Resize) and block interleaving
/// (Concat). Every kernel copies whole contiguous runs with `append(contentsOf:)`.
enum LayoutIndexKernels {
    // MARK: - Blocks

    /// `length` elements starting at each of `starts`, one after another.
    static func gatherBlocks(_ storage: TensorStorage, starts: [Int], length: Int) throws -> TensorStorage {
        switch storage {
        case .float32(let a): .float32(try gatherBlocks(a, starts: starts, length: length))
        case .float64(let a): .float64(try gatherBlocks(a, starts: starts, length: length))
        case .float16(let a): .float16(try gatherBlocks(a, starts: starts, length: length))
        case .bfloat16(let a): .bfloat16(try gatherBlocks(a, starts: starts, length: length))
        case .int8(let a): .int8(try gatherBlocks(a, starts: starts, length: length))
        case .int16(let a): .int16(try gatherBlocks(a, starts: starts, length: length))
        case .int32(let a): .int32(try gatherBlocks(a, starts: starts, length: length))
        case .int64(let a): .int64(try gatherBlocks(a, starts: starts, length: length))
        case .uint8(let a): .uint8(try gatherBlocks(a, starts: starts, length: length))
        case .uint16(let a): .uint16(try gatherBlocks(a, starts: starts, length: length))
        case .uint32(let a): .uint32(try gatherBlocks(a, starts: starts, length: length))
        case .uint64(let a): .uint64(try gatherBlocks(a, starts: starts, length: length))
        case .bool(let a): .bool(try gatherBlocks(a, starts: starts, length: length))
        case .string(let a): .string(try gatherBlocks(a, starts: starts, length: length))
        case .lowPrecision(let s): .lowPrecision(s.withCodes(try gatherBlocks(s.codes, starts: starts, length: length)))
        }
    }

    static func gatherBlocks<T: TensorElement>(_ source: [T], starts: [Int], length: Int) throws -> [T] {
        guard length >= 0 else { throw EngineError.runtime("gather: negative block length \(length)") }
        let (total, overflow) = starts.count.multipliedReportingOverflow(by: length)
        guard !overflow, total <= LayoutStridedCopy.maximumElements else {
            throw EngineError.invalidInput("gather: result of \(starts.count) × \(length) elements is too large")
        }
        var result: [T] = []
        result.reserveCapacity(total)
        if length == 1 {
            for start in starts {
                guard start >= 0, start < source.count else {
                    throw EngineError.runtime("gather: element \(start) is outside a source of \(source.count)")
                }
                result.append(source[start])
            }
        } else if length > 0 {
            for start in starts {
                guard start >= 0, start <= source.count - length else {
                    throw EngineError.runtime("gather: block \(start)..<\(start + length) is outside a source of \(source.count)")
                }
                result.append(contentsOf: source[start..<start + length])
            }
        }
        return result
    }

    // MARK: - Per-axis index maps

    /// `result[i0, ..., in] = source[maps[0][i0], ..., maps[n][in]]`, or `fill` where any map entry is negative.
    ///
    /// - Parameters:
    ///   - shape: the source shape; `maps[k]` entries must be below `shape[k]`.
    ///   - fill: a one-element storage of the source's type.
    static func gatherAxes(_ storage: TensorStorage, shape: [Int], maps: [[Int]], fill: TensorStorage) throws -> TensorStorage {
        func value<T: TensorElement>(_ type: T.Type) throws -> T {
            guard let f = T.unwrap(fill)?.first else {
                throw EngineError.invalidInput("the fill value has type \(fill.dataType), expected \(T.dataType)")
            }
            return f
        }
        switch storage {
        case .float32(let a): return .float32(try gatherAxes(a, shape: shape, maps: maps, fill: value(Float.self)))
        case .float64(let a): return .float64(try gatherAxes(a, shape: shape, maps: maps, fill: value(Double.self)))
        case .float16(let a): return .float16(try gatherAxes(a, shape: shape, maps: maps, fill: value(Float16.self)))
        case .bfloat16(let a): return .bfloat16(try gatherAxes(a, shape: shape, maps: maps, fill: value(BFloat16.self)))
        case .int8(let a): return .int8(try gatherAxes(a, shape: shape, maps: maps, fill: value(Int8.self)))
        case .int16(let a): return .int16(try gatherAxes(a, shape: shape, maps: maps, fill: value(Int16.self)))
        case .int32(let a): return .int32(try gatherAxes(a, shape: shape, maps: maps, fill: value(Int32.self)))
        case .int64(let a): return .int64(try gatherAxes(a, shape: shape, maps: maps, fill: value(Int64.self)))
        case .uint8(let a): return .uint8(try gatherAxes(a, shape: shape, maps: maps, fill: value(UInt8.self)))
        case .uint16(let a): return .uint16(try gatherAxes(a, shape: shape, maps: maps, fill: value(UInt16.self)))
        case .uint32(let a): return .uint32(try gatherAxes(a, shape: shape, maps: maps, fill: value(UInt32.self)))
        case .uint64(let a): return .uint64(try gatherAxes(a, shape: shape, maps: maps, fill: value(UInt64.self)))
        case .bool(let a): return .bool(try gatherAxes(a, shape: shape, maps: maps, fill: value(Bool.self)))
        case .string(let a): return .string(try gatherAxes(a, shape: shape, maps: maps, fill: value(String.self)))
        case .lowPrecision(let s):
            guard case .lowPrecision(let f) = fill, f.dataType == s.dataType, let code = f.codes.first else {
                throw EngineError.invalidInput("the fill value has type \(fill.dataType), expected \(s.dataType)")
            }
            return .lowPrecision(s.withCodes(try gatherAxes(s.codes, shape: shape, maps: maps, fill: code)))
        }
    }

    static func gatherAxes<T: TensorElement>(_ source: [T], shape: [Int], maps: [[Int]], fill: T) throws -> [T] {
        guard maps.count == shape.count, Shape.elementCount(shape) == source.count else {
            throw EngineError.runtime("gatherAxes: \(maps.count) maps for a source of shape \(shape) and \(source.count) elements")
        }
        for (axis, map) in maps.enumerated() {
            for i in map where i >= shape[axis] {
                throw EngineError.runtime("gatherAxes: index \(i) is out of range for axis \(axis) of size \(shape[axis])")
            }
        }
        guard let count = Shape.elementCount(maps.map(\.count)), count <= LayoutStridedCopy.maximumElements else {
            throw EngineError.invalidInput("result shape \(maps.map(\.count)) is too large")
        }
        guard let inner = maps.last else { return source }
        if count == 0 { return [] }
        // The innermost map as runs: (source start or -1 for fill, length).
        var runs: [(start: Int, length: Int)] = []
        for i in inner {
            if let last = runs.last {
                if i < 0, last.start < 0 {
                    runs[runs.count - 1].length += 1
                    continue
                }
                if i >= 0, last.start >= 0, last.start + last.length == i {
                    runs[runs.count - 1].length += 1
                    continue
                }
            }
            runs.append((i < 0 ? -1 : i, 1))
        }
        let strides = Shape.strides(shape)
        let rank = shape.count
        let outerDims = maps.dropLast().map(\.count)
        let rows = outerDims.reduce(1, *)
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<rows {
            var base = 0
            var filled = false
            for axis in 0..<(rank - 1) {
                let i = maps[axis][index[axis]]
                if i < 0 {
                    filled = true
                    break
                }
                base += i * strides[axis]
            }
            if filled {
                result.append(contentsOf: repeatElement(fill, count: inner.count))
            } else {
                for run in runs {
                    if run.start < 0 {
                        result.append(contentsOf: repeatElement(fill, count: run.length))
                    } else if run.length == 1 {
                        result.append(source[base + run.start])
                    } else {
                        result.append(contentsOf: source[(base + run.start)..<(base + run.start + run.length)])
                    }
                }
            }
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outerDims[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// The reference for ``gatherAxes(_:shape:maps:fill:)``: one element at a time.
    static func gatherAxesReference<T: TensorElement>(_ source: [T], shape: [Int], maps: [[Int]], fill: T) -> [T]? {
        guard let count = Shape.elementCount(maps.map(\.count)), maps.count == shape.count else { return nil }
        let strides = Shape.strides(shape)
        var index = [Int](repeating: 0, count: maps.count)
        var result: [T] = []
        for _ in 0..<count {
            var address = 0
            var isFill = false
            for k in 0..<maps.count {
                let i = maps[k][index[k]]
                if i < 0 { isFill = true } else { address += i * strides[k] }
            }
            if isFill {
                result.append(fill)
            } else {
                guard source.indices.contains(address) else { return nil }
                result.append(source[address])
            }
            var axis = maps.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < maps[axis].count { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    // MARK: - Concat

    /// Interleaves blocks: for each of `outer` rows, `lengths[k]` elements of part `k`, for every part.
    static func concat(_ parts: [TensorStorage], outer: Int, lengths: [Int]) throws -> TensorStorage {
        guard let first = parts.first else { throw EngineError.runtime("concat: no inputs") }
        func all<T: TensorElement>(_ type: T.Type) throws -> [[T]] {
            try parts.map { part in
                guard let a = T.unwrap(part) else { throw EngineError.invalidInput("Concat: inputs have different types") }
                return a
            }
        }
        switch first {
        case .float32: return .float32(try concat(all(Float.self), outer: outer, lengths: lengths))
        case .float64: return .float64(try concat(all(Double.self), outer: outer, lengths: lengths))
        case .float16: return .float16(try concat(all(Float16.self), outer: outer, lengths: lengths))
        case .bfloat16: return .bfloat16(try concat(all(BFloat16.self), outer: outer, lengths: lengths))
        case .int8: return .int8(try concat(all(Int8.self), outer: outer, lengths: lengths))
        case .int16: return .int16(try concat(all(Int16.self), outer: outer, lengths: lengths))
        case .int32: return .int32(try concat(all(Int32.self), outer: outer, lengths: lengths))
        case .int64: return .int64(try concat(all(Int64.self), outer: outer, lengths: lengths))
        case .uint8: return .uint8(try concat(all(UInt8.self), outer: outer, lengths: lengths))
        case .uint16: return .uint16(try concat(all(UInt16.self), outer: outer, lengths: lengths))
        case .uint32: return .uint32(try concat(all(UInt32.self), outer: outer, lengths: lengths))
        case .uint64: return .uint64(try concat(all(UInt64.self), outer: outer, lengths: lengths))
        case .bool: return .bool(try concat(all(Bool.self), outer: outer, lengths: lengths))
        case .string: return .string(try concat(all(String.self), outer: outer, lengths: lengths))
        case .lowPrecision(let s):
            let codes = try parts.map { part in
                guard case .lowPrecision(let p) = part, p.dataType == s.dataType else {
                    throw EngineError.invalidInput("Concat: inputs have different types")
                }
                return p.codes
            }
            return .lowPrecision(s.withCodes(try concat(codes, outer: outer, lengths: lengths)))
        }
    }

    static func concat<T: TensorElement>(_ parts: [[T]], outer: Int, lengths: [Int]) throws -> [T] {
        guard parts.count == lengths.count else { throw EngineError.runtime("concat: \(parts.count) parts, \(lengths.count) lengths") }
        for (part, length) in zip(parts, lengths) where part.count != outer * length {
            throw EngineError.runtime("concat: a part has \(part.count) elements, expected \(outer) × \(length)")
        }
        var result: [T] = []
        result.reserveCapacity(outer * lengths.reduce(0, +))
        if outer == 1 {
            for part in parts { result.append(contentsOf: part) }
            return result
        }
        for o in 0..<outer {
            for (part, length) in zip(parts, lengths) where length > 0 {
                result.append(contentsOf: part[(o * length)..<((o + 1) * length)])
            }
        }
        return result
    }
}

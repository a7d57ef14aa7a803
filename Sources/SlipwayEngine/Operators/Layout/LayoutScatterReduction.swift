import SlipwayTensor

/// How ScatterElements and ScatterND combine an update with the value already there.
enum LayoutScatterReduction: String, Sendable {
    case none, add, mul, max, min

    init(_ config: OperatorConfiguration, op: String) throws {
        let name = try config.attributes.string("reduction", default: "none")
        guard let r = LayoutScatterReduction(rawValue: name) else {
            throw EngineError.invalidModel("\(op): reduction '\(name)' is not one of none, add, mul, max, min")
        }
        let since: Int
        switch r {
        case .none: since = 1
        case .add, .mul: since = 16
        case .max, .min: since = 18
        }
        guard config.opsetVersion >= since else {
            throw EngineError.invalidModel("\(op)-\(config.opsetVersion): reduction '\(name)' needs opset \(since)")
        }
        self = r
    }

    /// Checks at load time that the data type supports this reduction.
    func check(_ dataType: DataType, op: String) throws {
        if self != .none, dataType == .string {
            throw EngineError.invalidModel("\(op): reduction '\(rawValue)' is not defined for string tensors")
        }
    }

    /// Copies `data` and writes `updates` (blocks of `length`) at each of `starts`, combining as requested.
    func apply(_ data: TensorStorage, updates: TensorStorage, starts: [Int], length: Int, op: String) throws -> TensorStorage {
        guard data.dataType == updates.dataType else {
            throw EngineError.invalidInput("\(op): 'updates' has type \(updates.dataType), 'data' has \(data.dataType)")
        }
        guard updates.count == starts.count * length else {
            throw EngineError.invalidInput("\(op): 'updates' has \(updates.count) elements, expected \(starts.count * length)")
        }
        switch (data, updates) {
        case (.float32(let d), .float32(let u)): return .float32(try scatter(d, u, starts, length, floating()))
        case (.float64(let d), .float64(let u)): return .float64(try scatter(d, u, starts, length, floating()))
        case (.float16(let d), .float16(let u)): return .float16(try scatter(d, u, starts, length, floating()))
        case (.bfloat16(let d), .bfloat16(let u)):
            let combine: ((BFloat16, BFloat16) -> BFloat16)? = floating().map { f in { BFloat16(f($0.floatValue, $1.floatValue)) } }
            return .bfloat16(try scatter(d, u, starts, length, combine))
        case (.int8(let d), .int8(let u)): return .int8(try scatter(d, u, starts, length, integer()))
        case (.int16(let d), .int16(let u)): return .int16(try scatter(d, u, starts, length, integer()))
        case (.int32(let d), .int32(let u)): return .int32(try scatter(d, u, starts, length, integer()))
        case (.int64(let d), .int64(let u)): return .int64(try scatter(d, u, starts, length, integer()))
        case (.uint8(let d), .uint8(let u)): return .uint8(try scatter(d, u, starts, length, integer()))
        case (.uint16(let d), .uint16(let u)): return .uint16(try scatter(d, u, starts, length, integer()))
        case (.uint32(let d), .uint32(let u)): return .uint32(try scatter(d, u, starts, length, integer()))
        case (.uint64(let d), .uint64(let u)): return .uint64(try scatter(d, u, starts, length, integer()))
        case (.bool(let d), .bool(let u)): return .bool(try scatter(d, u, starts, length, logical()))
        case (.string(let d), .string(let u)):
            guard self == .none else { throw EngineError.invalidInput("\(op): reduction '\(rawValue)' is not defined for strings") }
            return .string(try scatter(d, u, starts, length, nil))
        default:
            throw EngineError.invalidInput("\(op): 'updates' has type \(updates.dataType), 'data' has \(data.dataType)")
        }
    }

    private func floating<T: FloatingPoint>() -> ((T, T) -> T)? {
        switch self {
        case .none: nil
        case .add: { $0 + $1 }
        case .mul: { $0 * $1 }
        case .max: { Swift.max($0, $1) }
        case .min: { Swift.min($0, $1) }
        }
    }

    private func integer<T: FixedWidthInteger>() -> ((T, T) -> T)? {
        switch self {
        case .none: nil
        case .add: { $0 &+ $1 }
        case .mul: { $0 &* $1 }
        case .max: { Swift.max($0, $1) }
        case .min: { Swift.min($0, $1) }
        }
    }

    private func logical() -> ((Bool, Bool) -> Bool)? {
        switch self {
        case .none: nil
        case .add, .max: { $0 || $1 }
        case .mul, .min: { $0 && $1 }
        }
    }

    private func scatter<T>(_ data: [T], _ updates: [T], _ starts: [Int], _ length: Int, _ combine: ((T, T) -> T)?) throws -> [T] {
        var out = data
        var u = 0
        for start in starts {
            guard start >= 0, start <= out.count - length else {
                throw EngineError.runtime("scatter: block \(start)..<\(start + length) is outside data of \(out.count) elements")
            }
            if let combine {
                for j in 0..<length {
                    out[start + j] = combine(out[start + j], updates[u + j])
                }
            } else {
                out.replaceSubrange(start..<(start + length), with: updates[u..<(u + length)])
            }
            u += length
        }
        return out
    }
}

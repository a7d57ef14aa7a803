import SlipwayTensor

/// ONNX `Trilu`: keeps the upper (`upper = 1`, default: `j - i >= k`) or lower (`j - i <= k`) triangle
/// of the last two axes and zeroes the rest; `k` is an optional int64 scalar input (default 0).
public struct Trilu: Operator {
    let upper: Bool

    public init(_ config: OperatorConfiguration) throws {
        upper = try config.attributes.int("upper", default: 1) != 0
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        if inputs.optionalFact(1) != nil {
            try LayoutSupport.requireIndexType(inputs, 1, "k", op: "Trilu")
        }
        let shape = inputs.optionalFact(0)?.shape
        if let shape, shape.count < 2 {
            throw EngineError.invalidModel("Trilu: input must have rank 2 or more, it has rank \(shape.count)")
        }
        return [ValueFact(dataType, shape: shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        guard input.rank >= 2 else {
            throw EngineError.invalidInput("Trilu: input must have rank 2 or more, it has shape \(input.shape)")
        }
        var k = 0
        if let t = try inputs.optionalTensor(1) {
            guard let v = try LayoutSupport.integers(t, "Trilu: input 'k'").first else {
                throw EngineError.invalidInput("Trilu: input 'k' is empty")
            }
            k = v
        }
        let rows = input.shape[input.rank - 2]
        let columns = input.shape[input.rank - 1]
        let geometry = Geometry(rows: rows, columns: columns, k: k, upper: upper)
        let storage: TensorStorage
        switch input.storage {
        case .float32(let a): storage = .float32(geometry.apply(a))
        case .float64(let a): storage = .float64(geometry.apply(a))
        case .float16(let a): storage = .float16(geometry.apply(a))
        case .bfloat16(let a): storage = .bfloat16(geometry.apply(a))
        case .int8(let a): storage = .int8(geometry.apply(a))
        case .int16(let a): storage = .int16(geometry.apply(a))
        case .int32(let a): storage = .int32(geometry.apply(a))
        case .int64(let a): storage = .int64(geometry.apply(a))
        case .uint8(let a): storage = .uint8(geometry.apply(a))
        case .uint16(let a): storage = .uint16(geometry.apply(a))
        case .uint32(let a): storage = .uint32(geometry.apply(a))
        case .uint64(let a): storage = .uint64(geometry.apply(a))
        case .bool(let a): storage = .bool(geometry.apply(a))
        case .string(let a): storage = .string(geometry.apply(a))
        case .lowPrecision(let s): throw EngineError.invalidInput("Trilu: input 'input' has type \(s.dataType), which Trilu does not support")
        }
        return [.tensor(Tensor(uncheckedShape: input.shape, storage: storage))]
    }

    struct Geometry {
        var rows: Int
        var columns: Int
        var k: Int
        var upper: Bool

        /// The columns to zero in row `i`.
        func zeroed(row i: Int) -> Range<Int> {
            // Clamp in a wide range first so extreme k cannot overflow.
            let edge = Int(max(min(Int64(i) + Int64(clamping: k), Int64(columns) + 1), -1))
            if upper { return 0..<min(max(edge, 0), columns) }
            return min(max(edge + 1, 0), columns)..<columns
        }

        func apply<T: TensorElement>(_ a: [T]) -> [T] {
            var out = a
            let plane = rows * columns
            guard plane > 0 else { return out }
            for base in stride(from: 0, to: a.count, by: plane) {
                for i in 0..<rows {
                    let r = zeroed(row: i)
                    guard !r.isEmpty else { continue }
                    let start = base + i * columns
                    out.replaceSubrange((start + r.lowerBound)..<(start + r.upperBound), with: repeatElement(T.zero, count: r.count))
                }
            }
            return out
        }
    }
}

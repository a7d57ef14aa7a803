import SlipwayTensor

/// ONNX `NonZero`: the coordinates of the non-zero elements (true, non-empty string), as an int64
/// tensor `[rank, count]` in row-major order. A scalar counts as a 1-element vector.
public struct NonZero: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        _ = try inputs.dataType(0, "X")
        let rank = inputs.optionalFact(0)?.rank.map { Dim.fixed(max($0, 1)) } ?? .unknown
        return [ValueFact(.int64, shape: [rank, .unknown])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let positions: [Int]
        switch x.storage {
        case .float32(let a): positions = Self.positions(a) { $0 != 0 }
        case .float64(let a): positions = Self.positions(a) { $0 != 0 }
        case .float16(let a): positions = Self.positions(a) { $0 != 0 }
        case .bfloat16(let a): positions = Self.positions(a) { $0.floatValue != 0 }
        case .int8(let a): positions = Self.positions(a) { $0 != 0 }
        case .int16(let a): positions = Self.positions(a) { $0 != 0 }
        case .int32(let a): positions = Self.positions(a) { $0 != 0 }
        case .int64(let a): positions = Self.positions(a) { $0 != 0 }
        case .uint8(let a): positions = Self.positions(a) { $0 != 0 }
        case .uint16(let a): positions = Self.positions(a) { $0 != 0 }
        case .uint32(let a): positions = Self.positions(a) { $0 != 0 }
        case .uint64(let a): positions = Self.positions(a) { $0 != 0 }
        case .bool(let a): positions = Self.positions(a) { $0 }
        case .string(let a): positions = Self.positions(a) { !$0.isEmpty }
        case .lowPrecision(let s): positions = Self.positions(s.floats()) { $0 != 0 }
        }
        let shape = x.rank == 0 ? [1] : x.shape
        let strides = Shape.strides(shape)
        let count = positions.count
        var coordinates = [Int64](repeating: 0, count: shape.count * count)
        for (j, p) in positions.enumerated() {
            for axis in 0..<shape.count {
                coordinates[axis * count + j] = Int64((p / strides[axis]) % shape[axis])
            }
        }
        return [.tensor(Tensor(uncheckedShape: [shape.count, count], storage: .int64(coordinates)))]
    }

    private static func positions<T>(_ a: [T], _ isNonZero: (T) -> Bool) -> [Int] {
        a.indices.filter { isNonZero(a[$0]) }
    }
}

/// Contiguous, row-major element storage: one Swift array per element type.
public enum TensorStorage: Sendable {
    case float32([Float])
    case float64([Double])
    case float16([Float16])
    case bfloat16([BFloat16])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    case uint16([UInt16])
    case uint32([UInt32])
    case uint64([UInt64])
    case bool([Bool])
    case string([String])
    /// float8, float4 and 4-/2-bit integer elements, one code per element.
    case lowPrecision(LowPrecisionStorage)

    public var dataType: DataType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .float16: .float16
        case .bfloat16: .bfloat16
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .uint8: .uint8
        case .uint16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .bool: .bool
        case .string: .string
        case .lowPrecision(let s): s.dataType
        }
    }

    public var count: Int {
        switch self {
        case .float32(let a): a.count
        case .float64(let a): a.count
        case .float16(let a): a.count
        case .bfloat16(let a): a.count
        case .int8(let a): a.count
        case .int16(let a): a.count
        case .int32(let a): a.count
        case .int64(let a): a.count
        case .uint8(let a): a.count
        case .uint16(let a): a.count
        case .uint32(let a): a.count
        case .uint64(let a): a.count
        case .bool(let a): a.count
        case .string(let a): a.count
        case .lowPrecision(let s): s.count
        }
    }

    /// Storage of `count` zero (false, empty-string) elements of `dataType` (code 0 for the
    /// low-precision types, which is 2^-127 for float8e8m0, a type without zero).
    public static func zeros(_ dataType: DataType, count: Int) -> TensorStorage {
        switch dataType {
        case .float32: .float32(Array(repeating: 0, count: count))
        case .float64: .float64(Array(repeating: 0, count: count))
        case .float16: .float16(Array(repeating: 0, count: count))
        case .bfloat16: .bfloat16(Array(repeating: BFloat16.zero, count: count))
        case .int8: .int8(Array(repeating: 0, count: count))
        case .int16: .int16(Array(repeating: 0, count: count))
        case .int32: .int32(Array(repeating: 0, count: count))
        case .int64: .int64(Array(repeating: 0, count: count))
        case .uint8: .uint8(Array(repeating: 0, count: count))
        case .uint16: .uint16(Array(repeating: 0, count: count))
        case .uint32: .uint32(Array(repeating: 0, count: count))
        case .uint64: .uint64(Array(repeating: 0, count: count))
        case .bool: .bool(Array(repeating: false, count: count))
        case .string: .string(Array(repeating: "", count: count))
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            .lowPrecision(LowPrecisionStorage(uncheckedType: dataType, codes: Array(repeating: 0, count: count)))
        }
    }

    /// Applies a generic transform to whatever array this storage holds.
    public func visit<V: StorageVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .float32(let a): try visitor.visitNumeric(a)
        case .float64(let a): try visitor.visitNumeric(a)
        case .float16(let a): try visitor.visitNumeric(a)
        case .bfloat16(let a): try visitor.visit(a)
        case .int8(let a): try visitor.visitNumeric(a)
        case .int16(let a): try visitor.visitNumeric(a)
        case .int32(let a): try visitor.visitNumeric(a)
        case .int64(let a): try visitor.visitNumeric(a)
        case .uint8(let a): try visitor.visitNumeric(a)
        case .uint16(let a): try visitor.visitNumeric(a)
        case .uint32(let a): try visitor.visitNumeric(a)
        case .uint64(let a): try visitor.visitNumeric(a)
        case .bool(let a): try visitor.visit(a)
        case .string(let a): try visitor.visit(a)
        case .lowPrecision(let s): try visitor.visitLowPrecision(s)
        }
    }
}

/// A generic operation over the array inside a ``TensorStorage``, whatever its element type.
///
/// `visitNumeric` is called for floating-point and integer arrays (not bfloat16); `visit` for the rest,
/// and by default `visitNumeric` forwards to `visit`. `visitLowPrecision` gets the low-precision
/// types' codes; by default it throws (an operation must opt in to those types).
public protocol StorageVisitor {
    associatedtype Result
    func visit<T: TensorElement>(_ elements: [T]) throws -> Result
    func visitNumeric<T: NumericElement>(_ elements: [T]) throws -> Result
    func visitLowPrecision(_ storage: LowPrecisionStorage) throws -> Result
}

extension StorageVisitor {
    public func visitNumeric<T: NumericElement>(_ elements: [T]) throws -> Result { try visit(elements) }
    public func visitLowPrecision(_ storage: LowPrecisionStorage) throws -> Result {
        throw TensorError("element type \(storage.dataType) is not supported by this operation")
    }
}

/// An n-dimensional array: a shape and contiguous row-major storage of one element type.
///
/// `Tensor` is a value type: copies share storage until one is mutated (copy on write).
public struct Tensor: Sendable {
    public private(set) var shape: [Int]
    public var storage: TensorStorage

    /// Creates a tensor, checking that `storage` holds exactly as many elements as `shape` describes.
    public init(shape: [Int], storage: TensorStorage) throws(TensorError) {
        guard let count = Shape.elementCount(shape) else {
            throw TensorError("invalid shape \(shape): dimensions must be non-negative and their product must fit in Int")
        }
        guard count == storage.count else {
            throw TensorError("shape \(shape) holds \(count) elements but \(storage.count) were given")
        }
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor without checking the element count; for kernels whose arithmetic guarantees it.
    public init(uncheckedShape shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    public init<T: TensorElement>(shape: [Int], elements: [T]) throws(TensorError) {
        try self.init(shape: shape, storage: T.wrap(elements))
    }

    /// A rank-0 tensor holding one value.
    public init<T: TensorElement>(scalar: T) {
        self.init(uncheckedShape: [], storage: T.wrap([scalar]))
    }

    /// A 1-D tensor.
    public init<T: TensorElement>(vector: [T]) {
        self.init(uncheckedShape: [vector.count], storage: T.wrap(vector))
    }

    /// A tensor of zeros.
    public static func zeros(_ dataType: DataType, shape: [Int]) throws(TensorError) -> Tensor {
        guard let count = Shape.elementCount(shape) else { throw TensorError("invalid shape \(shape)") }
        return Tensor(uncheckedShape: shape, storage: .zeros(dataType, count: count))
    }

    public var dataType: DataType { storage.dataType }
    public var rank: Int { shape.count }
    public var count: Int { storage.count }

    /// The elements as `[T]`, or nil when the element type differs.
    public func elements<T: TensorElement>(as type: T.Type = T.self) -> [T]? { T.unwrap(storage) }

    /// The same elements with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        try Tensor(shape: newShape, storage: storage)
    }

    /// Replaces the shape in place; the element count must stay the same.
    public mutating func reshape(_ newShape: [Int]) throws(TensorError) {
        guard Shape.elementCount(newShape) == count else {
            throw TensorError("cannot reshape \(shape) (\(count) elements) to \(newShape)")
        }
        shape = newShape
    }

    /// Numeric elements converted to `Double` (bool as 0/1); nil for strings.
    public func doubles() -> [Double]? {
        switch storage {
        case .float32(let a): return a.map(Double.init)
        case .float64(let a): return a
        case .float16(let a): return a.map { Double(Float($0)) }
        case .bfloat16(let a): return a.map { Double($0.floatValue) }
        case .int8(let a): return a.map(Double.init)
        case .int16(let a): return a.map(Double.init)
        case .int32(let a): return a.map(Double.init)
        case .int64(let a): return a.map(Double.init)
        case .uint8(let a): return a.map(Double.init)
        case .uint16(let a): return a.map(Double.init)
        case .uint32(let a): return a.map(Double.init)
        case .uint64(let a): return a.map { Double($0) }  // not `Double.init`, which resolves to init(bitPattern:)
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        case .string: return nil
        case .lowPrecision(let s): return s.floats().map(Double.init)
        }
    }

    /// Integer elements as `Int` (for shape, axes and index inputs); nil for other types.
    public func integers() -> [Int]? {
        switch storage {
        case .int64(let a): return a.map { Int($0) }
        case .int32(let a): return a.map { Int($0) }
        case .int16(let a): return a.map { Int($0) }
        case .int8(let a): return a.map { Int($0) }
        case .uint8(let a): return a.map { Int($0) }
        case .uint16(let a): return a.map { Int($0) }
        case .uint32(let a): return a.map { Int($0) }
        case .uint64(let a): return a.map { Int(truncatingIfNeeded: $0) }
        default: return nil
        }
    }

    /// Elements converted to `Float`; nil for strings.
    public func floats() -> [Float]? {
        switch storage {
        case .float32(let a): return a
        case .float64(let a): return a.map { Float($0) }
        case .float16(let a): return a.map { Float($0) }
        case .bfloat16(let a): return a.map(\.floatValue)
        case .lowPrecision(let s): return s.floats()
        default: return doubles()?.map { Float($0) }
        }
    }

    /// Builds a tensor of `dataType` from doubles, rounding/saturating like a numeric cast.
    public static func fromDoubles(_ values: [Double], shape: [Int], as dataType: DataType) throws(TensorError) -> Tensor {
        let storage: TensorStorage
        switch dataType {
        case .float32: storage = .float32(values.map { Float($0) })
        case .float64: storage = .float64(values)
        case .float16: storage = .float16(values.map { Float16(Float($0)) })
        case .bfloat16: storage = .bfloat16(values.map { BFloat16(Float($0)) })
        case .int8: storage = .int8(values.map { Int8(clampingDouble: $0) })
        case .int16: storage = .int16(values.map { Int16(clampingDouble: $0) })
        case .int32: storage = .int32(values.map { Int32(clampingDouble: $0) })
        case .int64: storage = .int64(values.map { Int64(clampingDouble: $0) })
        case .uint8: storage = .uint8(values.map { UInt8(clampingDouble: $0) })
        case .uint16: storage = .uint16(values.map { UInt16(clampingDouble: $0) })
        case .uint32: storage = .uint32(values.map { UInt32(clampingDouble: $0) })
        case .uint64: storage = .uint64(values.map { UInt64(clampingDouble: $0) })
        case .bool: storage = .bool(values.map { $0 != 0 })
        case .string: throw TensorError("cannot build a string tensor from numbers")
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            storage = .lowPrecision(LowPrecisionStorage(uncheckedType: dataType, codes: values.map { LowPrecision.encode($0, dataType) }))
        }
        return try Tensor(shape: shape, storage: storage)
    }

    /// Gathers elements at flat `offsets` into a new tensor of `shape` (a generic copy for layout ops).
    public func gathering(offsets: [Int], shape newShape: [Int]) -> Tensor {
        struct Gather: StorageVisitor {
            let offsets: [Int]
            func visit<T: TensorElement>(_ a: [T]) -> TensorStorage { T.wrap(offsets.map { a[$0] }) }
            func visitLowPrecision(_ s: LowPrecisionStorage) -> TensorStorage { .lowPrecision(s.withCodes(offsets.map { s.codes[$0] })) }
        }
        // Offsets come from the caller's own index arithmetic over this tensor's shape.
        let storage = (try? storage.visit(Gather(offsets: offsets))) ?? .zeros(dataType, count: offsets.count)
        return Tensor(uncheckedShape: newShape, storage: storage)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "tensor(\(dataType))\(shape)" }
}

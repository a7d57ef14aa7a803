/// A Swift type that can be stored in a ``Tensor``.
public protocol TensorElement: Sendable {
    static var dataType: DataType { get }
    static var zero: Self { get }
    static func wrap(_ elements: [Self]) -> TensorStorage
    static func unwrap(_ storage: TensorStorage) -> [Self]?
}

/// A numeric element type with a lossless-enough conversion through `Double` (used by generic kernels).
public protocol NumericElement: TensorElement, Comparable, Numeric {
    init(clampingDouble value: Double)
    var doubleValue: Double { get }
}

extension Float: NumericElement {
    public static var dataType: DataType { .float32 }
    public static func wrap(_ elements: [Float]) -> TensorStorage { .float32(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Float]? {
        if case .float32(let a) = storage { return a }
        return nil
    }
    public init(clampingDouble value: Double) { self = Float(value) }
    public var doubleValue: Double { Double(self) }
}

extension Double: NumericElement {
    public static var dataType: DataType { .float64 }
    public static func wrap(_ elements: [Double]) -> TensorStorage { .float64(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Double]? {
        if case .float64(let a) = storage { return a }
        return nil
    }
    public init(clampingDouble value: Double) { self = value }
    public var doubleValue: Double { self }
}

extension Float16: NumericElement {
    public static var dataType: DataType { .float16 }
    public static func wrap(_ elements: [Float16]) -> TensorStorage { .float16(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Float16]? {
        if case .float16(let a) = storage { return a }
        return nil
    }
    public init(clampingDouble value: Double) { self = Float16(Float(value)) }
    public var doubleValue: Double { Double(Float(self)) }
}

extension BFloat16: TensorElement {
    public static var dataType: DataType { .bfloat16 }
    public static var zero: BFloat16 { BFloat16(bitPattern: 0) }
    public static func wrap(_ elements: [BFloat16]) -> TensorStorage { .bfloat16(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [BFloat16]? {
        if case .bfloat16(let a) = storage { return a }
        return nil
    }
}

extension Bool: TensorElement {
    public static var dataType: DataType { .bool }
    public static var zero: Bool { false }
    public static func wrap(_ elements: [Bool]) -> TensorStorage { .bool(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Bool]? {
        if case .bool(let a) = storage { return a }
        return nil
    }
}

extension String: TensorElement {
    public static var dataType: DataType { .string }
    public static var zero: String { "" }
    public static func wrap(_ elements: [String]) -> TensorStorage { .string(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [String]? {
        if case .string(let a) = storage { return a }
        return nil
    }
}

/// Integer element types share one conversion from `Double` that saturates like a C cast would not.
public protocol IntegerElement: NumericElement, FixedWidthInteger {}

extension IntegerElement {
    public init(clampingDouble value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= Double(Self.max) {
            self = Self.max
        } else if value <= Double(Self.min) {
            self = Self.min
        } else {
            self = Self(value)
        }
    }
    public var doubleValue: Double { Double(self) }
}

extension Int8: IntegerElement {
    public static var dataType: DataType { .int8 }
    public static func wrap(_ elements: [Int8]) -> TensorStorage { .int8(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Int8]? {
        if case .int8(let a) = storage { return a }
        return nil
    }
}

extension Int16: IntegerElement {
    public static var dataType: DataType { .int16 }
    public static func wrap(_ elements: [Int16]) -> TensorStorage { .int16(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Int16]? {
        if case .int16(let a) = storage { return a }
        return nil
    }
}

extension Int32: IntegerElement {
    public static var dataType: DataType { .int32 }
    public static func wrap(_ elements: [Int32]) -> TensorStorage { .int32(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Int32]? {
        if case .int32(let a) = storage { return a }
        return nil
    }
}

extension Int64: IntegerElement {
    public static var dataType: DataType { .int64 }
    public static func wrap(_ elements: [Int64]) -> TensorStorage { .int64(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [Int64]? {
        if case .int64(let a) = storage { return a }
        return nil
    }
}

extension UInt8: IntegerElement {
    public static var dataType: DataType { .uint8 }
    public static func wrap(_ elements: [UInt8]) -> TensorStorage { .uint8(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [UInt8]? {
        if case .uint8(let a) = storage { return a }
        return nil
    }
}

extension UInt16: IntegerElement {
    public static var dataType: DataType { .uint16 }
    public static func wrap(_ elements: [UInt16]) -> TensorStorage { .uint16(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [UInt16]? {
        if case .uint16(let a) = storage { return a }
        return nil
    }
}

extension UInt32: IntegerElement {
    public static var dataType: DataType { .uint32 }
    public static func wrap(_ elements: [UInt32]) -> TensorStorage { .uint32(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [UInt32]? {
        if case .uint32(let a) = storage { return a }
        return nil
    }
}

extension UInt64: IntegerElement {
    public static var dataType: DataType { .uint64 }
    public static func wrap(_ elements: [UInt64]) -> TensorStorage { .uint64(elements) }
    public static func unwrap(_ storage: TensorStorage) -> [UInt64]? {
        if case .uint64(let a) = storage { return a }
        return nil
    }
}

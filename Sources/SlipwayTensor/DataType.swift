/// The element type of a tensor.
///
/// Names follow ONNX (`float32` is ONNX `float`); ``v2Name`` gives the KServe V2 / Triton name.
public enum DataType: String, Sendable, Hashable, CaseIterable {
    case float32, float64, float16, bfloat16
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool, string

    /// The KServe V2 datatype name (`FP32`, `INT64`, `BYTES`, ...).
    public var v2Name: String {
        switch self {
        case .float32: "FP32"
        case .float64: "FP64"
        case .float16: "FP16"
        case .bfloat16: "BF16"
        case .int8: "INT8"
        case .int16: "INT16"
        case .int32: "INT32"
        case .int64: "INT64"
        case .uint8: "UINT8"
        case .uint16: "UINT16"
        case .uint32: "UINT32"
        case .uint64: "UINT64"
        case .bool: "BOOL"
        case .string: "BYTES"
        }
    }

    /// Parses a KServe V2 datatype name.
    public init?(v2Name: String) {
        guard let match = DataType.allCases.first(where: { $0.v2Name == v2Name }) else { return nil }
        self = match
    }

    /// The ONNX type name as printed in `tensor(float)`.
    public var onnxName: String {
        switch self {
        case .float32: "float"
        case .float64: "double"
        case .float16: "float16"
        case .bfloat16: "bfloat16"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .bool: "bool"
        case .string: "string"
        }
    }

    /// Bytes per element in a packed little-endian buffer; `nil` for strings.
    public var byteWidth: Int? {
        switch self {
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        case .float16, .bfloat16, .int16, .uint16: 2
        case .int8, .uint8, .bool: 1
        case .string: nil
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: true
        default: false
        }
    }

    public var isInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: true
        default: false
        }
    }

    public var isSignedInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64: true
        default: false
        }
    }

    /// Numeric: floating point or integer (not bool, not string).
    public var isNumeric: Bool { isFloatingPoint || isInteger }
}

extension DataType: CustomStringConvertible {
    public var description: String { onnxName }
}

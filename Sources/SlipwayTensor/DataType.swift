/// The element type of a tensor.
///
/// Names follow ONNX (`float32` is ONNX `float`); ``v2Name`` gives the KServe V2 / Triton name.
public enum DataType: String, Sendable, Hashable, CaseIterable {
    case float32, float64, float16, bfloat16
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool, string
    /// Low-precision types (ONNX 1.14+): stored one code per element in ``LowPrecisionStorage``.
    case float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, float8e8m0
    case uint4, int4, float4e2m1, uint2, int2

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
        // KServe V2 / Triton define no names for these; these follow their FP/INT/UINT pattern.
        case .float8e4m3fn: "FP8_E4M3"
        case .float8e4m3fnuz: "FP8_E4M3FNUZ"
        case .float8e5m2: "FP8_E5M2"
        case .float8e5m2fnuz: "FP8_E5M2FNUZ"
        case .float8e8m0: "FP8_E8M0"
        case .uint4: "UINT4"
        case .int4: "INT4"
        case .float4e2m1: "FP4_E2M1"
        case .uint2: "UINT2"
        case .int2: "INT2"
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
        case .float8e4m3fn: "float8e4m3fn"
        case .float8e4m3fnuz: "float8e4m3fnuz"
        case .float8e5m2: "float8e5m2"
        case .float8e5m2fnuz: "float8e5m2fnuz"
        case .float8e8m0: "float8e8m0"
        case .uint4: "uint4"
        case .int4: "int4"
        case .float4e2m1: "float4e2m1"
        case .uint2: "uint2"
        case .int2: "int2"
        }
    }

    /// Bytes per element in a packed little-endian buffer; `nil` for strings and for the sub-byte
    /// types (see ``bitWidth``).
    public var byteWidth: Int? {
        switch self {
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        case .float16, .bfloat16, .int16, .uint16: 2
        case .int8, .uint8, .bool: 1
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0: 1
        case .string, .uint4, .int4, .float4e2m1, .uint2, .int2: nil
        }
    }

    /// Bits per element in a packed buffer (sub-byte types pack several elements per byte, low bits
    /// first); `nil` for strings.
    public var bitWidth: Int? {
        switch self {
        case .uint4, .int4, .float4e2m1: 4
        case .uint2, .int2: 2
        default: byteWidth.map { $0 * 8 }
        }
    }

    /// The float8, float4 and 4-/2-bit integer types, stored as ``LowPrecisionStorage``.
    public var isLowPrecision: Bool {
        switch self {
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0: true
        case .uint4, .int4, .float4e2m1, .uint2, .int2: true
        default: false
        }
    }

    /// The standard floating-point types (not the low-precision float8/float4 ones).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: true
        default: false
        }
    }

    /// The standard integer types (not the 4- and 2-bit ones).
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

/// Elements of a low-precision type (float8, float4, 4- and 2-bit integers): one code per element,
/// unpacked, in the low bits of a byte (ONNX packs the sub-byte types; the importer unpacks them).
///
/// Codes are the types' bit patterns: float8e4m3fn 0x38 is 1.0, int4 0xF is -1, uint2 0x3 is 3.
public struct LowPrecisionStorage: Sendable, Hashable {
    public let dataType: DataType
    public let codes: [UInt8]

    /// Wraps `codes` of `dataType`, checking that the type is a low-precision one and that every code
    /// fits its bit width.
    public init(_ dataType: DataType, codes: [UInt8]) throws(TensorError) {
        guard dataType.isLowPrecision, let bits = dataType.bitWidth else {
            throw TensorError("\(dataType) is not a low-precision element type")
        }
        if bits < 8 {
            let limit = UInt8(1 << bits)
            for code in codes where code >= limit {
                throw TensorError("code \(code) does not fit the \(bits) bits of a \(dataType) element")
            }
        }
        self.dataType = dataType
        self.codes = codes
    }

    /// Wraps codes a conversion produced itself (already in range).
    init(uncheckedType dataType: DataType, codes: [UInt8]) {
        self.dataType = dataType
        self.codes = codes
    }

    public var count: Int { codes.count }

    /// The same type with other codes (e.g. reordered by a layout kernel); the codes come from this storage.
    public func withCodes(_ codes: [UInt8]) -> LowPrecisionStorage {
        LowPrecisionStorage(uncheckedType: dataType, codes: codes)
    }

    /// The 4- and 2-bit integer elements' values (nil for the float types).
    public func integers() -> [Int8]? {
        switch dataType {
        case .uint4, .uint2: codes.map { Int8($0) }
        case .int4: codes.map { $0 >= 8 ? Int8($0) - 16 : Int8($0) }
        case .int2: codes.map { $0 >= 2 ? Int8($0) - 4 : Int8($0) }
        default: nil
        }
    }

    /// The elements' values (4- and 2-bit integers exactly; NaN where the type has one).
    public func floats() -> [Float] {
        let type = dataType
        return codes.map { LowPrecision.decode($0, type) }
    }
}

/// How `Float`/`Double` values convert to and from the low-precision codes (ONNX `Cast` semantics,
/// matching the onnx reference implementation, which uses ml_dtypes).
///
/// Floats round to nearest even. With `saturate` (the Cast default) out-of-range values and
/// infinities become the largest finite value of that sign; without it they become infinity
/// (float8e5m2) or NaN (the types without infinity). float4e2m1 has neither NaN nor infinity:
/// it always saturates and NaN becomes -0 (code 0x8). Floats convert to the 4-/2-bit integers like
/// a C cast to int followed by a narrowing: truncation toward zero, then wrap-around (-9 becomes
/// int4 7); NaN and infinities give 0. float8e8m0 holds only powers of two (2^-127 ... 2^127, and NaN):
/// the sign is dropped and the exponent rounds per ``E8M0Rounding``.
public enum LowPrecision {
    /// The rounding of Cast's `round_mode` attribute for float8e8m0.
    public enum E8M0Rounding: String, Sendable {
        case up, down, nearest
    }

    enum Special { case ieee, finiteNaN, unsignedZero, none }

    /// A small binary float format: exponent/mantissa widths, bias and how it encodes NaN/infinity.
    struct Format {
        let exponentBits: Int
        let mantissaBits: Int
        let bias: Int
        let special: Special

        var signBit: UInt8 { UInt8(1 << (exponentBits + mantissaBits)) }
        var maxExponentField: Int { special == .ieee ? (1 << exponentBits) - 2 : (1 << exponentBits) - 1 }
        var maxMantissaAtTop: Int { special == .finiteNaN ? (1 << mantissaBits) - 2 : (1 << mantissaBits) - 1 }
        var maxCode: UInt8 { UInt8(maxExponentField << mantissaBits | maxMantissaAtTop) }
        var infinityCode: UInt8 { UInt8(((1 << exponentBits) - 1) << mantissaBits) }
        func nanCode(negative: Bool) -> UInt8 {
            switch special {
            case .ieee: (negative ? signBit : 0) | infinityCode | UInt8(1 << (mantissaBits - 1))
            case .finiteNaN: (negative ? signBit : 0) | infinityCode | UInt8((1 << mantissaBits) - 1)
            case .unsignedZero: signBit
            case .none: signBit  // as ml_dtypes does it: NaN becomes -0
            }
        }
    }

    static func format(_ type: DataType) -> Format? {
        switch type {
        case .float8e4m3fn: Format(exponentBits: 4, mantissaBits: 3, bias: 7, special: .finiteNaN)
        case .float8e4m3fnuz: Format(exponentBits: 4, mantissaBits: 3, bias: 8, special: .unsignedZero)
        case .float8e5m2: Format(exponentBits: 5, mantissaBits: 2, bias: 15, special: .ieee)
        case .float8e5m2fnuz: Format(exponentBits: 5, mantissaBits: 2, bias: 16, special: .unsignedZero)
        case .float4e2m1: Format(exponentBits: 2, mantissaBits: 1, bias: 1, special: .none)
        default: nil
        }
    }

    /// The value of one code of `type` (a low-precision type; 0 for others).
    public static func decode(_ code: UInt8, _ type: DataType) -> Float {
        switch type {
        case .uint4, .uint2: return Float(code)
        case .int4: return Float(code >= 8 ? Int(code) - 16 : Int(code))
        case .int2: return Float(code >= 2 ? Int(code) - 4 : Int(code))
        case .float8e8m0: return code == 0xFF ? .nan : Float(sign: .plus, exponent: Int(code) - 127, significand: 1)
        default:
            guard let f = format(type) else { return 0 }
            return decode(code, f)
        }
    }

    static func decode(_ code: UInt8, _ f: Format) -> Float {
        let negative = code & f.signBit != 0
        let exponentField = Int(code >> f.mantissaBits) & ((1 << f.exponentBits) - 1)
        let mantissa = Int(code) & ((1 << f.mantissaBits) - 1)
        let allOnes = (1 << f.exponentBits) - 1
        switch f.special {
        case .unsignedZero where code == f.signBit: return .nan
        case .finiteNaN where exponentField == allOnes && mantissa == (1 << f.mantissaBits) - 1: return .nan
        case .ieee where exponentField == allOnes: return mantissa == 0 ? (negative ? -.infinity : .infinity) : .nan
        default: break
        }
        let magnitude =
            exponentField == 0
            ? Float(sign: .plus, exponent: 1 - f.bias - f.mantissaBits, significand: Float(mantissa))
            : Float(sign: .plus, exponent: exponentField - f.bias - f.mantissaBits, significand: Float((1 << f.mantissaBits) + mantissa))
        return negative ? -magnitude : magnitude
    }

    /// `values` converted to `type` (a low-precision type), see ``encode(_:_:saturate:rounding:)``.
    public static func encode(_ values: [Double], to type: DataType, saturate: Bool = true, rounding: E8M0Rounding = .up) throws(TensorError)
        -> LowPrecisionStorage
    {
        guard type.isLowPrecision else { throw TensorError("\(type) is not a low-precision element type") }
        return LowPrecisionStorage(uncheckedType: type, codes: values.map { encode($0, type, saturate: saturate, rounding: rounding) })
    }

    /// The code of `value` in `type` (a low-precision type; 0 for others).
    public static func encode(_ value: Double, _ type: DataType, saturate: Bool = true, rounding: E8M0Rounding = .up) -> UInt8 {
        switch type {
        case .uint4, .int4: return encodeInteger(value) & 0xF
        case .uint2, .int2: return encodeInteger(value) & 0x3
        case .float8e8m0: return encodeE8M0(Float(value), saturate: saturate, rounding: rounding)
        default:
            guard let f = format(type) else { return 0 }
            return encode(value, f, saturate: saturate)
        }
    }

    /// Truncates toward zero and keeps the low byte of the two's complement integer (the caller
    /// masks it to the type's width, so values wrap around); NaN and infinities give 0.
    static func encodeInteger(_ value: Double) -> UInt8 {
        guard value.isFinite else { return 0 }
        let whole = value.rounded(.towardZero)
        guard let exact = Int64(exactly: whole) else {
            // Beyond Int64: the low bits of a multiple of 2^64 are all zero.
            return 0
        }
        return UInt8(truncatingIfNeeded: exact)
    }

    static func encode(_ value: Double, _ f: Format, saturate: Bool) -> UInt8 {
        let negative = value.sign == .minus
        let sign: UInt8 = negative ? f.signBit : 0
        let zero: UInt8 = f.special == .unsignedZero ? 0 : sign  // the uz types have no -0
        if value.isNaN { return f.nanCode(negative: negative) }
        let overflow: UInt8
        if saturate || f.special == .none {
            overflow = sign | f.maxCode
        } else if f.special == .ieee {
            overflow = sign | f.infinityCode
        } else {
            overflow = f.nanCode(negative: negative)
        }
        let magnitude = value.magnitude
        if magnitude.isInfinite { return overflow }
        if magnitude == 0 { return zero }
        let minExponent = 1 - f.bias
        var exponent = Swift.max(Int(magnitude.exponent), minExponent)
        // The significand in units of the last mantissa place at this exponent, rounded to nearest even.
        var units = Double(sign: .plus, exponent: f.mantissaBits - exponent, significand: magnitude).rounded(.toNearestOrEven)
        let implicit = Double(1 << f.mantissaBits)
        if units >= 2 * implicit {
            exponent += 1
            units /= 2
        }
        if units == 0 { return zero }
        let exponentField = units < implicit ? 0 : exponent + f.bias
        let mantissa = Int(units) - (units < implicit ? 0 : Int(implicit))
        if exponentField > f.maxExponentField || (exponentField == f.maxExponentField && mantissa > f.maxMantissaAtTop) {
            return overflow
        }
        return sign | UInt8(exponentField << f.mantissaBits | mantissa)
    }

    /// float8e8m0 from float32 bits, as the onnx reference does it: the float's exponent field,
    /// incremented when rounding up (NaN and infinity give NaN, 0xFF).
    static func encodeE8M0(_ value: Float, saturate: Bool, rounding: E8M0Rounding) -> UInt8 {
        let bits = value.bitPattern
        let exponent = Int((bits >> 23) & 0xFF)
        if exponent == 0xFF { return 0xFF }
        let fraction = bits & 0x7F_FFFF
        let roundUp: Bool
        switch rounding {
        case .down: roundUp = false
        case .up: roundUp = fraction != 0
        case .nearest:
            // Ties (and above) round up, except on the exponent-0 (subnormal) binade where an exact
            // half rounds down.
            let guardBit = fraction & 0x40_0000 != 0
            let rest = fraction & 0x3F_FFFF != 0
            roundUp = guardBit && (rest || exponent > 0)
        }
        if roundUp && exponent == 0xFE {
            return saturate ? 0xFE : 0xFF
        }
        return UInt8(exponent + (roundUp ? 1 : 0))
    }
}

import SlipwayTensor

/// How one element type converts to the others (C/onnxruntime semantics).
///
/// Floats to integers truncate toward zero and saturate (NaN gives 0; C leaves out-of-range
/// undefined); integers to integers wrap; anything to bool is `x != 0`; numbers to floats round to
/// nearest even. Floats format as the shortest string that reads back to the same value (numpy's
/// `str`), with "NaN", "INF" and "-INF" for the special values; strings parse those forms back.
protocol ElementwiseCastSource: TensorElement {
    func elementwiseToFloat<F: BinaryFloatingPoint>(_ type: F.Type) -> F
    func elementwiseToInteger<I: IntegerElement>(_ type: I.Type) -> I
    var elementwiseToBool: Bool { get }
    var elementwiseToString: String { get }
}

extension ElementwiseCastSource where Self: BinaryFloatingPoint {
    func elementwiseToFloat<F: BinaryFloatingPoint>(_ type: F.Type) -> F { F(self) }
    func elementwiseToInteger<I: IntegerElement>(_ type: I.Type) -> I {
        if isNaN { return 0 }
        return I(exactly: rounded(.towardZero)) ?? (self < 0 ? I.min : I.max)
    }
    var elementwiseToBool: Bool { self != 0 }
    var elementwiseToString: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-INF" : "INF" }
        return "\(self)"
    }
}

extension Float: ElementwiseCastSource {}
extension Double: ElementwiseCastSource {}
extension Float16: ElementwiseCastSource {}

extension BFloat16: ElementwiseCastSource {
    func elementwiseToFloat<F: BinaryFloatingPoint>(_ type: F.Type) -> F { F(floatValue) }
    func elementwiseToInteger<I: IntegerElement>(_ type: I.Type) -> I { floatValue.elementwiseToInteger(I.self) }
    var elementwiseToBool: Bool { floatValue != 0 }
    var elementwiseToString: String { floatValue.elementwiseToString }
}

extension ElementwiseCastSource where Self: IntegerElement {
    func elementwiseToFloat<F: BinaryFloatingPoint>(_ type: F.Type) -> F { F(self) }
    func elementwiseToInteger<I: IntegerElement>(_ type: I.Type) -> I { I(truncatingIfNeeded: self) }
    var elementwiseToBool: Bool { self != 0 }
    var elementwiseToString: String { "\(self)" }
}

extension Int8: ElementwiseCastSource {}
extension Int16: ElementwiseCastSource {}
extension Int32: ElementwiseCastSource {}
extension Int64: ElementwiseCastSource {}
extension UInt8: ElementwiseCastSource {}
extension UInt16: ElementwiseCastSource {}
extension UInt32: ElementwiseCastSource {}
extension UInt64: ElementwiseCastSource {}

extension Bool: ElementwiseCastSource {
    func elementwiseToFloat<F: BinaryFloatingPoint>(_ type: F.Type) -> F { self ? 1 : 0 }
    func elementwiseToInteger<I: IntegerElement>(_ type: I.Type) -> I { self ? 1 : 0 }
    var elementwiseToBool: Bool { self }
    /// onnxruntime prints bools as integers.
    var elementwiseToString: String { self ? "1" : "0" }
}

/// The conversion shared by Cast and CastLike.
enum ElementwiseCast {
    /// ONNX `TensorProto.DataType` codes of the element types Slipway stores.
    static func dataType(code: Int) -> DataType? {
        switch code {
        case 1: .float32
        case 2: .uint8
        case 3: .int8
        case 4: .uint16
        case 5: .int16
        case 6: .int32
        case 7: .int64
        case 8: .string
        case 9: .bool
        case 10: .float16
        case 11: .float64
        case 12: .uint32
        case 13: .uint64
        case 16: .bfloat16
        case 17: .float8e4m3fn
        case 18: .float8e4m3fnuz
        case 19: .float8e5m2
        case 20: .float8e5m2fnuz
        case 21: .uint4
        case 22: .int4
        case 23: .float4e2m1
        case 24: .float8e8m0
        case 25: .uint2
        case 26: .int2
        default: nil
        }
    }

    /// Names of the ONNX types Slipway does not store, for error messages.
    static func unsupportedName(code: Int) -> String {
        switch code {
        case 14: "complex64"
        case 15: "complex128"
        case 17: "float8e4m3fn"
        case 18: "float8e4m3fnuz"
        case 19: "float8e5m2"
        case 20: "float8e5m2fnuz"
        case 21: "uint4"
        case 22: "int4"
        case 23: "float4e2m1"
        case 24: "float8e8m0"
        case 25: "uint2"
        case 26: "int2"
        default: "type code \(code)"
        }
    }

    /// Cast-1 names its target type with a string ("FLOAT", "INT64", ...).
    static func dataType(name: String) -> DataType? {
        switch name.uppercased() {
        case "FLOAT": .float32
        case "UINT8": .uint8
        case "INT8": .int8
        case "UINT16": .uint16
        case "INT16": .int16
        case "INT32": .int32
        case "INT64": .int64
        case "STRING": .string
        case "BOOL": .bool
        case "FLOAT16": .float16
        case "DOUBLE": .float64
        case "UINT32": .uint32
        case "UINT64": .uint64
        case "BFLOAT16": .bfloat16
        default: nil
        }
    }

    /// How conversions to the low-precision types round and saturate (Cast's `saturate` and `round_mode`).
    struct LowPrecisionMode {
        var saturate = true
        var rounding = LowPrecision.E8M0Rounding.up
    }

    /// `t` converted to `target` (the same tensor when the type already matches).
    static func cast(_ t: Tensor, to target: DataType, mode: LowPrecisionMode = LowPrecisionMode()) throws -> Tensor {
        if t.dataType == target { return t }
        let storage: TensorStorage
        switch t.storage {
        case .float32(let a): storage = try convert(a, to: target, mode: mode)
        case .float64(let a): storage = try convert(a, to: target, mode: mode)
        case .float16(let a): storage = try convert(a, to: target, mode: mode)
        case .bfloat16(let a): storage = try convert(a, to: target, mode: mode)
        case .int8(let a): storage = try convert(a, to: target, mode: mode)
        case .int16(let a): storage = try convert(a, to: target, mode: mode)
        case .int32(let a): storage = try convert(a, to: target, mode: mode)
        case .int64(let a): storage = try convert(a, to: target, mode: mode)
        case .uint8(let a): storage = try convert(a, to: target, mode: mode)
        case .uint16(let a): storage = try convert(a, to: target, mode: mode)
        case .uint32(let a): storage = try convert(a, to: target, mode: mode)
        case .uint64(let a): storage = try convert(a, to: target, mode: mode)
        case .bool(let a): storage = try convert(a, to: target, mode: mode)
        case .string(let a): storage = try parse(a, to: target, mode: mode)
        case .lowPrecision(let s):
            // The 4-/2-bit integers convert like int8; the float formats like their float32 values.
            if let integers = s.integers() {
                storage = try convert(integers, to: target, mode: mode)
            } else {
                storage = try convert(s.floats(), to: target, mode: mode)
            }
        }
        return Tensor(uncheckedShape: t.shape, storage: storage)
    }

    static func convert<S: ElementwiseCastSource>(_ a: [S], to target: DataType, mode: LowPrecisionMode = LowPrecisionMode()) throws -> TensorStorage
    {
        switch target {
        case .float32: .float32(a.map { $0.elementwiseToFloat(Float.self) })
        case .float64: .float64(a.map { $0.elementwiseToFloat(Double.self) })
        case .float16: .float16(a.map { $0.elementwiseToFloat(Float16.self) })
        case .bfloat16: .bfloat16(a.map { BFloat16($0.elementwiseToFloat(Float.self)) })
        case .int8: .int8(a.map { $0.elementwiseToInteger(Int8.self) })
        case .int16: .int16(a.map { $0.elementwiseToInteger(Int16.self) })
        case .int32: .int32(a.map { $0.elementwiseToInteger(Int32.self) })
        case .int64: .int64(a.map { $0.elementwiseToInteger(Int64.self) })
        case .uint8: .uint8(a.map { $0.elementwiseToInteger(UInt8.self) })
        case .uint16: .uint16(a.map { $0.elementwiseToInteger(UInt16.self) })
        case .uint32: .uint32(a.map { $0.elementwiseToInteger(UInt32.self) })
        case .uint64: .uint64(a.map { $0.elementwiseToInteger(UInt64.self) })
        case .bool: .bool(a.map(\.elementwiseToBool))
        case .string: .string(a.map(\.elementwiseToString))
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            .lowPrecision(
                try LowPrecision.encode(a.map { $0.elementwiseToFloat(Double.self) }, to: target, saturate: mode.saturate, rounding: mode.rounding))
        }
    }

    static func parse(_ a: [String], to target: DataType, mode: LowPrecisionMode) throws -> TensorStorage {
        switch target {
        case .float32: .float32(try a.map { try parseFloat($0, Float.self) })
        case .float64: .float64(try a.map { try parseFloat($0, Double.self) })
        case .float16: .float16(try a.map { try parseFloat($0, Float16.self) })
        case .bfloat16: .bfloat16(try a.map { BFloat16(try parseFloat($0, Float.self)) })
        case .int8: .int8(try a.map { try parseInteger($0, Int8.self) })
        case .int16: .int16(try a.map { try parseInteger($0, Int16.self) })
        case .int32: .int32(try a.map { try parseInteger($0, Int32.self) })
        case .int64: .int64(try a.map { try parseInteger($0, Int64.self) })
        case .uint8: .uint8(try a.map { try parseInteger($0, UInt8.self) })
        case .uint16: .uint16(try a.map { try parseInteger($0, UInt16.self) })
        case .uint32: .uint32(try a.map { try parseInteger($0, UInt32.self) })
        case .uint64: .uint64(try a.map { try parseInteger($0, UInt64.self) })
        case .bool: .bool(try a.map(parseBool))
        case .string: .string(a)
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            .lowPrecision(
                try LowPrecision.encode(try a.map { try parseFloat($0, Double.self) }, to: target, saturate: mode.saturate, rounding: mode.rounding))
        }
    }

    /// Reads the `saturate` and `round_mode` attributes.
    static func lowPrecisionMode(_ config: OperatorConfiguration, op: String) throws -> LowPrecisionMode {
        var mode = LowPrecisionMode()
        mode.saturate = try config.attributes.int("saturate", default: 1) != 0
        let name = try config.attributes.string("round_mode", default: "up")
        guard let rounding = LowPrecision.E8M0Rounding(rawValue: name) else {
            throw EngineError.invalidModel("\(op): attribute 'round_mode' is \"\(name)\", expected \"up\", \"down\" or \"nearest\"")
        }
        mode.rounding = rounding
        return mode
    }

    static func trimmed(_ s: String) -> String {
        var text = Substring(s)
        while let c = text.first, c.isWhitespace { text.removeFirst() }
        while let c = text.last, c.isWhitespace { text.removeLast() }
        return String(text)
    }

    /// Decimal or scientific notation, or INF/+INF/-INF/NaN in any letter case (also "inf", "infinity").
    static func parseFloat<F: BinaryFloatingPoint & LosslessStringConvertible>(_ s: String, _ type: F.Type) throws -> F {
        let text = trimmed(s)
        if let v = F(text) { return v }
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case "inf", "infinity": return negative ? -F.infinity : F.infinity
        case "nan": return F.nan
        default: throw EngineError.invalidInput("Cast: \"\(s)\" is not a number")
        }
    }

    /// An integer literal, or a number whose value is truncated toward zero like a float cast.
    static func parseInteger<I: IntegerElement>(_ s: String, _ type: I.Type) throws -> I {
        let text = trimmed(s)
        if let v = I(text) { return v }
        if let wide = Int64(text) { return I(truncatingIfNeeded: wide) }
        return try parseFloat(text, Double.self).elementwiseToInteger(I.self)
    }

    /// "true"/"false" in any letter case, or a number (non-zero is true).
    static func parseBool(_ s: String) throws -> Bool {
        switch trimmed(s).lowercased() {
        case "true": return true
        case "false": return false
        default: return try parseFloat(s, Double.self) != 0
        }
    }
}

/// ONNX `Cast`: converts every element to the type given by attribute `to` (an ONNX type code; a
/// type name before opset 6). Numbers, bools and strings convert both ways. `saturate` (opset 19+,
/// default 1) decides whether out-of-range values become the largest finite float8 value or
/// infinity/NaN; `round_mode` (opset 24+: "up", the default, "down" or "nearest") how values round to
/// float8e8m0. See ``LowPrecision`` for the low-precision conversions.
public struct Cast: Operator {
    let target: DataType
    let mode: ElementwiseCast.LowPrecisionMode

    public init(_ config: OperatorConfiguration) throws {
        mode = try ElementwiseCast.lowPrecisionMode(config, op: "Cast")
        switch config.attributes.values["to"] {
        case .int(let code):
            guard let type = ElementwiseCast.dataType(code: code) else {
                throw EngineError(.unsupportedOperator, "Cast: target type \(ElementwiseCast.unsupportedName(code: code)) is not supported")
            }
            target = type
        case .string(let name):
            guard let type = ElementwiseCast.dataType(name: name) else {
                throw EngineError(.unsupportedOperator, "Cast: target type \"\(name)\" is not supported")
            }
            target = type
        case nil:
            throw EngineError.invalidModel("Cast: attribute 'to' is required")
        default:
            throw EngineError.invalidModel("Cast: attribute 'to' must be an int (a TensorProto data type)")
        }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        _ = try inputs.dataType(0, "input")
        return [ValueFact(target, shape: try inputs.fact(0, "input").shape)]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        [.tensor(try ElementwiseCast.cast(try inputs.tensor(0, "input"), to: target, mode: mode))]
    }
}

/// ONNX `CastLike`: converts `input` to the element type of `target_type` (whose values are unused).
public struct CastLike: Operator {
    let mode: ElementwiseCast.LowPrecisionMode

    public init(_ config: OperatorConfiguration) throws {
        mode = try ElementwiseCast.lowPrecisionMode(config, op: "CastLike")
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        _ = try inputs.dataType(0, "input")
        return [ValueFact(try inputs.dataType(1, "target_type"), shape: try inputs.fact(0, "input").shape)]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        let like = try inputs.tensor(1, "target_type")
        return [.tensor(try ElementwiseCast.cast(try inputs.tensor(0, "input"), to: like.dataType, mode: mode))]
    }
}

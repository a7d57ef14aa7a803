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

    /// `t` converted to `target` (the same tensor when the type already matches).
    static func cast(_ t: Tensor, to target: DataType) throws -> Tensor {
        if t.dataType == target { return t }
        let storage: TensorStorage
        switch t.storage {
        case .float32(let a): storage = convert(a, to: target)
        case .float64(let a): storage = convert(a, to: target)
        case .float16(let a): storage = convert(a, to: target)
        case .bfloat16(let a): storage = convert(a, to: target)
        case .int8(let a): storage = convert(a, to: target)
        case .int16(let a): storage = convert(a, to: target)
        case .int32(let a): storage = convert(a, to: target)
        case .int64(let a): storage = convert(a, to: target)
        case .uint8(let a): storage = convert(a, to: target)
        case .uint16(let a): storage = convert(a, to: target)
        case .uint32(let a): storage = convert(a, to: target)
        case .uint64(let a): storage = convert(a, to: target)
        case .bool(let a): storage = convert(a, to: target)
        case .string(let a): storage = try parse(a, to: target)
        }
        return Tensor(uncheckedShape: t.shape, storage: storage)
    }

    static func convert<S: ElementwiseCastSource>(_ a: [S], to target: DataType) -> TensorStorage {
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
        }
    }

    static func parse(_ a: [String], to target: DataType) throws -> TensorStorage {
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
        }
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
/// type name before opset 6). Numbers, bools and strings convert both ways; `saturate` only
/// concerns float8 types, which Slipway does not store.
public struct Cast: Operator {
    let target: DataType

    public init(_ config: OperatorConfiguration) throws {
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
        [.tensor(try ElementwiseCast.cast(try inputs.tensor(0, "input"), to: target))]
    }
}

/// ONNX `CastLike`: converts `input` to the element type of `target_type` (whose values are unused).
public struct CastLike: Operator {
    public init(_ config: OperatorConfiguration) throws {}

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        _ = try inputs.dataType(0, "input")
        return [ValueFact(try inputs.dataType(1, "target_type"), shape: try inputs.fact(0, "input").shape)]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        let like = try inputs.tensor(1, "target_type")
        return [.tensor(try ElementwiseCast.cast(try inputs.tensor(0, "input"), to: like.dataType))]
    }
}

public import Foundation
import SlipwayEngine
public import SlipwayTensor

extension DataType {
    /// The element type for an ONNX `TensorProto.DataType` number, or nil for types the engine does not support.
    public init?(onnxCode code: Int) {
        switch code {
        case 1: self = .float32
        case 2: self = .uint8
        case 3: self = .int8
        case 4: self = .uint16
        case 5: self = .int16
        case 6: self = .int32
        case 7: self = .int64
        case 8: self = .string
        case 9: self = .bool
        case 10: self = .float16
        case 11: self = .float64
        case 12: self = .uint32
        case 13: self = .uint64
        case 16: self = .bfloat16
        case 17: self = .float8e4m3fn
        case 18: self = .float8e4m3fnuz
        case 19: self = .float8e5m2
        case 20: self = .float8e5m2fnuz
        case 21: self = .uint4
        case 22: self = .int4
        case 23: self = .float4e2m1
        case 24: self = .float8e8m0
        case 25: self = .uint2
        case 26: self = .int2
        default: return nil
        }
    }

    /// The ONNX `TensorProto.DataType` number.
    public var onnxCode: Int {
        switch self {
        case .float32: 1
        case .uint8: 2
        case .int8: 3
        case .uint16: 4
        case .int16: 5
        case .int32: 6
        case .int64: 7
        case .string: 8
        case .bool: 9
        case .float16: 10
        case .float64: 11
        case .uint32: 12
        case .uint64: 13
        case .bfloat16: 16
        case .float8e4m3fn: 17
        case .float8e4m3fnuz: 18
        case .float8e5m2: 19
        case .float8e5m2fnuz: 20
        case .uint4: 21
        case .int4: 22
        case .float4e2m1: 23
        case .float8e8m0: 24
        case .uint2: 25
        case .int2: 26
        }
    }
}

/// Names of ONNX element types the engine does not support, for error messages.
func onnxTypeName(_ code: Int) -> String {
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
    default: "type \(code)"
    }
}

extension Tensor {
    /// Decodes an ONNX `TensorProto` (raw little-endian data or typed fields; external data resolved
    /// against `baseDirectory`).
    public init(proto: Onnx_TensorProto, baseDirectory: URL? = nil) throws {
        let name = proto.name.isEmpty ? "tensor" : "tensor '\(proto.name)'"
        guard let dataType = DataType(onnxCode: Int(proto.dataType)) else {
            throw EngineError(.unsupportedOperator, "\(name) has unsupported element type \(onnxTypeName(Int(proto.dataType)))")
        }
        let shape = proto.dims.map { Int($0) }
        guard let count = Shape.elementCount(shape) else {
            throw EngineError.invalidModel("\(name) has an invalid shape \(proto.dims)")
        }
        var raw: Data? = proto.hasRawData ? proto.rawData : nil
        if proto.dataLocation == .external {
            raw = try Self.readExternal(proto, name: name, baseDirectory: baseDirectory)
        }
        let storage: TensorStorage
        if let raw, dataType != .string {
            storage = try Self.decodeRaw(raw, as: dataType, count: count, name: name)
        } else {
            storage = try Self.decodeTyped(proto, as: dataType, name: name)
        }
        guard storage.count == count else {
            throw EngineError.invalidModel("\(name): shape \(shape) needs \(count) elements, the data holds \(storage.count)")
        }
        self.init(uncheckedShape: shape, storage: storage)
    }

    static func readExternal(_ proto: Onnx_TensorProto, name: String, baseDirectory: URL?) throws -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        guard let location = entries["location"], !location.isEmpty else {
            throw EngineError.invalidModel("\(name) is stored externally but names no location")
        }
        guard let baseDirectory else {
            throw EngineError.invalidModel("\(name) is stored in external file '\(location)', but the model was not loaded from a file")
        }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw EngineError.invalidModel("\(name): external data location '\(location)' must be a relative path inside the model's folder")
        }
        let url = baseDirectory.appendingPathComponent(location)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw EngineError.invalidModel("\(name): cannot open external data file '\(location)' beside the model")
        }
        defer { try? handle.close() }
        let offset = UInt64(entries["offset"].flatMap { UInt64($0) } ?? 0)
        try handle.seek(toOffset: offset)
        if let lengthText = entries["length"], let length = Int(lengthText) {
            let data = try handle.read(upToCount: length) ?? Data()
            guard data.count == length else {
                throw EngineError.invalidModel("\(name): external data file '\(location)' is shorter than offset \(offset) + length \(length)")
            }
            return data
        }
        return try handle.readToEnd() ?? Data()
    }

    static func decodeRaw(_ data: Data, as dataType: DataType, count: Int, name: String) throws -> TensorStorage {
        if dataType.isLowPrecision {
            let bits = dataType.bitWidth ?? 8
            let perByte = 8 / bits
            let needed = (count + perByte - 1) / perByte
            guard data.count == needed else {
                throw EngineError.invalidModel("\(name): raw data has \(data.count) bytes, expected \(needed) for \(count) \(dataType) elements")
            }
            return .lowPrecision(try LowPrecisionStorage(dataType, codes: unpack([UInt8](data), bits: bits, count: count)))
        }
        let width = dataType.byteWidth ?? 1
        guard data.count == count * width else {
            throw EngineError.invalidModel("\(name): raw data has \(data.count) bytes, expected \(count) × \(width)")
        }
        let bytes = [UInt8](data)
        func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
            var result = [T](repeating: 0, count: count)
            for i in 0..<count {
                var v: T = 0
                for b in 0..<width { v |= T(truncatingIfNeeded: bytes[i * width + b]) << (8 * b) }
                result[i] = v
            }
            return result
        }
        switch dataType {
        case .float32: return .float32(load(UInt32.self).map { Float(bitPattern: $0) })
        case .float64: return .float64(load(UInt64.self).map { Double(bitPattern: $0) })
        case .float16: return .float16(load(UInt16.self).map { Float16(bitPattern: $0) })
        case .bfloat16: return .bfloat16(load(UInt16.self).map { BFloat16(bitPattern: $0) })
        case .int8: return .int8(bytes.map { Int8(bitPattern: $0) })
        case .uint8: return .uint8(bytes)
        case .bool: return .bool(bytes.map { $0 != 0 })
        case .int16: return .int16(load(UInt16.self).map { Int16(bitPattern: $0) })
        case .uint16: return .uint16(load(UInt16.self))
        case .int32: return .int32(load(UInt32.self).map { Int32(bitPattern: $0) })
        case .uint32: return .uint32(load(UInt32.self))
        case .int64: return .int64(load(UInt64.self).map { Int64(bitPattern: $0) })
        case .uint64: return .uint64(load(UInt64.self))
        case .string: return .string([])
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            return .string([])  // handled above
        }
    }

    /// Splits packed sub-byte elements (low bits first) into one code per element.
    static func unpack(_ bytes: [UInt8], bits: Int, count: Int) -> [UInt8] {
        if bits >= 8 { return Array(bytes.prefix(count)) }
        let perByte = 8 / bits
        let mask = UInt8((1 << bits) - 1)
        var codes = [UInt8](repeating: 0, count: count)
        for i in 0..<count where i / perByte < bytes.count {
            codes[i] = (bytes[i / perByte] >> UInt8((i % perByte) * bits)) & mask
        }
        return codes
    }

    /// Packs one code per element into bytes, low bits first.
    static func pack(_ codes: [UInt8], bits: Int) -> [UInt8] {
        if bits >= 8 { return codes }
        let perByte = 8 / bits
        let mask = UInt8((1 << bits) - 1)
        var bytes = [UInt8](repeating: 0, count: (codes.count + perByte - 1) / perByte)
        for (i, code) in codes.enumerated() {
            bytes[i / perByte] |= (code & mask) << UInt8((i % perByte) * bits)
        }
        return bytes
    }

    static func decodeTyped(_ p: Onnx_TensorProto, as dataType: DataType, name: String) throws -> TensorStorage {
        switch dataType {
        case .float32: return .float32(p.floatData)
        case .float64: return .float64(p.doubleData)
        case .float16: return .float16(p.int32Data.map { Float16(bitPattern: UInt16(truncatingIfNeeded: $0)) })
        case .bfloat16: return .bfloat16(p.int32Data.map { BFloat16(bitPattern: UInt16(truncatingIfNeeded: $0)) })
        case .int8: return .int8(p.int32Data.map { Int8(truncatingIfNeeded: $0) })
        case .int16: return .int16(p.int32Data.map { Int16(truncatingIfNeeded: $0) })
        case .int32: return .int32(p.int32Data)
        case .uint8: return .uint8(p.int32Data.map { UInt8(truncatingIfNeeded: $0) })
        case .uint16: return .uint16(p.int32Data.map { UInt16(truncatingIfNeeded: $0) })
        case .bool: return .bool(p.int32Data.map { $0 != 0 })
        case .int64: return .int64(p.int64Data)
        case .uint32: return .uint32(p.uint64Data.map { UInt32(truncatingIfNeeded: $0) })
        case .uint64: return .uint64(p.uint64Data)
        case .string: return .string(p.stringData.map { String(decoding: $0, as: UTF8.self) })
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            // int32_data holds one byte per int32 (float8) or a packed byte per int32 (sub-byte types).
            let bytes = p.int32Data.map { UInt8(truncatingIfNeeded: $0) }
            let bits = dataType.bitWidth ?? 8
            let count = Shape.elementCount(p.dims.map { Int($0) }) ?? 0
            let perByte = 8 / bits
            guard bytes.count == (count + perByte - 1) / perByte else {
                throw EngineError.invalidModel("\(name): int32_data has \(bytes.count) values for \(count) \(dataType) elements")
            }
            return .lowPrecision(try LowPrecisionStorage(dataType, codes: unpack(bytes, bits: bits, count: count)))
        }
    }

    /// Encodes this tensor as an ONNX `TensorProto` (raw little-endian data; strings as `string_data`).
    public func proto(name: String = "") -> Onnx_TensorProto {
        var p = Onnx_TensorProto()
        p.name = name
        p.dims = shape.map { Int64($0) }
        p.dataType = Int32(dataType.onnxCode)
        var bytes: [UInt8] = []
        func put<T: FixedWidthInteger>(_ values: [T]) {
            bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
            for v in values {
                for b in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * b))) }
            }
        }
        switch storage {
        case .float32(let a): put(a.map(\.bitPattern))
        case .float64(let a): put(a.map(\.bitPattern))
        case .float16(let a): put(a.map(\.bitPattern))
        case .bfloat16(let a): put(a.map(\.bitPattern))
        case .int8(let a): put(a)
        case .int16(let a): put(a)
        case .int32(let a): put(a)
        case .int64(let a): put(a)
        case .uint8(let a): bytes = a
        case .uint16(let a): put(a)
        case .uint32(let a): put(a)
        case .uint64(let a): put(a)
        case .bool(let a): bytes = a.map { $0 ? 1 : 0 }
        case .string(let a):
            p.stringData = a.map { Data($0.utf8) }
            return p
        case .lowPrecision(let s): bytes = Self.pack(s.codes, bits: s.dataType.bitWidth ?? 8)
        }
        p.rawData = Data(bytes)
        return p
    }
}

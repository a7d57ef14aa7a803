import Foundation

/// A tensor as the prediction log stores it: the V2 datatype name, the shape and the raw little-endian
/// element bytes (strings are kept apart, as a list, and stored as JSON).
public struct LoggedTensor: Sendable, Equatable {
    public var name: String
    /// The KServe V2 datatype name (`FP32`, `INT64`, `BYTES`, ...).
    public var datatype: String
    public var shape: [Int]
    /// Little-endian element bytes; empty for `BYTES`.
    public var data: [UInt8]
    /// The elements of a `BYTES` tensor; empty otherwise.
    public var strings: [String]

    public init(name: String, datatype: String, shape: [Int], data: [UInt8], strings: [String] = []) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
        self.data = data
        self.strings = strings
    }

    /// Elements per example: the product of the dimensions after the first (1 for rank 0 or 1).
    public var elementsPerRow: Int { shape.count <= 1 ? 1 : shape.dropFirst().reduce(1, *) }

    /// Examples in this tensor: its first dimension (1 for a scalar).
    public var rows: Int { shape.first ?? 1 }

    /// Bytes per element of a fixed-width datatype; nil for `BYTES` and unknown names.
    public static func elementSize(_ datatype: String) -> Int? {
        switch datatype {
        case "FP64", "INT64", "UINT64": 8
        case "FP32", "INT32", "UINT32": 4
        case "FP16", "BF16", "INT16", "UINT16": 2
        case "INT8", "UINT8", "BOOL": 1
        default: nil
        }
    }

    /// The element at `index` as a number (nil for strings, unknown types or out of range).
    public func number(at index: Int) -> Double? {
        guard let size = Self.elementSize(datatype), index >= 0, (index + 1) * size <= data.count else { return nil }
        var bits: UInt64 = 0
        for b in 0..<size { bits |= UInt64(data[index * size + b]) << (8 * UInt64(b)) }
        switch datatype {
        case "FP64": return Double(bitPattern: bits)
        case "FP32": return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case "FP16": return Double(Self.halfToFloat(UInt16(truncatingIfNeeded: bits)))
        case "BF16": return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16))
        case "INT64": return Double(Int64(bitPattern: bits))
        case "INT32": return Double(Int32(truncatingIfNeeded: bits))
        case "INT16": return Double(Int16(truncatingIfNeeded: bits))
        case "INT8": return Double(Int8(truncatingIfNeeded: bits))
        default: return Double(bits)
        }
    }

    /// The element at `index` as a cell value: integers without a fraction, strings as they are.
    public func cell(at index: Int) -> LabelValue? {
        if datatype == "BYTES" { return index >= 0 && index < strings.count ? .text(strings[index]) : nil }
        guard let value = number(at: index) else { return nil }
        return .number(value)
    }

    /// The element at `index` as text, in its type's shortest form (`5.1` for an FP32 5.1, `2` for an INT64);
    /// nil out of range.
    public func formatted(at index: Int) -> String? {
        switch datatype {
        case "BYTES": return index >= 0 && index < strings.count ? strings[index] : nil
        case "FP32", "FP16", "BF16": return number(at: index).map { Float($0).description }
        case "FP64": return number(at: index).map { $0.description }
        case "BOOL": return number(at: index).map { $0 != 0 ? "true" : "false" }
        default: return number(at: index).map { String(Int64($0)) }
        }
    }

    /// True for floating-point datatypes.
    public var isFloatingPoint: Bool { ["FP64", "FP32", "FP16", "BF16"].contains(datatype) }

    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int(h >> 10) & 0x1f
        let mantissa = UInt32(h & 0x3ff)
        if exponent == 0 {
            let value = Float(mantissa) * Float(sign == 0 ? 1 : -1) / 16_777_216
            return value
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }
}

/// Encodes a list of tensors as one blob: `u32 count`, then per tensor `u16 name length, name,
/// u8 datatype length, datatype, u8 rank, i64 dims…, u64 byte count, bytes` (strings: their JSON array).
public enum TensorBlob {
    public static func encode(_ tensors: [LoggedTensor]) -> [UInt8] {
        var size = 4
        for tensor in tensors {
            size += 2 + tensor.name.utf8.count + 1 + tensor.datatype.utf8.count + 1 + 8 * tensor.shape.count + 8 + tensor.data.count
        }
        var writer = TensorBlobWriter(capacity: size)
        for tensor in tensors {
            if tensor.datatype == "BYTES" {
                writer.append(name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, strings: tensor.strings)
            } else {
                writer.append(name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, byteCount: tensor.data.count) {
                    $0.append(contentsOf: tensor.data)
                }
            }
        }
        return writer.finish()
    }

    /// Decodes a blob written by ``encode(_:)``; a damaged blob throws rather than guessing.
    public static func decode(_ bytes: [UInt8]) throws(PredictionLogError) -> [LoggedTensor] {
        var cursor = 0
        func take(_ n: Int) throws(PredictionLogError) -> ArraySlice<UInt8> {
            guard n >= 0, cursor + n <= bytes.count else { throw PredictionLogError(.corrupt, "a stored tensor blob is truncated") }
            defer { cursor += n }
            return bytes[cursor..<(cursor + n)]
        }
        func get<W: FixedWidthInteger>(_: W.Type) throws(PredictionLogError) -> W {
            var w: W = 0
            for (i, b) in try take(W.bitWidth / 8).enumerated() { w |= W(truncatingIfNeeded: b) << (8 * i) }
            return w
        }
        let count = Int(try get(UInt32.self))
        guard count <= bytes.count else { throw PredictionLogError(.corrupt, "a stored tensor blob is damaged") }
        var tensors: [LoggedTensor] = []
        for _ in 0..<count {
            let name = String(decoding: try take(Int(try get(UInt16.self))), as: UTF8.self)
            let datatype = String(decoding: try take(Int(try get(UInt8.self))), as: UTF8.self)
            let rank = Int(try get(UInt8.self))
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try get(Int64.self))) }
            let length = try get(UInt64.self)
            guard length <= UInt64(bytes.count) else { throw PredictionLogError(.corrupt, "a stored tensor blob is damaged") }
            let payload = Array(try take(Int(length)))
            if datatype == "BYTES" {
                let strings = (try? JSONDecoder().decode([String].self, from: Data(payload))) ?? []
                tensors.append(LoggedTensor(name: name, datatype: datatype, shape: shape, data: [], strings: strings))
            } else {
                tensors.append(LoggedTensor(name: name, datatype: datatype, shape: shape, data: payload))
            }
        }
        // Bytes past the last tensor mean the cell is not what was written (e.g. overwritten with zeros by an erasure
        // while a reader still held its row).
        guard cursor == bytes.count else {
            throw PredictionLogError(.corrupt, "a stored tensor blob is damaged (\(bytes.count - cursor) stray bytes)")
        }
        return tensors
    }
}

/// Writes a ``TensorBlob`` tensor by tensor, each payload appended straight into the blob (no per-tensor
/// buffer): what the server uses on the request path, where every copy counts. A tensor's header is written in
/// one step into space added at the end of the blob (an `OutputSpan`: one capacity check per header instead of
/// one per byte).
public struct TensorBlobWriter {
    private var bytes: [UInt8]
    private var count: UInt32 = 0

    /// - Parameter capacity: bytes to reserve (an estimate; the blob grows past it if needed).
    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(max(4, capacity))
        // The count's four bytes (set by `finish()`).
        bytes.append(addingCapacity: 4) { out in
            for _ in 0..<4 { out.append(0) }
        }
    }

    /// Bytes a tensor's header takes before its payload: name, datatype, rank, dims and the u64 byte count.
    static func headerSize(nameLength: Int, datatypeLength: Int, rank: Int) -> Int {
        2 + nameLength + 1 + datatypeLength + 1 + 8 * rank + 8
    }

    /// Appends a tensor's header, ending with its payload's byte count `length`.
    private mutating func header(name: String, datatype: String, shape: [Int], length: UInt64) {
        count &+= 1
        let nameLength = min(name.utf8.count, Int(UInt16.max))
        let datatypeLength = min(datatype.utf8.count, 255)
        let rank = min(shape.count, 255)
        bytes.append(addingCapacity: Self.headerSize(nameLength: nameLength, datatypeLength: datatypeLength, rank: rank)) { out in
            Self.put(UInt16(nameLength), &out)
            Self.put(name, length: nameLength, &out)
            out.append(UInt8(datatypeLength))
            Self.put(datatype, length: datatypeLength, &out)
            out.append(UInt8(rank))
            for dim in shape.prefix(rank) { Self.put(UInt64(bitPattern: Int64(dim)), &out) }
            Self.put(length, &out)
        }
    }

    private static func put<W: FixedWidthInteger>(_ w: W, _ out: inout OutputSpan<UInt8>) {
        for b in 0..<(W.bitWidth / 8) { out.append(UInt8(truncatingIfNeeded: w >> (8 * b))) }
    }

    /// Appends the first `length` UTF-8 bytes of `text` (all of them but past a length field's range).
    private static func put(_ text: String, length: Int, _ out: inout OutputSpan<UInt8>) {
        // The UTF-8 bytes in place (a `Span`): iterating `text.utf8` costs several times more per byte.
        let bytes = text.utf8.span
        for i in 0..<min(length, bytes.count) { out.append(bytes[i]) }
    }

    /// Appends a fixed-width tensor whose little-endian element bytes `payload` appends to the buffer it is given.
    /// `byteCount` is the payload's size when known (the header then needs no patching); a payload of another size
    /// is still recorded with its true size.
    public mutating func append(name: String, datatype: String, shape: [Int], byteCount: Int? = nil, payload: (inout [UInt8]) -> Void) {
        header(name: name, datatype: datatype, shape: shape, length: UInt64(max(0, byteCount ?? 0)))
        let start = bytes.count
        payload(&bytes)
        let length = bytes.count - start
        if length != byteCount {
            let lengthAt = start - 8
            for b in 0..<8 { bytes[lengthAt + b] = UInt8(truncatingIfNeeded: UInt64(length) >> (8 * UInt64(b))) }
        }
    }

    /// Appends a `BYTES` tensor: its elements as a JSON array of strings.
    public mutating func append(name: String, datatype: String, shape: [Int], strings: [String]) {
        let payload = (try? JSONEncoder().encode(strings)).map { [UInt8]($0) } ?? Array("[]".utf8)
        header(name: name, datatype: datatype, shape: shape, length: UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// The blob.
    public consuming func finish() -> [UInt8] {
        for b in 0..<4 { bytes[b] = UInt8(truncatingIfNeeded: count >> (8 * UInt32(b))) }
        return bytes
    }
}

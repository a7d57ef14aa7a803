public import SlipwayEngine
public import SlipwayTensor

/// Triton's binary tensor data extension (what tritonclient sends and asks for by default): after a JSON
/// header of `Inference-Header-Content-Length` bytes come the raw little-endian bytes of each input whose
/// `parameters` carry `binary_data_size`, in the order of `inputs`; BOOL is one byte per element and BYTES
/// is `<uint32 LE length><bytes>` per element. Outputs are returned the same way when the request says
/// `"binary_data_output": true` or an output says `"binary_data": true`.
public enum BinaryTensorData {
    /// The unread part of a request's binary section.
    struct Cursor {
        let bytes: ArraySlice<UInt8>
        var offset: Int

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            offset = bytes.startIndex
        }

        var remaining: Int { bytes.endIndex - offset }

        mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, n <= remaining else { return nil }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }
    }

    /// The bytes per element of a fixed-size datatype; nil for BYTES. Low-precision types (FP8, INT4, …)
    /// travel as one code per byte, unpacked.
    static func elementSize(_ datatype: DataType) -> Int? {
        switch datatype {
        case .bool, .int8, .uint8: return 1
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        case .string: return nil
        default: return 1
        }
    }

    /// Reads `count` elements of `datatype` from raw little-endian bytes; the size must match exactly.
    static func storage(_ bytes: ArraySlice<UInt8>, _ datatype: DataType, count: Int, label: String) throws(InferenceError) -> TensorStorage {
        guard let size = elementSize(datatype) else { return .string(try strings(bytes, count: count, label: label)) }
        guard count.multipliedReportingOverflow(by: size) == (bytes.count, false) else {
            throw .badRequest(
                "\(label): binary_data_size is \(bytes.count) bytes, but \(count) \(datatype.v2Name) elements take \(count &* size)")
        }
        switch datatype {
        case .float32: return .float32(words(bytes, UInt32.self).map { Float(bitPattern: $0) })
        case .float64: return .float64(words(bytes, UInt64.self).map { Double(bitPattern: $0) })
        case .float16: return .float16(words(bytes, UInt16.self).map { Float16(bitPattern: $0) })
        case .bfloat16: return .bfloat16(words(bytes, UInt16.self).map { BFloat16(bitPattern: $0) })
        case .int8: return .int8(bytes.map { Int8(bitPattern: $0) })
        case .int16: return .int16(words(bytes, UInt16.self).map { Int16(bitPattern: $0) })
        case .int32: return .int32(words(bytes, UInt32.self).map { Int32(bitPattern: $0) })
        case .int64: return .int64(words(bytes, UInt64.self).map { Int64(bitPattern: $0) })
        case .uint8: return .uint8(Array(bytes))
        case .uint16: return .uint16(words(bytes, UInt16.self))
        case .uint32: return .uint32(words(bytes, UInt32.self))
        case .uint64: return .uint64(words(bytes, UInt64.self))
        case .bool: return .bool(bytes.map { $0 != 0 })
        case .string: return .string([])
        default:
            do {
                return .lowPrecision(try LowPrecisionStorage(datatype, codes: Array(bytes)))
            } catch {
                throw .badRequest("\(label): \(error.message)")
            }
        }
    }

    static func words<W: FixedWidthInteger & UnsignedInteger>(_ bytes: ArraySlice<UInt8>, _: W.Type) -> [W] {
        let size = W.bitWidth / 8
        var out: [W] = []
        out.reserveCapacity(bytes.count / size)
        var i = bytes.startIndex
        while i + size <= bytes.endIndex {
            var w: W = 0
            for b in 0..<size { w |= W(bytes[i + b]) << (8 * b) }
            out.append(w)
            i += size
        }
        return out
    }

    static func strings(_ bytes: ArraySlice<UInt8>, count: Int, label: String) throws(InferenceError) -> [String] {
        var cursor = Cursor(bytes)
        var out: [String] = []
        for i in 0..<count {
            guard let prefix = cursor.take(4) else { throw .badRequest("\(label): binary BYTES element \(i) is truncated") }
            let length = Int(words(prefix, UInt32.self).first ?? 0)
            guard let body = cursor.take(length) else { throw .badRequest("\(label): binary BYTES element \(i) is truncated") }
            guard let s = String(validating: body, as: UTF8.self) else {
                throw .badRequest("\(label): binary BYTES element \(i) is not valid UTF-8")
            }
            out.append(s)
        }
        guard cursor.remaining == 0 else {
            throw .badRequest("\(label): binary_data_size is \(bytes.count) bytes, \(cursor.remaining) more than \(count) BYTES elements take")
        }
        return out
    }

    /// Appends a tensor's raw little-endian bytes.
    static func append(_ t: Tensor, to out: inout [UInt8]) {
        func put<W: FixedWidthInteger>(_ w: W) {
            for b in 0..<(W.bitWidth / 8) { out.append(UInt8(truncatingIfNeeded: w >> (8 * b))) }
        }
        switch t.storage {
        case .float32(let a): LittleEndianBytes.append(a, to: &out)
        case .float64(let a): LittleEndianBytes.append(a, to: &out)
        case .float16(let a): LittleEndianBytes.append(a, to: &out)
        case .bfloat16(let a): for v in a { put(v.bitPattern) }
        case .int8(let a): LittleEndianBytes.append(a, to: &out)
        case .int16(let a): LittleEndianBytes.append(a, to: &out)
        case .int32(let a): LittleEndianBytes.append(a, to: &out)
        case .int64(let a): LittleEndianBytes.append(a, to: &out)
        case .uint8(let a): out.append(contentsOf: a)
        case .uint16(let a): LittleEndianBytes.append(a, to: &out)
        case .uint32(let a): LittleEndianBytes.append(a, to: &out)
        case .uint64(let a): LittleEndianBytes.append(a, to: &out)
        case .bool(let a): for v in a { out.append(v ? 1 : 0) }
        case .lowPrecision(let s): out.append(contentsOf: s.codes)
        case .string(let a):
            for s in a {
                put(UInt32(truncatingIfNeeded: s.utf8.count))
                out.append(contentsOf: s.utf8)
            }
        }
    }
}

extension InferenceRequest {
    /// Decodes a request with Triton's binary tensor data extension: the first `jsonLength` bytes of `body`
    /// are the JSON header (`Inference-Header-Content-Length`), the rest the inputs' raw bytes. Every byte
    /// of the binary part must belong to an input.
    public static func decode(body: [UInt8], jsonLength: Int) throws(InferenceError) -> InferenceRequest {
        guard jsonLength > 0, jsonLength <= body.count else {
            throw .badRequest(
                "Inference-Header-Content-Length is \(jsonLength), it must be between 1 and the body's size (\(body.count))")
        }
        var binary: BinaryTensorData.Cursor? = BinaryTensorData.Cursor(body[jsonLength...])
        let request = try decode(json: Array(body[..<jsonLength]), binary: &binary)
        if let binary, binary.remaining > 0 {
            throw .badRequest("the request's binary data has \(binary.remaining) bytes that no input's binary_data_size claims")
        }
        return request
    }

    /// Whether output `name` should be returned as binary data: its own `binary_data` parameter, else the
    /// request's `binary_data_output`.
    public func wantsBinary(output name: String) -> Bool {
        if let own = outputs?.first(where: { $0.name == name })?.parameters?["binary_data"], case .bool(let b) = own { return b }
        if case .bool(let b)? = parameters?["binary_data_output"] { return b }
        return false
    }
}

extension InferenceResponse {
    /// The response body, with the tensor outputs that `binary(name)` selects as raw bytes after the JSON
    /// (`parameters.binary_data_size` on each). `jsonLength` is nil when no output is binary (plain JSON),
    /// else the value of the `Inference-Header-Content-Length` response header.
    public func encode(binary: (String) -> Bool) -> (body: [UInt8], jsonLength: Int?) {
        guard outputs.contains(where: { binary($0.name) }) else { return (encodeJSON(), nil) }
        var w = JSONWriter(capacity: 256)
        var tail: [UInt8] = []
        writeHead(&w)
        for (i, output) in outputs.enumerated() {
            if i > 0 { w.raw(",") }
            if binary(output.name), case .tensor(let t) = output.value {
                let before = tail.count
                BinaryTensorData.append(t, to: &tail)
                w.raw("{\"name\":")
                w.string(output.name)
                w.raw(",\"datatype\":")
                w.string(t.dataType.v2Name)
                Self.writeShape(&w, t.shape)
                w.raw(",\"parameters\":{\"binary_data_size\":")
                w.number(tail.count - before)
                w.raw("}}")
            } else {
                Self.writeOutput(&w, name: output.name, value: output.value)
            }
        }
        w.raw("]}")
        let jsonLength = w.bytes.count
        var body = w.bytes
        body.append(contentsOf: tail)
        return (body, jsonLength)
    }
}

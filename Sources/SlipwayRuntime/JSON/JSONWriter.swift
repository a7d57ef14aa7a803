/// Appends JSON to a byte buffer; floats in their shortest round-trip form.
public struct JSONWriter {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `s`'s UTF-8 bytes as they are (numbers' text, pre-encoded JSON), copied from their span in one step.
    public mutating func raw(_ s: String) {
        let utf8 = s.utf8.span
        bytes.append(addingCapacity: utf8.count) { out in
            for i in utf8.indices { out.append(utf8[i]) }
        }
    }

    public mutating func string(_ s: String) {
        // Most strings (names, datatypes, ids) need no escape: one scan of their UTF-8 bytes in place, then one copy
        // into space added at the end (a byte-by-byte append cost several times more per byte).
        let utf8 = s.utf8.span
        var plain = true
        for i in utf8.indices {
            let c = utf8[i]
            if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                plain = false
                break
            }
        }
        if plain {
            bytes.append(addingCapacity: utf8.count + 2) { out in
                out.append(UInt8(ascii: "\""))
                for i in utf8.indices { out.append(utf8[i]) }
                out.append(UInt8(ascii: "\""))
            }
            return
        }
        escaped(s)
    }

    /// ``string(_:)`` byte by byte, escaping quotes, backslashes and control characters: the plain twin of its fast
    /// path (which must write the same bytes for every string without them).
    mutating func escaped(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(c >> 4)])
                bytes.append(hex[Int(c & 15)])
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func number(_ v: Double) {
        if v.isNaN { raw("NaN") } else if v.isInfinite { raw(v < 0 ? "-Infinity" : "Infinity") } else { raw(v.description) }
    }

    public mutating func number(_ v: Float) {
        if v.isNaN { raw("NaN") } else if v.isInfinite { raw(v < 0 ? "-Infinity" : "Infinity") } else { raw(v.description) }
    }

    public mutating func number<I: BinaryInteger>(_ v: I) { raw(v.description) }

    public mutating func bool(_ v: Bool) { v ? raw("true") : raw("false") }

    /// Writes any `JSONValue`.
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: raw("null")
        case .bool(let b): bool(b)
        case .int(let i): number(i)
        case .uint(let u): number(u)
        case .double(let d): number(d)
        case .string(let s): string(s)
        case .array(let a):
            bytes.append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                value(e)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (i, (k, e)) in members.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                string(k)
                bytes.append(UInt8(ascii: ":"))
                value(e)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The value as compact JSON text.
    public var description: String {
        var w = JSONWriter()
        w.value(self)
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

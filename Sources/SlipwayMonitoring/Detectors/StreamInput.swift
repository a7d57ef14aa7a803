/// Reads a detector input stream: a JSON array of numbers, or an object whose `"values"` is one
/// (booleans count as 0/1). A small JSON reader, so the library needs no Foundation.
public enum StreamInput {
    public static func parse(_ bytes: [UInt8], source: String) throws(DriftError) -> [Double] {
        var reader = JSONReader(bytes: bytes, source: source)
        let value = try reader.document()
        switch value {
        case .array(let items): return try numbers(items, source: source)
        case .object(let fields):
            guard let values = fields.first(where: { $0.0 == "values" })?.1 else {
                throw .invalid("\(source): the JSON object has no \"values\" array")
            }
            guard case .array(let items) = values else { throw .invalid("\(source): \"values\" is not an array") }
            return try numbers(items, source: source)
        default:
            throw .invalid("\(source): expected a JSON array of numbers or an object with \"values\"")
        }
    }

    static func numbers(_ items: [JSONValue], source: String) throws(DriftError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            switch item {
            case .number(let v): out.append(v)
            case .bool(let b): out.append(b ? 1 : 0)
            default: throw .invalid("\(source): value at index \(i) is not a number")
            }
        }
        return out
    }
}

indirect enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
}

struct JSONReader {
    let bytes: [UInt8]
    let source: String
    var i = 0
    var depth = 0

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    mutating func document() throws(DriftError) -> JSONValue {
        let v = try value()
        skipSpace()
        guard i == bytes.count else { throw error("unexpected trailing characters") }
        return v
    }

    func error(_ what: String) -> DriftError { .invalid("\(source): invalid JSON at byte \(i): \(what)") }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
    }

    mutating func value() throws(DriftError) -> JSONValue {
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "["):
            depth += 1
            guard depth < 64 else { throw error("nested too deeply") }
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                i += 1
                depth -= 1
                return .array(items)
            }
            while true {
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw error("unterminated array") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                i += 1
                depth -= 1
                return .array(items)
            }
        case UInt8(ascii: "{"):
            depth += 1
            guard depth < 64 else { throw error("nested too deeply") }
            i += 1
            var fields: [(String, JSONValue)] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
                i += 1
                depth -= 1
                return .object(fields)
            }
            while true {
                skipSpace()
                guard case .string(let key) = try value() else { throw error("expected a string key") }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                i += 1
                fields.append((key, try value()))
                skipSpace()
                guard i < bytes.count else { throw error("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                i += 1
                depth -= 1
                return .object(fields)
            }
        case UInt8(ascii: "\""):
            i += 1
            var out: [UInt8] = []
            while i < bytes.count && bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") && i + 1 < bytes.count {
                    i += 1
                    switch bytes[i] {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "u"): i += 4  // escapes other than the common ones are not needed here
                    default: out.append(bytes[i])
                    }
                } else {
                    out.append(bytes[i])
                }
                i += 1
            }
            guard i < bytes.count else { throw error("unterminated string") }
            i += 1
            let s = String(decoding: out, as: UTF8.self)
            // The oracle's convention for non-finite numbers.
            switch s {
            case "NaN": return .number(.nan)
            case "Infinity": return .number(.infinity)
            case "-Infinity": return .number(-.infinity)
            default: return .string(s)
            }
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default:
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            guard !text.isEmpty, let v = Double(text) else { throw error("unexpected character") }
            return .number(v)
        }
    }

    mutating func literal(_ word: String, _ v: JSONValue) throws(DriftError) -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw error("unexpected literal") }
        i += w.count
        return v
    }
}

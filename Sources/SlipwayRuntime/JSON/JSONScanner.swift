/// A hand-written JSON scanner over UTF-8 bytes.
///
/// Tensor data (long arrays of numbers) is decoded straight into typed buffers through
/// ``scanNumbers(into:nonNumber:)`` without building a `JSONValue` per element; everything else goes through
/// ``parseValue()``.
public struct JSONScanner {
    public let bytes: [UInt8]
    public internal(set) var offset = 0
    /// Maximum nesting depth of arrays and objects.
    public var maxDepth = 64

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// Parses the whole input as one JSON value.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var scanner = JSONScanner(bytes)
        let value = try scanner.parseValue()
        scanner.skipWhitespace()
        guard scanner.offset == bytes.count else { throw scanner.error("unexpected trailing characters") }
        return value
    }

    func error(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: offset, reason: reason) }

    public mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return offset < bytes.count ? bytes[offset] : nil
    }

    public mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        offset += 1
    }

    /// Consumes `byte` if it is next.
    public mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == byte {
            offset += 1
            return true
        }
        return false
    }

    public mutating func parseValue(depth: Int = 0) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        guard let c = peek() else { throw error("unexpected end of input") }
        switch c {
        case UInt8(ascii: "{"):
            offset += 1
            var members: [(String, JSONValue)] = []
            if consume(UInt8(ascii: "}")) { return .object(members) }
            repeat {
                skipWhitespace()
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                members.append((key, try parseValue(depth: depth + 1)))
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
            return .object(members)
        case UInt8(ascii: "["):
            offset += 1
            var elements: [JSONValue] = []
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            repeat {
                elements.append(try parseValue(depth: depth + 1))
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return try parseNumber()
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw error("unexpected end of input") }
        let matches = word.withUTF8Buffer { buffer in
            (0..<count).allSatisfy { bytes[offset + $0] == buffer[$0] }
        }
        guard matches else { throw error("unexpected character") }
        offset += count
    }

    /// Parses a string at the current position (after optional whitespace).
    public mutating func parseString() throws(JSONSyntaxError) -> String {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw error("expected a string") }
        offset += 1
        let start = offset
        // Fast path: no escapes.
        while offset < bytes.count {
            let c = bytes[offset]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<offset], as: UTF8.self)
                offset += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("control character in string") }
            offset += 1
        }
        var out = Array(bytes[start..<offset])
        while offset < bytes.count {
            let c = bytes[offset]
            offset += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw error("unterminated escape") }
                let e = bytes[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired surrogate") }
                        offset += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid unicode escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw error("invalid escape")
                }
            default:
                if c < 0x20 { throw error("control character in string") }
                out.append(c)
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("short unicode escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[offset]
            offset += 1
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit")
            }
            v = v << 4 | d
        }
        return v
    }

    static let powersOfTen: [Double] = (0...22).map { e in
        var v = 1.0
        for _ in 0..<e { v *= 10 }
        return v
    }

    /// Parses a number; integers that fit stay exact (`.int`/`.uint`), others become `.double`.
    /// Also accepts `NaN`, `Infinity` and `-Infinity` (as Python's json module writes them).
    public mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let start = offset
        var negative = false
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") {
            negative = true
            offset += 1
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "I") {
            try literal("Infinity")
            return .double(negative ? -.infinity : .infinity)
        }
        if !negative, offset < bytes.count, bytes[offset] == UInt8(ascii: "N") {
            try literal("NaN")
            return .double(.nan)
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var overflow = false
        let intStart = offset
        while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 {
            let d = UInt64(bytes[offset] - 0x30)
            if significant < 19 {
                mantissa = mantissa * 10 + d
                if mantissa > 0 { significant += 1 }
            } else {
                overflow = true
            }
            digits += 1
            offset += 1
        }
        guard digits > 0 else { throw error("expected a value") }
        if digits > 1, bytes[intStart] == UInt8(ascii: "0") { throw error("leading zero in number") }
        var exponent = 0
        var isInteger = true
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            var fractionDigits = 0
            while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 {
                let d = UInt64(bytes[offset] - 0x30)
                if significant < 19 {
                    mantissa = mantissa * 10 + d
                    if mantissa > 0 { significant += 1 }
                    exponent -= 1
                } else {
                    overflow = true
                }
                fractionDigits += 1
                offset += 1
            }
            guard fractionDigits > 0 else { throw error("expected digits after the decimal point") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            var expNegative = false
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                expNegative = bytes[offset] == UInt8(ascii: "-")
                offset += 1
            }
            var e = 0
            var expDigits = 0
            while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 {
                if e < 100_000 { e = e * 10 + Int(bytes[offset] - 0x30) }
                expDigits += 1
                offset += 1
            }
            guard expDigits > 0 else { throw error("expected digits in the exponent") }
            exponent += expNegative ? -e : e
        }
        if isInteger && overflow {
            let text = String(decoding: bytes[start..<offset], as: UTF8.self)
            if let v = Int64(text) { return .int(v) }
            if let v = UInt64(text) { return .uint(v) }
        }
        if isInteger && !overflow {
            if negative {
                if mantissa <= UInt64(Int64.max) { return .int(-Int64(mantissa)) }
                if mantissa == UInt64(Int64.max) + 1 { return .int(Int64.min) }
            } else {
                if mantissa <= UInt64(Int64.max) { return .int(Int64(mantissa)) }
                return .uint(mantissa)
            }
        }
        // Clinger's fast path: exact when the mantissa and the power of ten are both exact doubles.
        if !overflow, mantissa < (1 << 53), abs(exponent) <= 22 {
            var v = Double(mantissa)
            v = exponent < 0 ? v / Self.powersOfTen[-exponent] : v * Self.powersOfTen[exponent]
            return .double(negative ? -v : v)
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        guard let v = Double(text) else { throw error("invalid number") }
        return .double(v)
    }

    /// Skips one value of any kind.
    public mutating func skipValue() throws(JSONSyntaxError) { _ = try parseValue() }

    /// Reads a (possibly nested) array of scalars, calling `sink` for each leaf in row-major order,
    /// and returns the nesting shape (e.g. `[2, 3]` for `[[1,2,3],[4,5,6]]`); a ragged array throws.
    public mutating func scanArray(maxRank: Int = 32, _ sink: (inout JSONScanner) throws -> Void) throws -> [Int] {
        var lengths: [Int?] = Array(repeating: nil, count: maxRank)
        var leafLevel: Int? = nil
        var deepest = 0
        try scanLevel(0, &lengths, &leafLevel, &deepest, maxRank, sink)
        return (0...deepest).map { lengths[$0] ?? 0 }
    }

    private mutating func scanLevel(
        _ level: Int, _ lengths: inout [Int?], _ leafLevel: inout Int?, _ deepest: inout Int, _ maxRank: Int,
        _ sink: (inout JSONScanner) throws -> Void
    ) throws {
        deepest = max(deepest, level)
        try expect(UInt8(ascii: "["))
        var count = 0
        if !consume(UInt8(ascii: "]")) {
            repeat {
                if peek() == UInt8(ascii: "[") {
                    guard level + 1 < maxRank else { throw error("array nested deeper than \(maxRank) levels") }
                    if let leaf = leafLevel, leaf <= level { throw error("ragged nested array: mixes arrays and scalars") }
                    try scanLevel(level + 1, &lengths, &leafLevel, &deepest, maxRank, sink)
                } else {
                    if leafLevel == nil { leafLevel = level }
                    if leafLevel != level { throw error("ragged nested array: scalars at different depths") }
                    try sink(&self)
                }
                count += 1
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        }
        if let known = lengths[level] {
            if known != count { throw error("ragged nested array: rows of length \(known) and \(count)") }
        } else {
            lengths[level] = count
        }
    }
}

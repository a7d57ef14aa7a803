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

    /// A float in its shortest round-trip form, exactly as `description` writes it. Values from 0.001 up to a
    /// million with at most seven decimals (probabilities, scores) are written from their digits here; making
    /// the description's String first cost about as much as the conversion.
    public mutating func number(_ v: Float) {
        if v.isNaN {
            raw("NaN")
        } else if v.isInfinite {
            raw(v < 0 ? "-Infinity" : "Infinity")
        } else if let (digits, decimals) = Self.shortDecimal(v) {
            decimal(digits, decimals: decimals, negative: v < 0)
        } else {
            raw(v.description)
        }
    }

    /// `|v|` as `digits / 10^decimals` with the fewest decimals (at most seven) that read back as `v` when
    /// parsed exactly, for 0.001 <= |v| < 1,000,000 (where `description` writes plain decimals); nil otherwise.
    /// The decimal is the nearest of its length (on a tie, the even one, as `description` picks), and it reads
    /// back as `v` when it lies within `v`'s rounding
    /// interval (the half-gaps to the neighbouring floats; on the edge only when `v`'s significand is even,
    /// as round-half-to-even parsing decides). All of it is exact in Double: `v` has 24 significant bits,
    /// `10^decimals` at most 24.
    static func shortDecimal(_ v: Float) -> (digits: UInt64, decimals: Int)? {
        let magnitude = v.magnitude
        guard magnitude >= 0.001, magnitude < 1_000_000 else { return nil }
        let m = Double(magnitude)
        let below = (m - Double(magnitude.nextDown)) / 2
        let above = (Double(magnitude.nextUp) - m) / 2
        let even = magnitude.significandBitPattern & 1 == 0
        var scale = 1.0
        for decimals in 0...7 {
            let exact = m * scale
            let nearest = exact.rounded(.toNearestOrEven)
            let error = nearest - exact
            let (low, high) = (below * scale, above * scale)
            if error > -low && error < high || even && (error == -low || error == high) {
                return (UInt64(nearest), decimals)
            }
            scale *= 10
        }
        return nil
    }

    /// Writes `digits / 10^decimals` (with a minus sign when `negative`) as `description` would: the integer
    /// part, a point, the decimals (`.0` when there are none). One append for the whole text.
    mutating func decimal(_ digits: UInt64, decimals: Int, negative: Bool) {
        // At least one digit more than there are decimals (the integer part's 0).
        let (reversed, count) = Self.reversedDigits(digits, atLeast: decimals + 1)
        bytes.append(addingCapacity: (negative ? 1 : 0) + count + (decimals == 0 ? 2 : 1)) { out in
            if negative { out.append(UInt8(ascii: "-")) }
            var k = count - 1
            while k >= decimals {
                out.append(reversed[k])
                k -= 1
            }
            out.append(UInt8(ascii: "."))
            if decimals == 0 { out.append(UInt8(ascii: "0")) }
            while k >= 0 {
                out.append(reversed[k])
                k -= 1
            }
        }
    }

    /// An integer's decimal digits, as `description` writes them.
    public mutating func number<I: BinaryInteger>(_ v: I) {
        if let value = Int64(exactly: v) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            unsigned(value.magnitude)
        } else if let value = UInt64(exactly: v) {
            unsigned(value)
        } else {
            raw(v.description)
        }
    }

    /// The ASCII digits of `value`, least significant first (dividing by a constant 10), padded with zeros to
    /// at least `atLeast` of them; and how many there are (at most 24: a UInt64 has 20).
    static func reversedDigits(_ value: UInt64, atLeast: Int) -> (InlineArray<24, UInt8>, Int) {
        var reversed = InlineArray<24, UInt8>(repeating: 0)
        var count = 0
        var rest = value
        repeat {
            reversed[count] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            count += 1
        } while (rest > 0 || count < atLeast) && count < 24
        return (reversed, count)
    }

    /// The decimal digits of `value`, most significant first, in one append.
    mutating func unsigned(_ value: UInt64) {
        let (reversed, count) = Self.reversedDigits(value, atLeast: 1)
        bytes.append(addingCapacity: count) { out in
            var k = count - 1
            while k >= 0 {
                out.append(reversed[k])
                k -= 1
            }
        }
    }

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

/// The quick CSV path: files without double quotes are read straight into columns, numbers parsed from the
/// bytes (a correctly rounded fast path, the general parser for the rest), with the same dtype inference and
/// errors as the general reader (`CSVReader` + `DataTable.inferColumn`), which handles quoted files.
enum CSVColumnReader {
    /// The table, or nil when the file holds a double quote (the caller then uses the general reader).
    static func read(_ b: [UInt8], source: String) throws(DriftError) -> DataTable? {
        try columns(b, source: source)
    }

    private static let comma = UInt8(ascii: ",")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let quote = UInt8(ascii: "\"")

    /// Per-column state while reading: numbers while every field so far is a number, then text.
    private struct ColumnState {
        var numbers: [Double] = []
        var allNumber = true
        var allInt = true
        var hasMissing = false
        /// The column's strings once a field was not a number.
        var text = CategoryEncoder()
    }

    private static func columns(_ b: [UInt8], source: String) throws(DriftError) -> DataTable? {
        let end = b.count
        var i = 0
        if end >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        // Header (a quote anywhere means the general reader).
        let headerStart = i
        while i < end && b[i] != newline {
            if b[i] == quote { return nil }
            i += 1
        }
        var headerEnd = i
        if headerEnd > headerStart && b[headerEnd - 1] == carriageReturn { headerEnd -= 1 }
        if headerEnd == headerStart && i >= end { return nil }
        let names = b[headerStart..<headerEnd].split(
            separator: comma, omittingEmptySubsequences: false
        ).map { String(decoding: $0, as: UTF8.self) }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw .invalid("\(source): duplicate column name '\(name)' in the header")
        }
        i = min(i + 1, end)
        let width = names.count
        let firstLineLength = max(headerEnd - headerStart + 1, 2)
        let estimatedRows = (end - i) / firstLineLength + 16
        var states = [ColumnState](repeating: ColumnState(), count: width)
        for c in 0..<width { states[c].numbers.reserveCapacity(estimatedRows) }
        var rowStarts: [Int] = []
        rowStarts.reserveCapacity(estimatedRows)
        var line = 1
        while i < end {
            line += 1
            // An empty line is skipped (as the general reader does).
            if b[i] == newline {
                i += 1
                continue
            }
            if b[i] == carriageReturn && (i + 1 == end || b[i + 1] == newline) {
                i += 2
                continue
            }
            rowStarts.append(i)
            var column = 0
            while true {
                let fieldStart = i
                var parsed: (value: Double, isInt: Bool)?
                if column < width && states[column].allNumber {
                    let quick = NumberScanner.scan(b, from: i)
                    let after = i + quick.consumed
                    if quick.consumed > 0, after >= end || b[after] == comma || b[after] == newline || b[after] == carriageReturn {
                        parsed = (quick.value, quick.isInt)
                        i = after
                    }
                }
                while i < end && b[i] != comma && b[i] != newline {
                    if b[i] == quote { return nil }
                    i += 1
                }
                var trimmedEnd = i
                if trimmedEnd > fieldStart && b[trimmedEnd - 1] == carriageReturn { trimmedEnd -= 1 }
                if column < width {
                    if !states[column].allNumber {
                        if trimmedEnd == fieldStart { states[column].hasMissing = true }
                        states[column].text.add(b, fieldStart, trimmedEnd)
                    } else if trimmedEnd == fieldStart {
                        states[column].hasMissing = true
                        states[column].numbers.append(.nan)
                    } else {
                        if let parsed {
                            states[column].numbers.append(parsed.value)
                            if !parsed.isInt { states[column].allInt = false }
                        } else {
                            let text = String(decoding: b[fieldStart..<trimmedEnd], as: UTF8.self)
                            if let v = DataTable.parseNumber(text) {
                                states[column].numbers.append(v)
                                if !DataTable.isIntegerLiteral(text) { states[column].allInt = false }
                            } else {
                                // The first field that is not a number: the column is text from here on,
                                // and the rows before are read again as text.
                                states[column].allNumber = false
                                states[column].allInt = false
                                states[column].numbers = []
                                for start in rowStarts.dropLast() {
                                    let (s, e) = field(column, ofRowAt: start, in: b)
                                    states[column].text.add(b, s, e)
                                }
                                states[column].text.add(b, fieldStart, trimmedEnd)
                            }
                        }
                    }
                }
                column += 1
                if i >= end || b[i] == newline {
                    i += 1
                    break
                }
                i += 1  // the comma
                if i >= end {
                    // A trailing comma at the end of the file: one more (empty) field.
                    if column < width {
                        states[column].hasMissing = true
                        if states[column].allNumber {
                            states[column].numbers.append(.nan)
                        } else {
                            states[column].text.add(b, i, i)
                        }
                    }
                    column += 1
                    break
                }
            }
            if column != width {
                throw .invalid("\(source): line \(line) has \(column) field(s), but the header has \(width)")
            }
        }
        var columns: [DataColumn] = []
        columns.reserveCapacity(width)
        for c in 0..<width {
            let state = states[c]
            states[c] = ColumnState()
            if state.allNumber {
                let nonMissing = state.numbers.count - (state.hasMissing ? state.numbers.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } : 0)
                let dtype: PandasDType = (state.allInt && !state.hasMissing && nonMissing > 0) ? .int64 : .float64
                columns.append(DataColumn(name: names[c], dtype: dtype, values: .numeric(state.numbers)))
            } else {
                columns.append(state.text.column(name: names[c], hasMissing: state.hasMissing))
            }
        }
        return DataTable(columns: columns)
    }

    /// The byte range of field `column` of the row starting at `start` (the trailing CR excluded).
    private static func field(_ column: Int, ofRowAt start: Int, in b: [UInt8]) -> (Int, Int) {
        var i = start
        var skipped = 0
        while skipped < column && i < b.count {
            if b[i] == comma { skipped += 1 }
            i += 1
        }
        let fieldStart = i
        while i < b.count && b[i] != comma && b[i] != newline { i += 1 }
        var fieldEnd = i
        if fieldEnd > fieldStart && b[fieldEnd - 1] == carriageReturn { fieldEnd -= 1 }
        return (fieldStart, fieldEnd)
    }
}

/// Strings of one column, each distinct value stored once: a code per row, found by an FNV-1a hash of the
/// bytes and checked byte for byte.
struct CategoryEncoder {
    var codes: [Int32] = []
    var levels: [String] = []
    /// Each level's bytes and hash, for the byte-for-byte check.
    private var levelBytes: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// Past `linearLimit` levels, the first level of each hash.
    private var byHash: [UInt64: Int32] = [:]
    private static let linearLimit = 32

    /// Levels of at most 8 bytes, found by their bytes packed in one integer (and their length), which is the
    /// whole comparison: an open-addressing table, linear probing, at most half full. Empty slots have length 0.
    private var shortKeys: [UInt64] = []
    private var shortLengths: [UInt8] = []
    private var shortCodes: [Int32] = []
    private var shortCount = 0

    /// Adds the field `b[start..<end]` (empty = missing).
    mutating func add(_ b: [UInt8], _ start: Int, _ end: Int) {
        if start == end {
            codes.append(-1)
            return
        }
        let length = end - start
        if length <= 8 {
            codes.append(shortCode(b, start, length))
            return
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in start..<end { h = (h ^ UInt64(b[i])) &* 0x100_0000_01b3 }
        if levels.count <= Self.linearLimit {
            for (code, known) in hashes.enumerated() where known == h && same(code, b, start, end) {
                codes.append(Int32(code))
                return
            }
        } else if let code = byHash[h], same(Int(code), b, start, end) {
            codes.append(code)
            return
        } else {
            // A hash collision, or a new level: look at every level with this hash.
            for (code, known) in hashes.enumerated() where known == h && same(code, b, start, end) {
                codes.append(Int32(code))
                return
            }
        }
        let new = Int32(levels.count)
        levels.append(String(decoding: b[start..<end], as: UTF8.self))
        levelBytes.append(Array(b[start..<end]))
        hashes.append(h)
        if byHash[h] == nil { byHash[h] = new }
        codes.append(new)
    }

    /// The code of a field of 1...8 bytes, adding a level when it is new.
    @inline(__always)
    private mutating func shortCode(_ b: [UInt8], _ start: Int, _ length: Int) -> Int32 {
        var key: UInt64 = 0
        if start + 8 <= b.count {
            // UInt64: any bits are valid; the range is checked. The field's bytes are the low `length` bytes.
            key = b.span.bytes.unsafeLoadUnaligned(fromByteOffset: start, as: UInt64.self)
            if length < 8 { key &= (1 &<< UInt64(8 * length)) &- 1 }
        } else {
            for k in 0..<length { key |= UInt64(b[start + k]) &<< UInt64(8 * k) }
        }
        if shortCount * 2 >= shortKeys.count { growShortTable() }
        let mask = shortKeys.count - 1
        var slot = Int(truncatingIfNeeded: ((key ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15) &>> 40) & mask
        while true {
            let stored = Int(shortLengths[slot])
            if stored == 0 { break }
            if stored == length && shortKeys[slot] == key { return shortCodes[slot] }
            slot = (slot + 1) & mask
        }
        let new = Int32(levels.count)
        levels.append(String(decoding: b[start..<(start + length)], as: UTF8.self))
        // Placeholders keep the long levels' arrays indexed by code (no long field has length 0).
        levelBytes.append([])
        hashes.append(0)
        shortKeys[slot] = key
        shortLengths[slot] = UInt8(length)
        shortCodes[slot] = new
        shortCount += 1
        return new
    }

    private mutating func growShortTable() {
        let capacity = max(64, shortKeys.count * 2)
        let old = (shortKeys, shortLengths, shortCodes)
        shortKeys = [UInt64](repeating: 0, count: capacity)
        shortLengths = [UInt8](repeating: 0, count: capacity)
        shortCodes = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for index in old.1.indices where old.1[index] != 0 {
            let key = old.0[index]
            var slot = Int(truncatingIfNeeded: ((key ^ UInt64(old.1[index])) &* 0x9E37_79B9_7F4A_7C15) &>> 40) & mask
            while shortLengths[slot] != 0 { slot = (slot + 1) & mask }
            shortKeys[slot] = key
            shortLengths[slot] = old.1[index]
            shortCodes[slot] = old.2[index]
        }
    }

    @inline(__always)
    private func same(_ code: Int, _ b: [UInt8], _ start: Int, _ end: Int) -> Bool {
        let level = levelBytes[code]
        guard level.count == end - start else { return false }
        var i = 0
        while i < level.count {
            if level[i] != b[start + i] { return false }
            i += 1
        }
        return true
    }

    /// The column, typed as pandas would: all True/False words without a missing value → bool; else strings.
    func column(name: String, hasMissing: Bool) -> DataColumn {
        if !hasMissing && !levels.isEmpty && levels.allSatisfy({ DataTable.boolWords.contains($0) }) {
            let canonical = levels.map(DataTable.canonicalBool)
            return DataColumn(name: name, dtype: .bool, values: .text(codes.map { $0 >= 0 ? canonical[Int($0)] : nil }))
        }
        return DataColumn(name: name, dtype: .object, values: .categories(codes: codes, levels: levels))
    }
}

/// A decimal number at the start of a byte run, parsed exactly when Clinger's fast path applies (at most 19
/// significant digits, the integer part of the mantissa below 2^53 and a power of ten up to 10^22, so one
/// correctly rounded multiplication or division); otherwise `consumed` is 0 and the caller uses `Double(String)`.
enum NumberScanner {
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
        1e21, 1e22,
    ]

    /// The common spelling (`-12.345678`: a sign, up to 19 digits with at most one point, no exponent) read
    /// eight fraction digits at a time (SWAR: the digits of one 64-bit load checked and combined with three
    /// multiplications); anything else goes to `scanScalar`. Both give the same value, type and length.
    @inline(__always)
    static func scan(_ p: [UInt8], from start: Int) -> (value: Double, isInt: Bool, consumed: Int) {
        let count = p.count
        var i = start
        var negative = false
        if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < count {
            let d = p[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digits = i - integerStart
        guard digits <= 8, i < count, p[i] == UInt8(ascii: "."), count - (i + 1) >= 8 else { return scanScalar(p, from: start) }
        i += 1
        // Eight bytes after the point: how many leading ones are digits, and their value.
        let word = p.span.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self)  // UInt64: any bits are valid; the range is checked
        let shifted = word &- 0x3030_3030_3030_3030
        // A byte is a digit when (byte - '0') <= 9: its high nibble is 0 and low nibble + 6 does not carry into bit 4.
        let nonDigit = (shifted | (shifted &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0
        let fraction = nonDigit == 0 ? 8 : nonDigit.trailingZeroBitCount / 8
        guard fraction > 0, digits + fraction <= 19 else { return scanScalar(p, from: start) }
        if fraction == 8 && count - (i + 8) > 0 {
            let d = p[i + 8] &- UInt8(ascii: "0")
            if d <= 9 { return scanScalar(p, from: start) }
        }
        let after = i + fraction
        if after < count && (p[after] == UInt8(ascii: "e") || p[after] == UInt8(ascii: "E")) { return scanScalar(p, from: start) }
        // Keep the `fraction` digits in the high bytes (the low bytes become leading zeros), then combine.
        var v = fraction == 8 ? shifted : (shifted &<< UInt64(8 * (8 - fraction)))
        v = (v &* 10 &+ (v &>> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v &>> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10_000 &+ (v &>> 32)) & 0x0000_0000_FFFF_FFFF
        mantissa = mantissa &* powersOfTenInt[fraction] &+ v
        digits += fraction
        guard mantissa <= (1 << 53) else { return scanScalar(p, from: start) }
        var value = Double(mantissa)
        if mantissa != 0 { value /= powersOfTen[fraction] } else { value = 0 }
        return (negative ? -value : value, false, after - start)
    }

    private static let powersOfTenInt: [UInt64] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// One digit at a time: the general fast path (exponents, long integers, points near the end of the bytes).
    @inline(__always)
    static func scanScalar(_ p: [UInt8], from start: Int) -> (value: Double, isInt: Bool, consumed: Int) {
        let fail = (0.0, false, 0)
        let count = p.count
        var i = start
        var negative = false
        if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var digits = 0
        var exponent = 0
        while i < count {
            let d = p[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            if mantissa != 0 || d != 0 {
                significant += 1
                if significant > 19 { return fail }
                mantissa = mantissa &* 10 &+ UInt64(d)
            }
            digits += 1
            i += 1
        }
        var isInt = true
        if i < count && p[i] == UInt8(ascii: ".") {
            isInt = false
            i += 1
            while i < count {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                if mantissa != 0 || d != 0 {
                    significant += 1
                    if significant > 19 { return fail }
                    mantissa = mantissa &* 10 &+ UInt64(d)
                }
                exponent -= 1
                digits += 1
                i += 1
            }
        }
        if digits == 0 { return fail }
        if i < count && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            isInt = false
            i += 1
            var expNegative = false
            if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < count {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return fail }
            exponent += expNegative ? -e : e
        }
        // pandas reads integer literals of more than 18 digits differently; leave them to the general path.
        if isInt && digits > 18 { return fail }
        guard mantissa <= (1 << 53) else { return fail }
        var value = Double(mantissa)
        if mantissa == 0 {
            value = 0
        } else if exponent >= 0 && exponent <= 22 {
            value *= powersOfTen[exponent]
        } else if exponent < 0 && exponent >= -22 {
            value /= powersOfTen[-exponent]
        } else {
            return fail
        }
        return (negative ? -value : value, isInt, i - start)
    }
}

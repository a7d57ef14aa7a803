extension JSONScanner {
    /// Reads a (possibly nested) array of numbers straight into `out`, in row-major order, and returns its
    /// nested shape (the length at each level; `[0]` for `[]`).
    ///
    /// This is the tensor-data path: one loop over the bytes, no `JSONValue` per element and no closure per
    /// element. Plain decimals (up to 19 digits, exponents within ±22) are converted exactly
    /// (Clinger's fast path); anything else — long mantissas, large exponents, `NaN`, `Infinity`, big
    /// integers — goes through ``parseValue(depth:)`` so the result is the same as reading each element as a
    /// `JSONValue` and taking its `doubleValue`. Structure errors (ragged rows, missing brackets) throw
    /// `JSONSyntaxError` with the same messages as ``scanArray(maxRank:_:)``; an element that is not a number
    /// throws what `nonNumber(index, value)` returns. `expected` (the element count a shape promises) sizes `out`
    /// once instead of growing it.
    public mutating func scanNumbers<T: BinaryFloatingPoint>(
        into out: inout [T], reserving expected: Int = 0, maxRank: Int = 32, nonNumber: (_ index: Int, _ value: JSONValue) -> any Error
    ) throws -> [Int] {
        let b = bytes
        let n = b.count
        // Room for the elements the caller expects (a tensor's shape), bounded by what the bytes left can hold
        // (two per element at least: a digit and a comma), so a shape cannot make it reserve more than the body.
        if expected > 0 { out.reserveCapacity(min(expected, (n - offset) / 2 + 1)) }
        let powers = Self.powersOfTen
        var i = offset
        var lengths = [Int](repeating: -1, count: max(maxRank, 1))
        // Elements read so far at each open level above the current one; the current level's count is `count`.
        var counts = [Int](repeating: 0, count: max(maxRank, 1))
        var count = 0
        var leafLevel = -1
        var deepest = 0
        var level = 0
        var index = 0
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

        while i < n, isSpace(b[i]) { i += 1 }
        guard i < n, b[i] == UInt8(ascii: "[") else {
            offset = i
            throw error("expected '['")
        }
        i += 1
        var afterValue = false
        while true {
            while i < n, isSpace(b[i]) { i += 1 }
            if !afterValue {
                if i < n, b[i] == UInt8(ascii: "]"), count == 0 {
                    i += 1
                } else if i < n, b[i] == UInt8(ascii: "[") {
                    offset = i
                    guard level + 1 < maxRank else { throw error("array nested deeper than \(maxRank) levels") }
                    if leafLevel >= 0, leafLevel <= level { throw error("ragged nested array: mixes arrays and scalars") }
                    counts[level] = count
                    level += 1
                    deepest = max(deepest, level)
                    count = 0
                    i += 1
                    continue
                } else {
                    if leafLevel < 0 { leafLevel = level }
                    if leafLevel != level {
                        offset = i
                        throw error("ragged nested array: scalars at different depths")
                    }
                    // A row of plain numbers is read by the kernel in one go; it stops before anything else, which
                    // the code below reads (one number, or its error). It fills the room the reservation left (16 more
                    // when there is none; the array then grows geometrically), so an output sized by the shape is not
                    // reallocated.
                    let run = JSONNumberRun.scan(
                        b, from: i, limit: out.capacity > out.count ? out.capacity - out.count : 16, powers: powers, into: &out)
                    if run.count > 0 {
                        index += run.count
                        count += run.count
                        i = run.end
                        if !run.needsValue {
                            afterValue = true
                            continue
                        }
                    }
                    // The fast path: -?digits(.digits)?([eE][+-]?digits)? with an exact conversion.
                    let start = i
                    var negative = false
                    if i < n, b[i] == UInt8(ascii: "-") {
                        negative = true
                        i += 1
                    }
                    // Every digit goes into the mantissa; up to 19 of them (leading zeros included) it is exact.
                    var mantissa: UInt64 = 0
                    var exponent = 0
                    var isInteger = true
                    let intStart = i
                    while i < n {
                        let digit = b[i] &- 0x30
                        guard digit < 10 else { break }
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        i += 1
                    }
                    let intDigits = i - intStart
                    var exact = intDigits > 0 && (intDigits == 1 || b[intStart] != UInt8(ascii: "0"))
                    var digits = intDigits
                    if exact, i < n, b[i] == UInt8(ascii: ".") {
                        isInteger = false
                        i += 1
                        let fractionStart = i
                        while i < n {
                            let digit = b[i] &- 0x30
                            guard digit < 10 else { break }
                            mantissa = mantissa &* 10 &+ UInt64(digit)
                            i += 1
                        }
                        exponent = fractionStart - i
                        digits -= exponent
                        if i == fractionStart { exact = false }
                    }
                    if digits > 19 { exact = false }
                    if exact, i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                        isInteger = false
                        i += 1
                        var expNegative = false
                        if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                            expNegative = b[i] == UInt8(ascii: "-")
                            i += 1
                        }
                        let expStart = i
                        var e = 0
                        while i < n, b[i] &- 0x30 < 10 {
                            if e < 100_000 { e = e * 10 + Int(b[i] &- 0x30) }
                            i += 1
                        }
                        if i == expStart { exact = false }
                        exponent += expNegative ? -e : e
                    }
                    if exact, mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
                        var v = Double(mantissa)
                        v = exponent < 0 ? v / powers[-exponent] : v * powers[exponent]
                        // An integer reads as Int64 first, so "-0" is +0 (as in parseValue); "-0.0" is -0.
                        out.append(T(negative && !(isInteger && mantissa == 0) ? -v : v))
                    } else {
                        // Everything unusual reads exactly as parseValue would.
                        offset = start
                        let value = try parseValue()
                        guard let d = value.doubleValue else { throw nonNumber(index, value) }
                        out.append(T(d))
                        i = offset
                    }
                    index += 1
                    count += 1
                    afterValue = true
                    continue
                }
            } else {
                if i < n, b[i] == UInt8(ascii: ",") {
                    i += 1
                    afterValue = false
                    continue
                }
                guard i < n, b[i] == UInt8(ascii: "]") else {
                    offset = i
                    throw error("expected ']'")
                }
                i += 1
            }
            // A level closed: its length must agree with its siblings'.
            if lengths[level] >= 0 {
                if lengths[level] != count {
                    offset = i
                    throw error("ragged nested array: rows of length \(lengths[level]) and \(count)")
                }
            } else {
                lengths[level] = count
            }
            if level == 0 { break }
            level -= 1
            count = counts[level] + 1
            afterValue = true
        }
        offset = i
        return (0...deepest).map { max(lengths[$0], 0) }
    }
}

/// The tensor-data kernel of ``JSONScanner/scanNumbers(into:reserving:maxRank:nonNumber:)``: a run of plain
/// decimal numbers separated by commas, read in one loop over the bytes without bounds checks.
///
/// It takes only what Clinger's exact fast path converts — `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` with at
/// most 19 digits, a mantissa below 2^53 and a decimal exponent within ±22 — and converts it exactly as the
/// scanner's own per-number path does. It stops before anything else (that number is read by the scanner's
/// general path, which reports errors), and after a number not followed by `, ` and the start of another.
/// Its reference twin is that general path: the scanner's tests compare the whole against reading each element
/// with `parseValue`, on random and edge-case inputs.
enum JSONNumberRun {
    /// Where a run stopped: `end` is the offset reached, `count` the numbers appended; `needsValue` is true when
    /// it stopped after a comma, before a number it does not take (else it stopped after a number and the
    /// whitespace after it).
    struct Stop {
        var end: Int
        var count: Int
        var needsValue: Bool
    }

    /// Reads numbers from `bytes[start...]` into `out` (at most `limit` of them, `limit` > 0).
    static func scan<T: BinaryFloatingPoint>(_ bytes: [UInt8], from start: Int, limit: Int, powers: [Double], into out: inout [T]) -> Stop {
        var stop = Stop(end: start, count: 0, needsValue: true)
        guard limit > 0, start >= 0, start < bytes.count, powers.count == 23 else { return stop }
        // Safe because: every byte read is at an index checked against `n` (the buffer's count) just before it;
        // `powers` is read at an index in 0...22 (checked above that it holds 23); nothing escapes the closures.
        bytes.withUnsafeBufferPointer { b in
            powers.withUnsafeBufferPointer { p in
                let n = b.count
                out.append(addingCapacity: limit) { span in
                    var i = start
                    while span.count < limit {
                        // One number, or nothing (then `i` is where it started).
                        let numberStart = i
                        var negative = false
                        if b[i] == UInt8(ascii: "-") {
                            negative = true
                            i += 1
                        }
                        let intStart = i
                        var mantissa: UInt64 = 0
                        while i < n {
                            let digit = b[i] &- 0x30
                            if digit >= 10 { break }
                            mantissa = mantissa &* 10 &+ UInt64(digit)
                            i += 1
                        }
                        var digits = i - intStart
                        // A leading zero is allowed only alone.
                        guard digits > 0, digits == 1 || b[intStart] != UInt8(ascii: "0") else {
                            i = numberStart
                            break
                        }
                        var exponent = 0
                        var isInteger = true
                        if i < n, b[i] == UInt8(ascii: ".") {
                            isInteger = false
                            i += 1
                            let fractionStart = i
                            while i < n {
                                let digit = b[i] &- 0x30
                                if digit >= 10 { break }
                                mantissa = mantissa &* 10 &+ UInt64(digit)
                                i += 1
                            }
                            guard i > fractionStart else {
                                i = numberStart
                                break
                            }
                            exponent = fractionStart - i
                            digits += i - fractionStart
                        }
                        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
                            isInteger = false
                            i += 1
                            var expNegative = false
                            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                                expNegative = b[i] == UInt8(ascii: "-")
                                i += 1
                            }
                            let expStart = i
                            var e = 0
                            while i < n, b[i] &- 0x30 < 10, e < 100_000 {
                                e = e * 10 + Int(b[i] &- 0x30)
                                i += 1
                            }
                            // No digit, or too many to bother: the general path reads it.
                            guard i > expStart, i == n || b[i] &- 0x30 >= 10 else {
                                i = numberStart
                                break
                            }
                            exponent += expNegative ? -e : e
                        }
                        guard digits <= 19, mantissa < (1 << 53), exponent >= -22, exponent <= 22 else {
                            i = numberStart
                            break
                        }
                        var v = Double(mantissa)
                        v = exponent < 0 ? v / p[-exponent] : v * p[exponent]
                        // As the scanner's own path: an integer reads as Int64 first, so "-0" is +0; "-0.0" is -0.
                        span.append(T(negative && !(isInteger && mantissa == 0) ? -v : v))
                        stop.count += 1
                        // Then `, ` and the start of another number, or the run ends after this one.
                        while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
                        var next = i + 1
                        while next < n, b[next] == 0x20 || b[next] == 0x0A || b[next] == 0x0D || b[next] == 0x09 { next += 1 }
                        guard i < n, b[i] == UInt8(ascii: ","), next < n, b[next] &- 0x30 < 10 || b[next] == UInt8(ascii: "-") else {
                            stop.end = i
                            stop.needsValue = false
                            return
                        }
                        i = next
                    }
                    stop.end = i
                    stop.needsValue = true
                }
            }
        }
        return stop
    }
}

public import Foundation

/// Times as stored and shown: ISO 8601 in UTC with milliseconds (`2026-11-26T21:50:00.123Z`), which sort
/// as text in time order.
public enum Timestamp {
    /// The text of `date`.
    /// (Written out by hand, civil date from days since 1970 — Hinnant's algorithm —, since the audit writer formats
    /// one per entry and a format style costs microseconds.)
    public static func string(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        // Years 0001 to 9999 (four digits); anything else goes through the format style.
        guard seconds.isFinite, seconds >= -62_135_596_800, seconds < 253_402_300_800 else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC") ?? .gmt))
        }
        let millis = Int64((seconds * 1000).rounded(.down))
        let (days, dayMillis) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, ms) = dayMillis < 0 ? (days - 1, dayMillis + 86_400_000) : (days, dayMillis)
        // Days since 1970-01-01 → year, month, day (proleptic Gregorian).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var v = value
            for _ in 0..<count {
                out.append(UInt8(ascii: "0") + UInt8(v / divisor))
                v %= divisor
                divisor /= 10
            }
        }
        digits(y, 4)
        out.append(UInt8(ascii: "-"))
        digits(m, 2)
        out.append(UInt8(ascii: "-"))
        digits(d, 2)
        out.append(UInt8(ascii: "T"))
        digits(ms / 3_600_000, 2)
        out.append(UInt8(ascii: ":"))
        digits(ms / 60_000 % 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(ms / 1000 % 60, 2)
        out.append(UInt8(ascii: "."))
        digits(ms % 1000, 3)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a stored or user-given time: ISO 8601 with or without fractional seconds, or a date `YYYY-MM-DD` (midnight UTC).
    public static func parse(_ text: String) -> Date? {
        let utc = TimeZone(identifier: "UTC") ?? .gmt
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: utc)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: utc)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: utc).year().month().day()) { return date }
        return nil
    }

    /// Parses a point in time given by a user: an ISO 8601 time or date, or a duration before/after `now`
    /// such as `30d`, `12h`, `15m` (`relativeSign` -1 for "ago", +1 for "from now").
    public static func parse(userTime text: String, now: Date = Date(), relativeSign: Double) throws(SecurityError) -> Date {
        if let date = parse(text) { return date }
        let units: [(Character, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)]
        if let last = text.last, let unit = units.first(where: { $0.0 == last }), let value = Double(text.dropLast()), value.isFinite,
            value >= 0
        {
            return now.addingTimeInterval(relativeSign * value * unit.1)
        }
        throw SecurityError(
            .invalidArgument,
            "cannot read the time '\(text)': expected ISO 8601 (2026-12-31 or 2026-12-31T12:00:00Z) or a duration such as 30d, 12h, 15m")
    }
}

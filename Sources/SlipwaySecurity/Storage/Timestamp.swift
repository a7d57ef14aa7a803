public import Foundation

/// Times as stored and shown: ISO 8601 in UTC with milliseconds (`2026-11-26T21:50:00.123Z`), which sort
/// as text in time order.
public enum Timestamp {
    /// The text of `date`.
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC") ?? .gmt))
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

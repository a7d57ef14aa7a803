import Foundation

/// Reads a point in time given by a user: an ISO 8601 date (`2026-11-26T21:00:00Z`, `2026-11-26`), seconds
/// since 1970, or a duration ago (`90s`, `15m`, `24h`, `7d`).
public enum TimeArgument {
    public static func parse(_ text: String, now: Double) throws(InferenceError) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return seconds }
        let units: [(String, Double)] = [("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604_800)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let amount = Double(trimmed.dropLast(suffix.count)), amount.isFinite, amount >= 0 { return now - amount * scale }
        }
        if let date = try? Date(trimmed, strategy: .iso8601) { return date.timeIntervalSince1970 }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date.timeIntervalSince1970 }
        throw .badRequest("cannot read '\(text)' as a time: expected an ISO 8601 date, seconds since 1970, or a duration ago such as 24h or 7d")
    }
}

import Foundation
import SlipwaySecurity
import Testing

/// The hand-written UTC timestamp against Foundation's ISO 8601 format style, and its round trip.
@Suite struct TimestampTests {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC") ?? .gmt)

    /// Same text as the format style up to the second (Foundation's calendar switches to Julian before
    /// 1582, so the range starts after it); the milliseconds may differ by one where the two round the
    /// binary fraction differently, and the text reads back to the same instant within a millisecond.
    @Test func matchesTheISO8601FormatStyle() {
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 951_782_400, 951_868_800, 1_709_164_800, 4_107_542_399.5, -1, -86_400.5, -2_208_988_800, 253_402_300_799.5]
            .map { Date(timeIntervalSince1970: $0) }
        for _ in 0..<300 {
            let millis = Int64.random(in: -12_000_000_000_000...253_000_000_000_000, using: &generator)
            dates.append(Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        for date in dates {
            let text = Timestamp.string(date)
            let expected = date.formatted(Self.style)
            #expect(text.count == 24 && text.hasSuffix("Z"), "\(text)")
            #expect(text.prefix(19) == expected.prefix(19), "\(date.timeIntervalSince1970): \(text) vs \(expected)")
            let ms = Int(text.dropFirst(20).prefix(3)) ?? -10
            let expectedMs = Int(expected.dropFirst(20).prefix(3)) ?? -20
            #expect(abs(ms - expectedMs) <= 1 || abs(ms - expectedMs) == 999, "\(text) vs \(expected)")
            #expect(Timestamp.parse(text).map { abs($0.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0011 } == true, "\(text)")
        }
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_764_193_800.125)) == "2025-11-26T21:50:00.125Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }
}

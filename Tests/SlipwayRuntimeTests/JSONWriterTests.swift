import Foundation
import Testing

@testable import SlipwayRuntime

/// `JSONWriter.string` copies strings without escapes in one step; its byte-by-byte twin (`escaped`) is the
/// reference. Random strings of every kind (ASCII, multi-byte, control characters, quotes, backslashes, empty, small
/// and heap-stored) must come out identical, and decode back to themselves.
@Suite struct JSONWriterTests {
    static let pieces = ["a", "float_input", "é", "名前", "🙂", " ", "\"", "\\", "\n", "\t", "\r", "\u{01}", "\u{1F}", "\u{7F}", "/", "x y"]

    @Test func stringsMatchTheEscapingTwinAndDecodeBack() throws {
        var generator = SystemRandomNumberGenerator()
        var samples = ["", "plain", String(repeating: "long plain text ", count: 20), "quote\"inside", "ctl\u{0}nul"]
        for _ in 0..<500 {
            samples.append((0..<Int.random(in: 0...30, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator) ?? "a" }.joined())
        }
        for text in samples {
            var fast = JSONWriter()
            fast.string(text)
            var twin = JSONWriter()
            twin.escaped(text)
            #expect(fast.bytes == twin.bytes, "\(text.debugDescription)")
            let decoded = try JSONDecoder().decode([String].self, from: Data("[".utf8 + fast.bytes + "]".utf8))
            #expect(decoded == [text])
        }
    }

    /// Raw text (numbers, pre-encoded JSON) is appended byte for byte as its UTF-8.
    @Test func rawTextIsItsUTF8() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator) ?? "a" }.joined()
            var writer = JSONWriter(capacity: 0)
            writer.raw("[")
            writer.raw(text)
            #expect(writer.bytes == Array("[".utf8) + Array(text.utf8))
        }
        var numbers = JSONWriter()
        numbers.number(Float(0.1))
        numbers.raw(",")
        numbers.number(-2.5e-7)
        numbers.raw(",")
        numbers.number(Int64.min)
        #expect(String(decoding: numbers.bytes, as: UTF8.self) == "0.1,-2.5e-07,-9223372036854775808")
    }

    /// Floats are written from their digits where that is cheap; the text must be exactly `description`'s, for
    /// random bit patterns, probabilities (k/100, k/1000, random), decimals read from text, and the edges of the
    /// range, signs and zeros included.
    @Test func floatsAreWrittenExactlyAsTheirDescription() {
        var g = SystemRandomNumberGenerator()
        var samples: [Float] = [0, -0, 1, -1, 0.5, 0.1, 0.98, 0.02, 0.001, 0.000_999_99, 1_000_000, 999_999.94, 123_456.7, 16_777_216]
        samples += [Float(0.001).nextDown, Float(0.001).nextUp, Float(1_000_000).nextDown, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<200_000 {
            switch Int.random(in: 0..<6, using: &g) {
            case 0: samples.append(Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &g)))
            case 1: samples.append(Float(Int.random(in: 0...100, using: &g)) / 100)
            case 2: samples.append(Float(Int.random(in: -1000...1000, using: &g)) / 1000)
            case 3: samples.append(Float.random(in: 0...1, using: &g))
            case 4:
                let text = "\(Int.random(in: 0...99_999, using: &g)).\(Int.random(in: 0...9_999_999, using: &g))"
                samples.append(Float(text) ?? 0)
            default:
                // Powers of two and their neighbours (where the gap below is half the gap above).
                let power = Float(sign: .plus, exponent: Int.random(in: -12...20, using: &g), significand: 1)
                samples.append([power, power.nextUp, power.nextDown].randomElement(using: &g) ?? power)
            }
        }
        var mismatches: [String] = []
        for v in samples where !v.isNaN {
            var writer = JSONWriter(capacity: 0)
            writer.number(v)
            let text = String(decoding: writer.bytes, as: UTF8.self)
            if text != v.description { mismatches.append("\(v.description) written \(text)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    /// Integers are written from their digits: the same text as `description`, for every width and sign.
    @Test func integersAreWrittenExactlyAsTheirDescription() {
        var g = SystemRandomNumberGenerator()
        func check<I: FixedWidthInteger>(_ v: I) {
            var writer = JSONWriter(capacity: 0)
            writer.number(v)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == v.description)
        }
        for v: Int64 in [0, 1, -1, 9, 10, -10, 99, 100, .max, .min, .max - 1, .min + 1] { check(v) }
        for v: UInt64 in [0, 9, 10, .max, .max - 1, UInt64(Int64.max) + 1] { check(v) }
        for _ in 0..<2_000 {
            check(Int64.random(in: .min ... .max, using: &g))
            check(UInt64.random(in: 0 ... .max, using: &g))
            check(Int64.random(in: -1_000...1_000, using: &g))
            check(Int32.random(in: .min ... .max, using: &g))
            check(UInt8.random(in: 0 ... .max, using: &g))
            check(Int8.random(in: .min ... .max, using: &g))
        }
    }

    @Test func stringsAppendAfterWhatIsAlreadyWritten() {
        var writer = JSONWriter(capacity: 0)
        writer.raw("{")
        writer.string("k")
        writer.raw(":")
        writer.string("v\"")
        writer.raw("}")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"k":"v\""}"#)
    }
}

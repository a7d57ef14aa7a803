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

import SlipwayRuntime
import Testing

@Suite struct JSONScannerTests {
    @Test func parsesEveryKind() throws {
        let v = try JSONScanner.parse(Array(#" {"a": [1, -2, 3.5, 1e3, true, false, null, "x\"\u00e9\ud83d\ude00"], "b": {}} "#.utf8))
        #expect(v["a"] == .array([.int(1), .int(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null, .string("x\"é😀")]))
        #expect(v["b"] == .object([]))
    }

    @Test func keepsLargeIntegersExact() throws {
        #expect(try JSONScanner.parse(Array("9223372036854775807".utf8)) == .int(Int64.max))
        #expect(try JSONScanner.parse(Array("-9223372036854775808".utf8)) == .int(Int64.min))
        #expect(try JSONScanner.parse(Array("18446744073709551615".utf8)) == .uint(UInt64.max))
    }

    @Test func parsesFloatsExactlyAsTheStandardLibrary() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let f = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            guard f.isFinite else { continue }
            let text = f.description
            let parsed = try JSONScanner.parse(Array(text.utf8)).doubleValue
            #expect(parsed.map { Float($0) } == f, "\(text)")
            let d = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
            guard d.isFinite else { continue }
            #expect(try JSONScanner.parse(Array(d.description.utf8)).doubleValue == d, "\(d)")
        }
    }

    @Test(arguments: ["", "{", "[1,]", "01", "1.", "\"abc", "{\"a\" 1}", "tru", "[1] x", "\"\\q\"", "-", "1e"])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONScanner.parse(Array(text.utf8)) }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONSyntaxError.self) { try JSONScanner.parse(Array(deep.utf8)) }
    }

    @Test func scansNestedArraysWithTheirShape() throws {
        var s = JSONScanner("[[1,2,3],[4,5,6]]")
        var values: [Double] = []
        let shape = try s.scanArray { s in values.append(try s.parseNumber().doubleValue ?? .nan) }
        #expect(shape == [2, 3])
        #expect(values == [1, 2, 3, 4, 5, 6])
        var ragged = JSONScanner("[[1,2],[3]]")
        #expect(throws: (any Error).self) { _ = try ragged.scanArray { s in _ = try s.parseNumber() } }
    }
}

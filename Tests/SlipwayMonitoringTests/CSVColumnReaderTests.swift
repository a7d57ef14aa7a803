import Foundation
import SlipwayMonitoring
import SlipwayTestSupport
import Testing

/// The quick CSV path (files without quotes) against the general reader (forced by quoting the header):
/// the same dtypes and the same values, bit for bit, on every oracle case and on tricky numbers.
@Suite struct CSVColumnReaderTests {
    /// The same CSV with its first header name quoted, which sends it through the general reader.
    static func quotedHeader(_ text: String) -> String {
        guard let comma = text.firstIndex(where: { $0 == "," || $0 == "\n" }) else { return text }
        return "\"" + text[..<comma] + "\"" + text[comma...]
    }

    static func expectSame(_ text: String, _ label: String) throws {
        let quick = try DataTable.parseCSV(Array(text.utf8), source: label)
        let general = try DataTable.parseCSV(Array(quotedHeader(text).utf8), source: label)
        #expect(quick.columns.count == general.columns.count, "\(label)")
        for (a, b) in zip(quick.columns, general.columns) {
            #expect(a.name == b.name, "\(label)")
            #expect(a.dtype == b.dtype, "\(label) \(a.name)")
            switch (a.values, b.values) {
            case (.numeric(let x), .numeric(let y)):
                #expect(x.count == y.count, "\(label) \(a.name)")
                let same = zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
                #expect(same, "\(label) \(a.name): values differ")
            case (.text, _), (.categories, _):
                #expect(Self.strings(a) == Self.strings(b), "\(label) \(a.name)")
            default:
                Issue.record("\(label) \(a.name): one reader gave numbers, the other text")
            }
        }
    }

    /// The strings of a text column, whatever its storage (nil for numbers).
    static func strings(_ column: DataColumn) -> [String?]? {
        switch column.values {
        case .text(let v): v
        case .categories(let codes, let levels): codes.map { $0 >= 0 ? levels[Int($0)] : nil }
        case .numeric: nil
        }
    }

    @Test func textColumnsAreEncodedOncePerDistinctValue() throws {
        let t = try DataTable.parseCSV(Array("c,n\nx,1\ny,2\n,3\nx,4\nx,5\n".utf8), source: "c.csv")
        guard case .categories(let codes, let levels) = t.columns[0].values else {
            Issue.record("expected dictionary-encoded strings")
            return
        }
        #expect(levels == ["x", "y"])
        #expect(codes == [0, 1, -1, 0, 0])
        #expect(t.columns[0].uniqueCount == 2)
        #expect(t.columns[0].nonMissingCount == 4)
    }

    @Test func trickyNumbersParseAsTheGeneralReaderDoes() throws {
        let fields = [
            "0", "-0", "+5", "007", "1.", ".5", "-.5", "1e5", "1E-5", "2.5e+3", "123456789012345678", "1234567890123456789",
            "0.1", "0.30000000000000004", "9007199254740993", "1.7976931348623157e308", "5e-324", "1e-400", "1e400", "inf",
            "-Infinity", "nan", "123456.789012", "1e22", "1e23", "3.14159265358979323846", "", "0.000001",
        ]
        var text = "a,b\n"
        for (i, f) in fields.enumerated() { text += "\(f),\(i)\n" }
        try Self.expectSame(text, "tricky")
        for f in fields where !f.isEmpty {
            let t = try DataTable.parseCSV(Array("v\n\(f)\n".utf8), source: "one")
            if case .numeric(let v) = t.columns[0].values, let expected = Double(f) {
                #expect(v[0].bitPattern == expected.bitPattern, "\(f)")
            }
        }
    }

    /// Decimals as `to_csv` writes them with a fixed precision (the eight-digits-at-a-time path), and the
    /// shapes around it (more than eight fraction digits, a point near the end of the file, exponents, short
    /// fractions followed by other fields), against the general reader.
    @Test func decimalsOfEveryLengthParseAsTheGeneralReaderDoes() throws {
        var generator = SystemRandomNumberGenerator()
        var text = "a,b,c\n"
        for row in 0..<20_000 {
            var fields: [String] = []
            for _ in 0..<3 {
                let integer = String(UInt64.random(in: 0...(row % 3 == 0 ? 99_999_999 : 999), using: &generator))
                let fractionLength = Int.random(in: 0...11, using: &generator)
                let fraction = String((0..<fractionLength).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
                let sign = ["", "-", "+"][Int.random(in: 0...2, using: &generator)]
                let exponent = Int.random(in: 0...9, using: &generator) == 0 ? "e\(Int.random(in: -5...5, using: &generator))" : ""
                fields.append(sign + integer + (fractionLength > 0 || row % 7 == 0 ? "." : "") + fraction + exponent)
            }
            text += fields.joined(separator: ",") + "\n"
        }
        text += "1.5,2.25,3.125"  // the last number of the file is near its end
        try Self.expectSame(text, "decimals")
    }

    /// Strings of 1 to 12 bytes (short ones are told apart by their packed bytes and length, long ones by a
    /// hash and a comparison), hundreds of distinct values, the same bytes at different lengths.
    @Test func stringLevelsShortAndLongAreKeptApart() throws {
        var generator = SystemRandomNumberGenerator()
        let pool =
            (0..<700).map { i -> String in
                let length = 1 + i % 12
                return String((0..<length).map { k in Character(UnicodeScalar(UInt8(97 + (i * 7 + k * 3) % 26))) })
            } + ["a", "aa", "aaaaaaaa", "aaaaaaaaa", "level_11", "level_1", "é"]
        var text = "s,t\n"
        for row in 0..<5000 {
            let field = pool[Int.random(in: 0..<pool.count, using: &generator)]
            text += "\(row % 97 == 0 ? "" : field),\(pool[row % pool.count])\n"
        }
        text += "zz,a"
        try Self.expectSame(text, "strings")
    }

    @Test func crlfMissingTrailingFieldsAndBlankLines() throws {
        try Self.expectSame("a,b,c\r\n1,x,\r\n\r\n2,,3.5\r\n", "crlf")
        try Self.expectSame("a,b\n1,True\n2,False\n", "bool")
        try Self.expectSame("a,b\n1,2\n3,", "no final newline")
        try Self.expectSame("a,b\n1,2\nx,4\n5,6\n", "number then text")
    }

    @Test func wrongFieldCountNamesTheLine() {
        #expect(throws: DriftError.self) { try DataTable.parseCSV(Array("a,b\n1,2\n\n3\n".utf8), source: "f.csv") }
        do {
            _ = try DataTable.parseCSV(Array("a,b\n1,2\n\n3\n".utf8), source: "f.csv")
        } catch {
            #expect(error.message == "f.csv: line 4 has 1 field(s), but the header has 2")
        }
    }

    @Test func everyOracleCaseReadsTheSameBothWays() throws {
        guard let root = SharedFixtures.driftOracle?.appendingPathComponent("cases"),
            FileManager.default.fileExists(atPath: root.path)
        else {
            print("skipped: drift-oracle cases not found")
            return
        }
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        #expect(!cases.isEmpty)
        for name in cases {
            for file in ["reference.csv", "current.csv"] {
                let url = root.appendingPathComponent(name).appendingPathComponent(file)
                guard let data = FileManager.default.contents(atPath: url.path) else { continue }
                try Self.expectSame(String(decoding: data, as: UTF8.self), "\(name)/\(file)")
            }
        }
    }
}

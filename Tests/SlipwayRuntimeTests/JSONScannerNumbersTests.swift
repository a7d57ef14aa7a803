import SlipwayRuntime
import Testing

/// `scanNumbers(into:nonNumber:)` (the tensor-data fast path) against its reference twin: `scanArray` with
/// `parseValue` per element, on random and hand-picked inputs, for values, shapes and errors alike.
@Suite struct JSONScannerNumbersTests {
    struct NotANumber: Error, Equatable {
        let index: Int
        let kind: String
    }

    enum Outcome: Equatable {
        case values([UInt64], [Int], Int)  // bit patterns, shape, offset after
        case syntax(String, Int)
        case notANumber(Int, String)
    }

    static func fast(_ text: String) -> Outcome {
        outcome(text) { s, out in try s.scanNumbers(into: &out) { NotANumber(index: $0, kind: $1.kindName) } }
    }

    static func reference(_ text: String) -> Outcome {
        outcome(text) { s, out in
            try s.scanArray { s in
                let v = try s.parseValue()
                guard let d = v.doubleValue else { throw NotANumber(index: out.count, kind: v.kindName) }
                out.append(d)
            }
        }
    }

    /// Runs one way of reading `text` and says what came of it: the values' bit patterns, shape and end offset, or the error.
    static func outcome(_ text: String, _ read: (inout JSONScanner, inout [Double]) throws -> [Int]) -> Outcome {
        var s = JSONScanner(text)
        var out: [Double] = []
        do {
            let shape = try read(&s, &out)
            return .values(out.map(\.bitPattern), shape, s.offset)
        } catch let e as JSONSyntaxError {
            return .syntax(e.reason, e.offset)
        } catch let e as NotANumber {
            return .notANumber(e.index, e.kind)
        } catch {
            return .syntax("\(error)", -1)
        }
    }

    @Test(arguments: [
        "[]", "[ ]", "[[]]", "[1]", " [ 1 , 2 ,3 ] ", "[-0]", "[-0.0]", "[0.5e-3]", "[1E+2]", "[1e400]", "[-1e-400]",
        "[123456789012345678901234567890]", "[0.1234567890123456789012345]", "[9007199254740993]",
        "[18446744073709551615]", "[-9223372036854775808]", "[NaN]", "[Infinity, -Infinity]", "[1.7976931348623157e308]",
        "[[1,2],[3,4],[5,6]]", "[[[1],[2]],[[3],[4]]]", "[[1,2],[3]]", "[[1],2]", "[1,[2]]", "[1,]", "[,1]", "[1 2]",
        "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[1,true]", "[null]", "[\"a\"]", "[{}]", "[[1,2],[3,\"x\"]]", "1", "",
        "[1", "[[1,2]", "[1]]", "[1e5,2.25E-2,-3.125]", "[\t1,\n2\r]", "[[],[]]", "[[],[1]]",
        "[0.0000000000000000000001]", "[1.50000000000000000000]", "[1234567890123456789]", "[12345678901234567890]",
        "[-0.000000000000000001e2]", "[9007199254740992.5]", "[0.1e-22]", "[100000000000000000000000e-22]",
        // A row's ", number" pairs (the leaf loop) and what ends them: spaces, brackets, letters, the end.
        "[1 ,2 , 3]", "[1,\n-2,\t-3.5e1]", "[[1,2] ,[3, 4]]", "[1,-]", "[1,-a]", "[1,2,]", "[1,2,[3]]", "[1,2,", "[1,2 ",
        "[1, NaN, -Infinity, 2]", "[1,-Infinity]", "[1,2 3]", "[[1,2],[3,4,]]", "[1,01]", "[1,-01]", "[1, ]",
    ])
    func agreesWithTheReferenceOnEdgeCases(_ text: String) {
        #expect(Self.fast(text) == Self.reference(text), "\(text)")
    }

    /// The capacity a shape promises only sizes the output: any value, absurd ones included, reads the same.
    @Test func theExpectedCountOnlySizesTheOutput() {
        for expected in [0, 1, 3, 1_000, Int.max / 2] {
            var s = JSONScanner("[[1,2.5],[3,-4e2]]")
            var out: [Double] = []
            let shape = try? s.scanNumbers(into: &out, reserving: expected) { index, _ in NotANumber(index: index, kind: "") }
            #expect(shape == [2, 2] && out == [1, 2.5, 3, -400], "expected \(expected)")
            #expect(out.capacity < 1_000_000)
        }
    }

    /// Rows read through the number kernel fill the output sized by the shape without growing it.
    @Test func anOutputSizedByTheShapeIsNotReallocated() throws {
        let text = "[" + Array(repeating: "[1.5,2,3.25,-4]", count: 1_000).joined(separator: ",") + "]"
        var s = JSONScanner(text)
        var out: [Float] = []
        let shape = try s.scanNumbers(into: &out, reserving: 4_000) { index, _ in NotANumber(index: index, kind: "") }
        #expect(shape == [1_000, 4] && out.count == 4_000)
        #expect(out.capacity < 5_000, "capacity \(out.capacity) for 4,000 values")
    }

    @Test func agreesWithTheReferenceOnRandomArrays() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let rows = Int.random(in: 1...6, using: &g)
            let cols = Int.random(in: 0...7, using: &g)
            var text = "["
            for r in 0..<rows {
                if r > 0 { text += Bool.random(using: &g) ? "," : " , " }
                text += "["
                for c in 0..<cols {
                    if c > 0 { text += [",", " ,", ", ", "\n,\t"].randomElement(using: &g) ?? "," }
                    text += Self.randomNumber(&g)
                }
                text += "]"
            }
            text += "]"
            let fast = Self.fast(text)
            #expect(fast == Self.reference(text), "\(text)")
            if case .values(let v, let shape, _) = fast { #expect(v.count == rows * cols && shape == [rows, cols]) }
        }
    }

    /// Long rows (the number kernel reads runs of them, a bounded count at a time), with numbers the kernel leaves
    /// to the general path (long mantissas, big exponents, NaN, leading zeros) anywhere in them, read into an
    /// output sized by the shape or not at all.
    @Test func agreesWithTheReferenceOnLongRows() {
        var g = SystemRandomNumberGenerator()
        let odd = ["1e400", "NaN", "-Infinity", "12345678901234567890", "0.1234567890123456789012", "1e-30", "-0", "-0.0", "7"]
        for _ in 0..<40 {
            let count = Int.random(in: 1...3_000, using: &g)
            let numbers = (0..<count).map { _ in
                Int.random(in: 0..<50, using: &g) == 0 ? odd.randomElement(using: &g) ?? "1" : Self.randomNumber(&g)
            }
            let text = "[" + numbers.joined(separator: [",", ", ", " ,"].randomElement(using: &g) ?? ",") + "]"
            // Compared first, so a failure names the row rather than printing thousands of values.
            let agrees = Self.fast(text) == Self.reference(text)
            #expect(agrees, "a row of \(count) numbers: \(text.prefix(200))…")
            var s = JSONScanner(text)
            var out: [Double] = []
            let shape = try? s.scanNumbers(into: &out, reserving: count) { index, _ in NotANumber(index: index, kind: "") }
            if case .values(let bits, _, _) = Self.reference(text) {
                let same = shape == [count] && out.map(\.bitPattern) == bits
                #expect(same, "a row of \(count) numbers read into an output sized for it")
            }
        }
        // An error after a long run of good numbers names the right place.
        let bad = "[" + Array(repeating: "1.25", count: 100).joined(separator: ",") + ",01,2]"
        #expect(Self.fast(bad) == Self.reference(bad))
        let badEnd = "[" + Array(repeating: "1.25", count: 100).joined(separator: ",") + " x]"
        #expect(Self.fast(badEnd) == Self.reference(badEnd))
    }

    static func randomNumber(_ g: inout SystemRandomNumberGenerator) -> String {
        switch Int.random(in: 0..<7, using: &g) {
        case 0: return String(Int64.random(in: -1_000_000...1_000_000, using: &g))
        case 1: return Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &g)).description
        case 2:
            let d = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &g))
            return d.isFinite ? d.description : "1.5"
        case 3: return String(format4: Double.random(in: -1000...1000, using: &g))
        case 4: return "\(Int.random(in: 1...9, using: &g))e\(Int.random(in: -30...30, using: &g))"
        case 5:
            // 1 to 25 digits around the 19-digit exact limit, leading and trailing zeros included.
            let digits = (0..<Int.random(in: 1...25, using: &g)).map { _ in String(Int.random(in: 0...9, using: &g)) }.joined()
            let point = Int.random(in: 0...digits.count, using: &g)
            let whole = point == 0 ? "0" : String(digits.prefix(point)).replacingLeadingZeros
            let fraction = String(digits.dropFirst(point))
            return fraction.isEmpty ? whole : "\(whole).\(fraction)"
        default: return "-\(UInt64.random(in: 0...UInt64.max, using: &g))"
        }
    }
}

extension String {
    /// Without leading zeros ("0" when nothing else is left), as a JSON number's integer part must be.
    fileprivate var replacingLeadingZeros: String {
        let trimmed = drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// A decimal with four fraction digits, like the bench's request bodies.
    fileprivate init(format4 d: Double) {
        let scaled = (d * 10_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let a = Int64(abs(scaled))
        let frac = String(a % 10_000)
        self = "\(sign)\(a / 10_000).\(String(repeating: "0", count: 4 - frac.count))\(frac)"
    }
}

public import Foundation

/// A reference dataset: the rows a model's drift monitor compares live traffic with. CSV with a header
/// row (RFC 4180 quoting), or JSON Lines (one flat object per line; its keys are the columns, in the order
/// of the first line). Cells are kept as text; `nil` is a missing value (an empty CSV cell, a JSON null).
public struct ReferenceDataset: Sendable, Hashable {
    public var format: ReferenceFormat
    public var columns: [String]
    public var rows: [[String?]]

    public init(format: ReferenceFormat, columns: [String], rows: [[String?]]) {
        self.format = format
        self.columns = columns
        self.rows = rows
    }

    /// The format a file name implies: `.csv` → CSV, `.jsonl`/`.ndjson` → JSON Lines; nil otherwise.
    public static func format(forPath path: String) -> ReferenceFormat? {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": .csv
        case "jsonl", "ndjson": .jsonl
        default: nil
        }
    }

    /// Parses bytes in the given format; errors name the line (1-based) and the column.
    public static func parse(_ data: Data, format: ReferenceFormat) throws(RegistryError) -> ReferenceDataset {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidArgument("reference dataset: the file is not UTF-8 text")
        }
        switch format {
        case .csv: return try parseCSV(text)
        case .jsonl: return try parseJSONLines(text)
        }
    }

    // MARK: - Checking against a signature

    /// Checks that the columns fit the model's inputs and returns the feature names, in the model's order:
    /// - one 2-D input `[N, F]`: exactly F columns, in order (their header names become the feature names);
    ///   a 1-D input `[N]` takes one column;
    /// - several inputs, each `[N]` or `[N, 1]`: one column named after each input, in any order;
    /// - anything else is rejected, the mismatch spelled out.
    /// Cells of numeric inputs must be numbers (or missing).
    public func fit(_ inputs: [TensorSpec]) throws(RegistryError) -> [String] {
        guard !inputs.isEmpty else { throw .invalidArgument("reference dataset: the model has no inputs to describe") }
        guard !rows.isEmpty else { throw .invalidArgument("reference dataset: it has a header but no rows") }
        if inputs.count == 1 {
            let input = inputs[0]
            guard let shape = input.shape else {
                throw .invalidArgument(
                    "reference dataset does not fit the model: input '\(input.name)' (\(input.datatype)) has no known tensor shape, so it cannot be described by columns"
                )
            }
            switch shape.count {
            case 1:
                guard columns.count == 1 else {
                    throw .invalidArgument(
                        "reference dataset does not fit the model: input '\(input.name)' has shape \(Self.text(shape)), so it takes 1 column, but the dataset has \(columns.count) (\(columns.joined(separator: ", ")))"
                    )
                }
            case 2:
                let features = shape[1]
                if features >= 0, columns.count != features {
                    throw .invalidArgument(
                        "reference dataset does not fit the model: input '\(input.name)' has shape \(Self.text(shape)), so it takes \(features) column\(features == 1 ? "" : "s"), but the dataset has \(columns.count) (\(columns.joined(separator: ", ")))"
                    )
                }
            default:
                throw .invalidArgument(
                    "reference dataset does not fit the model: input '\(input.name)' has shape \(Self.text(shape)); a reference dataset describes only a 2-D [rows, features] input or several 1-column inputs"
                )
            }
            try checkCells(columns.indices.map { ($0, input) })
            return columns
        }
        var byName: [String: Int] = [:]
        for (i, c) in columns.enumerated() { byName[c] = i }
        var problems: [String] = []
        for input in inputs {
            if let shape = input.shape, shape.count == 1 || (shape.count == 2 && shape[1] == 1) { continue }
            problems.append(
                "input '\(input.name)' has shape \(input.shape.map(Self.text) ?? "unknown"), but with several inputs each must be [N] or [N, 1] (one column)"
            )
        }
        let missing = inputs.map(\.name).filter { byName[$0] == nil }
        if !missing.isEmpty {
            problems.append("no column for input\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", "))")
        }
        let names = Set(inputs.map(\.name))
        let extra = columns.filter { !names.contains($0) }
        if !extra.isEmpty {
            problems.append(
                "column\(extra.count == 1 ? "" : "s") \(extra.map { "'\($0)'" }.joined(separator: ", ")) match\(extra.count == 1 ? "es" : "") no input (the model's inputs: \(inputs.map(\.name).joined(separator: ", ")))"
            )
        }
        guard problems.isEmpty else {
            throw .invalidArgument("reference dataset does not fit the model: " + problems.joined(separator: "; "))
        }
        try checkCells(inputs.compactMap { input in byName[input.name].map { ($0, input) } })
        return inputs.map(\.name)
    }

    private static let numericTypes: Set<String> = [
        "FP16", "BF16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "BOOL",
    ]

    private func checkCells(_ columnsAndInputs: [(Int, TensorSpec)]) throws(RegistryError) {
        for (column, input) in columnsAndInputs where Self.numericTypes.contains(input.datatype) {
            for (r, row) in rows.enumerated() {
                guard column < row.count, let cell = row[column] else { continue }
                let trimmed = cell.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                if Double(trimmed) != nil { continue }
                if input.datatype == "BOOL", ["true", "false"].contains(trimmed.lowercased()) { continue }
                throw .invalidArgument(
                    "reference dataset: row \(r + 1), column '\(columns[column])': '\(cell)' is not a number, and input '\(input.name)' is \(input.datatype)"
                )
            }
        }
    }

    static func text(_ shape: [Int]) -> String {
        "[" + shape.map { $0 < 0 ? "N" : String($0) }.joined(separator: ", ") + "]"
    }

    // MARK: - CSV

    static func parseCSV(_ text: String) throws(RegistryError) -> ReferenceDataset {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
        }
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "," {
                fields.append(field)
                field = ""
                afterQuote = false
            } else if c == "\n" || c == "\r" {
                if c == "\r", i + 1 < chars.count, chars[i + 1] == "\n" { i += 1 }
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            } else if c == "\"" {
                guard field.isEmpty, !afterQuote else {
                    throw .invalidArgument("reference dataset (CSV): line \(line): a quote inside an unquoted field; quote the whole field")
                }
                inQuotes = true
            } else {
                guard !afterQuote else {
                    throw .invalidArgument("reference dataset (CSV): line \(line): text after a closing quote")
                }
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        guard !inQuotes else { throw .invalidArgument("reference dataset (CSV): line \(recordLine): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let header = records.first else { throw .invalidArgument("reference dataset (CSV): the file is empty; expected a header row") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        try checkHeader(columns, kind: "CSV")
        var rows: [[String?]] = []
        rows.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            guard record.fields.count == columns.count else {
                throw .invalidArgument(
                    "reference dataset (CSV): line \(record.line) has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"), the header has \(columns.count)"
                )
            }
            rows.append(record.fields.map { $0.isEmpty ? nil : $0 })
        }
        return ReferenceDataset(format: .csv, columns: columns, rows: rows)
    }

    private static func checkHeader(_ columns: [String], kind: String) throws(RegistryError) {
        var seen = Set<String>()
        for (i, c) in columns.enumerated() {
            guard !c.isEmpty else { throw .invalidArgument("reference dataset (\(kind)): column \(i + 1) of the header has no name") }
            guard seen.insert(c).inserted else { throw .invalidArgument("reference dataset (\(kind)): column '\(c)' appears twice in the header") }
        }
    }

    // MARK: - JSON Lines

    static func parseJSONLines(_ text: String) throws(RegistryError) -> ReferenceDataset {
        var columns: [String]? = nil
        var index: [String: Int] = [:]
        var rows: [[String?]] = []
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            var parser = FlatJSONObjectParser(Array(line.utf8), line: n + 1)
            let pairs = try parser.parse()
            if columns == nil {
                let names = pairs.map(\.key)
                try checkHeader(names, kind: "JSON Lines")
                columns = names
                for (i, c) in names.enumerated() { index[c] = i }
            }
            guard let columns else { continue }
            var row = [String?](repeating: nil, count: columns.count)
            var seen = Set<String>()
            for (key, value) in pairs {
                guard let i = index[key] else {
                    throw .invalidArgument(
                        "reference dataset (JSON Lines): line \(n + 1): key '\(key)' is not among the first line's keys (\(columns.joined(separator: ", ")))"
                    )
                }
                guard seen.insert(key).inserted else {
                    throw .invalidArgument("reference dataset (JSON Lines): line \(n + 1): key '\(key)' appears twice")
                }
                row[i] = value
            }
            rows.append(row)
        }
        guard let columns else { throw .invalidArgument("reference dataset (JSON Lines): the file has no lines") }
        return ReferenceDataset(format: .jsonl, columns: columns, rows: rows)
    }
}

/// Parses one `{"key": scalar, …}` line keeping key order; values are numbers, strings, booleans or null.
struct FlatJSONObjectParser {
    let bytes: [UInt8]
    let line: Int
    var i = 0

    init(_ bytes: [UInt8], line: Int) {
        self.bytes = bytes
        self.line = line
    }

    func fail(_ what: String) -> RegistryError {
        .invalidArgument("reference dataset (JSON Lines): line \(line), byte \(i + 1): \(what)")
    }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[i]) { i += 1 }
    }

    mutating func expect(_ c: UInt8) throws(RegistryError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
        i += 1
    }

    mutating func parse() throws(RegistryError) -> [(key: String, value: String?)] {
        try expect(UInt8(ascii: "{"))
        var pairs: [(key: String, value: String?)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                pairs.append((key, try scalar()))
                skipSpace()
                guard i < bytes.count else { throw fail("the object is not closed") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw fail("expected ',' or '}'")
            }
        }
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the object") }
        return pairs
    }

    mutating func scalar() throws(RegistryError) -> String? {
        guard i < bytes.count else { throw fail("expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw fail("nested objects and arrays are not allowed: each value must be a number, a string, a boolean or null")
        default:
            let start = i
            while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x09, 0x0D, 0x0A].contains(bytes[i]) { i += 1 }
            let token = String(decoding: bytes[start..<i], as: UTF8.self)
            if token == "null" { return nil }
            if token == "true" || token == "false" || Double(token) != nil { return token }
            i = start
            throw fail("'\(token)' is not a JSON value")
        }
    }

    mutating func string() throws(RegistryError) -> String {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, let code = UInt32(String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) else {
                        throw fail("invalid \\u escape")
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                    i += 4
                default: out.append(bytes[i])
                }
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        throw fail("a string is not closed")
    }
}

/// A column's storage type as pandas `read_csv` would infer it.
public enum PandasDType: String, Sendable {
    case int64, float64, bool, object
}

/// One column of a table: numbers (NaN = missing) for numeric dtypes, strings (nil = missing) otherwise.
public struct DataColumn: Sendable {
    public enum Values: Sendable {
        case numeric([Double])
        case text([String?])
        /// Strings stored once per distinct value (the quick CSV path): `codes[i]` indexes `levels`, -1 is
        /// missing; every level occurs at least once.
        case categories(codes: [Int32], levels: [String])
    }

    public var name: String
    public var dtype: PandasDType
    public var values: Values

    public init(name: String, dtype: PandasDType, values: Values) {
        self.name = name
        self.dtype = dtype
        self.values = values
    }

    /// Number of rows.
    public var count: Int {
        switch values {
        case .numeric(let v): v.count
        case .text(let v): v.count
        case .categories(let codes, _): codes.count
        }
    }

    /// Non-missing values (NaN counts as missing; infinities are values, as in pandas).
    public var nonMissingCount: Int {
        switch values {
        case .numeric(let v): v.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        case .text(let v): v.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        case .categories(let codes, _): codes.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        }
    }

    /// Distinct non-missing values (pandas `nunique()`).
    public var uniqueCount: Int {
        switch values {
        case .numeric(let v): return Set(v.filter { !$0.isNaN }).count
        case .text(let v): return Set(v.compactMap { $0 }).count
        case .categories(let codes, let levels):
            var seen = [Bool](repeating: false, count: levels.count)
            for c in codes where c >= 0 && Int(c) < levels.count { seen[Int(c)] = true }
            return seen.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    /// The cleaned values as categories: ±inf and NaN dropped (section 2 of RULES.md), missing dropped.
    public var cleanedCategories: [CategoryValue] {
        switch values {
        case .numeric(let v): v.filter { $0.isFinite }.map { .number($0) }
        case .text(let v): v.compactMap { $0.map { .text($0) } }
        case .categories(let codes, let levels):
            codes.compactMap { $0 >= 0 && Int($0) < levels.count ? .text(levels[Int($0)]) : nil }
        }
    }

    /// The cleaned numeric values, or nil when the column is not numeric.
    public var cleanedNumbers: [Double]? {
        if case .numeric(let v) = values { return v.allSatisfy({ $0.isFinite }) ? v : v.filter { $0.isFinite } }
        return nil
    }
}

/// A category: a number (int and float columns) or a string; numbers sort before strings.
public enum CategoryValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    case number(Double)
    case text(String)

    public static func < (lhs: CategoryValue, rhs: CategoryValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let a), .text(let b)): a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case (.number, .text): true
        case (.text, .number): false
        }
    }

    public var description: String {
        switch self {
        case .number(let v): "\(v)"
        case .text(let s): s
        }
    }
}

/// A table read from CSV: columns in file order.
public struct DataTable: Sendable {
    public var columns: [DataColumn]

    public init(columns: [DataColumn]) { self.columns = columns }

    public func column(named name: String) -> DataColumn? { columns.first { $0.name == name } }

    /// Parses CSV bytes: a header row, comma separated, optional double quotes, an empty field is missing.
    /// Each column's dtype is inferred as pandas would: all integers without missing → int64; all numbers
    /// (or integers with a missing value) → float64; all True/False → bool; otherwise object (strings).
    /// `source` names the file in errors; a row with the wrong number of fields is an error naming its line.
    public static func parseCSV(_ bytes: [UInt8], source: String) throws(DriftError) -> DataTable {
        if let table = try CSVColumnReader.read(bytes, source: source) { return table }
        var rows = try CSVReader.records(bytes, source: source)
        guard !rows.isEmpty else { throw .invalid("\(source): the CSV file is empty (no header row)") }
        let header = rows.removeFirst()
        let names = header.fields.map { $0 ?? "" }
        var seen = Set<String>()
        for name in names {
            if !seen.insert(name).inserted { throw .invalid("\(source): duplicate column name '\(name)' in the header") }
        }
        for row in rows where row.fields.count != names.count {
            throw .invalid(
                "\(source): line \(row.line) has \(row.fields.count) field(s), but the header has \(names.count)")
        }
        var columns: [DataColumn] = []
        columns.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            let raw = rows.map { $0.fields[index] }
            columns.append(inferColumn(name: name, raw: raw))
        }
        return DataTable(columns: columns)
    }

    static func inferColumn(name: String, raw: [String?]) -> DataColumn {
        var allInt = true
        var allNumber = true
        var allBool = true
        var hasMissing = false
        var numbers: [Double] = []
        numbers.reserveCapacity(raw.count)
        for field in raw {
            guard let field else {
                hasMissing = true
                numbers.append(.nan)
                continue
            }
            if allBool && !boolWords.contains(field) { allBool = false }
            if allNumber {
                if let v = parseNumber(field) {
                    numbers.append(v)
                    if allInt && !isIntegerLiteral(field) { allInt = false }
                } else {
                    allNumber = false
                    allInt = false
                }
            }
        }
        let nonMissing = raw.count - raw.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        if allBool && nonMissing > 0 && !hasMissing {
            return DataColumn(name: name, dtype: .bool, values: .text(raw.map { $0.map(canonicalBool) }))
        }
        if allNumber {
            let dtype: PandasDType = (allInt && !hasMissing && nonMissing > 0) ? .int64 : .float64
            return DataColumn(name: name, dtype: dtype, values: .numeric(numbers))
        }
        return DataColumn(name: name, dtype: .object, values: .text(raw))
    }

    static let boolWords: Set<String> = ["True", "False", "TRUE", "FALSE", "true", "false"]
    static func canonicalBool(_ s: String) -> String { s.lowercased() == "true" ? "True" : "False" }

    static func isIntegerLiteral(_ s: String) -> Bool {
        var scalars = Substring(s).utf8[...]
        if let first = scalars.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            scalars = scalars.dropFirst()
        }
        guard !scalars.isEmpty, scalars.count <= 18 else { return false }
        return scalars.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A correctly rounded decimal parse; accepts what Python's float() accepts for common spellings.
    static func parseNumber(_ s: String) -> Double? {
        if let v = Double(s) { return v }
        let lower = s.lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: return nil
        }
    }
}

/// A minimal RFC 4180 reader: fields separated by commas, records by LF or CRLF, double quotes escape.
enum CSVReader {
    struct Record {
        var line: Int
        var fields: [String?]
    }

    static func records(_ bytes: [UInt8], source: String) throws(DriftError) -> [Record] {
        var records: [Record] = []
        var fields: [String?] = []
        var field: [UInt8] = []
        var quoted = false
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var i = 0
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        i = start
        func endField() {
            if field.isEmpty && !quoted {
                fields.append(nil)
            } else {
                fields.append(String(decoding: field, as: UTF8.self))
            }
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inQuotes = true
                quoted = true
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"):
                endField()
                if !(fields.count == 1 && fields[0] == nil) { records.append(Record(line: recordLine, fields: fields)) }
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            default:
                field.append(b)
            }
            i += 1
        }
        if inQuotes { throw .invalid("\(source): line \(recordLine) has an unterminated quoted field") }
        if !field.isEmpty || quoted || !fields.isEmpty {
            endField()
            if !(fields.count == 1 && fields[0] == nil) { records.append(Record(line: recordLine, fields: fields)) }
        }
        return records
    }
}

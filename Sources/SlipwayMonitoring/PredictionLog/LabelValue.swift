import Foundation

/// A label or a prediction cell: a number or a string. Numbers that are integers print without a fraction,
/// so an INT64 class `1` and a posted label `1` or `1.0` are the same class.
public enum LabelValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Double)
    case text(String)

    /// The class this value names, as text (`1`, `setosa`).
    public var classKey: String {
        switch self {
        case .text(let s): s
        case .number(let v): v.rounded() == v && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
    }

    public var description: String { classKey }

    public var number: Double? {
        switch self {
        case .number(let v): v
        case .text(let s): Double(s)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .number(value ? 1 : 0)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let v):
            if v.rounded() == v && abs(v) < 1e15 { try container.encode(Int64(v)) } else { try container.encode(v) }
        case .text(let s): try container.encode(s)
        }
    }

    /// Labels as stored: a JSON array, one per example of the request.
    public static func encodeList(_ labels: [LabelValue]) -> String {
        (try? JSONEncoder().encode(labels)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    public static func decodeList(_ text: String) -> [LabelValue] {
        (try? JSONDecoder().decode([LabelValue].self, from: Data(text.utf8))) ?? []
    }
}

import Foundation
import SlipwayRegistry
import SlipwayRuntime

/// A JSON object sent to the management API, read field by field so that every error names the field at
/// fault (`field 'version': expected a positive integer, got a string`). Unknown fields are refused, so
/// a typo is not silently ignored.
struct ManagementBody {
    let fields: [(String, JSONValue)]
    /// What the body is, for messages: `request body`, `part 'metadata'`.
    let what: String

    /// Parses `bytes` as one JSON object whose keys are among `allowed`.
    init(_ bytes: [UInt8], what: String = "request body", allowed: Set<String>) throws(InferenceError) {
        self.what = what
        let value: JSONValue
        do {
            value = try JSONScanner.parse(bytes)
        } catch {
            throw .badRequest("\(what) is not valid JSON: \(error)")
        }
        guard let fields = value.objectValue else { throw .badRequest("\(what) must be a JSON object, got \(value.kindName)") }
        var seen = Set<String>()
        for (key, _) in fields {
            guard allowed.contains(key) else {
                throw .badRequest("\(what): unknown field '\(key)'; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw .badRequest("\(what): field '\(key)' is given twice") }
        }
        self.fields = fields
    }

    func value(_ key: String) -> JSONValue? {
        fields.first { $0.0 == key }.flatMap { $0.1 == .null ? nil : $0.1 }
    }

    func string(_ key: String) throws(InferenceError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw mismatch(key, "a string", value) }
        return text
    }

    func positiveInteger(_ key: String) throws(InferenceError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let n = value.int64Value, n >= 1, let int = Int(exactly: n) else { throw mismatch(key, "a positive integer", value) }
        return int
    }

    func strings(_ key: String) throws(InferenceError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let items = value.arrayValue else { throw mismatch(key, "an array of strings", value) }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            guard let text = item.stringValue else { throw mismatch("\(key)[\(i)]", "a string", item) }
            result.append(text)
        }
        return result
    }

    func stringMap(_ key: String) throws(InferenceError) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard let members = value.objectValue else { throw mismatch(key, "an object of strings", value) }
        var result: [String: String] = [:]
        for (name, item) in members {
            guard let text = item.stringValue else { throw mismatch("\(key).\(name)", "a string", item) }
            result[name] = text
        }
        return result
    }

    func numberMap(_ key: String) throws(InferenceError) -> [String: Double]? {
        guard let value = value(key) else { return nil }
        guard let members = value.objectValue else { throw mismatch(key, "an object of numbers", value) }
        var result: [String: Double] = [:]
        for (name, item) in members {
            guard let number = item.doubleValue, number.isFinite else { throw mismatch("\(key).\(name)", "a finite number", item) }
            result[name] = number
        }
        return result
    }

    func mismatch(_ key: String, _ expected: String, _ got: JSONValue) -> InferenceError {
        .badRequest("\(what): field '\(key)': expected \(expected), got \(got.kindName)")
    }
}

/// What an upload may carry besides the model, from the `metadata` part (multipart) or the query (raw body).
struct UploadMetadata {
    static let keys: Set<String> = ["description", "parameters", "metrics", "source", "data_digest", "tags", "aliases"]

    var description = ""
    var parameters: [String: String] = [:]
    var metrics: [String: Double] = [:]
    var source: String?
    var dataDigest: String?
    var tags: [String: String] = [:]
    var aliases: [String] = []

    init() {}

    /// Reads the JSON `metadata` part.
    init(json bytes: [UInt8]) throws(InferenceError) {
        let body = try ManagementBody(bytes, what: "part 'metadata'", allowed: Self.keys)
        description = try body.string("description") ?? ""
        parameters = try body.stringMap("parameters") ?? [:]
        metrics = try body.numberMap("metrics") ?? [:]
        source = try body.string("source")
        dataDigest = try body.string("data_digest")
        tags = try body.stringMap("tags") ?? [:]
        aliases = try body.strings("aliases") ?? []
    }
}

/// The JSON the management API answers with: registry records through ``RegistryJSON`` (snake_case keys,
/// ISO 8601 dates), wrapped in an object where a list is returned.
enum ManagementJSON {
    struct Models: Encodable {
        var models: [RegisteredModel]
    }

    struct ModelDetail: Encodable {
        var model: RegisteredModel
        var versions: [ModelVersion]
    }

    struct Versions: Encodable {
        var versions: [ModelVersion]
    }

    struct History: Encodable {
        var events: [RegistryEvent]
    }

    struct AliasSet: Encodable {
        var model: String
        var alias: String
        var version: Int
        var previous: Int?
    }

    struct AliasDeleted: Encodable {
        var model: String
        var alias: String
        var deleted: Bool
        var previous: Int
    }

    static func encode<T: Encodable>(_ value: T) throws(InferenceError) -> [UInt8] {
        do {
            return [UInt8](try RegistryJSON.encoder().encode(value))
        } catch {
            throw InferenceError(.internal, "cannot encode the response: \(error)")
        }
    }
}

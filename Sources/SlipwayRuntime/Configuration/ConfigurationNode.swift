public import Yams

/// A problem in the configuration file, with where it is: `slipway.yaml:12: models.iris.batching.max_batch_size:
/// expected an integer, got 'many'`. A bad file stops `slipway serve` before it listens.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, when the configuration came from one.
    public var file: String?
    /// 1-based line of the value at fault; nil when the file could not be read at all.
    public var line: Int?
    /// The dotted path of the key at fault (`models.iris.cache.max_bytes`); empty for the whole document.
    public var path: String
    public var message: String

    public init(file: String? = nil, line: Int?, path: String, message: String) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String {
        var text = file ?? "configuration"
        if let line { text += ":\(line)" }
        text += ": "
        if !path.isEmpty { text += "\(path): " }
        return text + message
    }
}

/// One node of the YAML configuration with its dotted path and line, so every accessor can name what is
/// wrong and where. Mappings are read with ``object(_:)``, which rejects keys nobody asked for (a typo in
/// a key is an error, not a silently ignored setting).
public struct ConfigurationNode {
    let node: Node
    public let path: String

    public init(node: Node, path: String = "") {
        self.node = node
        self.path = path
    }

    /// Parses YAML text; an empty document is an empty mapping.
    public static func parse(yaml: String) throws(ConfigurationError) -> ConfigurationNode {
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return ConfigurationNode(node: .mapping(.init([]))) }
            return ConfigurationNode(node: node)
        } catch let error as YamlError {
            throw ConfigurationError(line: Self.line(of: error), path: "", message: "not valid YAML: \(Self.reason(of: error))")
        } catch {
            throw ConfigurationError(line: nil, path: "", message: "not valid YAML: \(error)")
        }
    }

    /// 1-based line of this node.
    public var line: Int? { node.mark.map { $0.line } }

    /// An error about this node.
    public func error(_ message: String) -> ConfigurationError {
        ConfigurationError(line: line, path: path, message: message)
    }

    var shownValue: String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    // MARK: Scalars

    public func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string, got \(shownValue)") }
        return scalar.string
    }

    public func int() throws(ConfigurationError) -> Int {
        guard case .scalar = node, let value = node.int else { throw error("expected an integer, got \(shownValue)") }
        return value
    }

    /// An integer within `range`.
    public func int(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let value = try int()
        guard range.contains(value) else {
            throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    public func double() throws(ConfigurationError) -> Double {
        guard case .scalar = node, let value = node.float, value.isFinite else { throw error("expected a number, got \(shownValue)") }
        return value
    }

    public func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw error("expected true or false, got \(shownValue)") }
        return value
    }

    /// One of `allowed` (a closed set of words, such as `all`, `none`).
    public func choice(_ allowed: [String]) throws(ConfigurationError) -> String {
        let value = try string()
        guard allowed.contains(value) else {
            throw error("expected one of \(allowed.joined(separator: ", ")), got '\(value)'")
        }
        return value
    }

    /// A duration: a number of seconds, or a number with a unit `us`, `ms`, `s`, `m`, `h`, `d` (`250ms`, `5m`, `30d`).
    public func duration() throws(ConfigurationError) -> Duration {
        let text = try string().trimmingWhitespace()
        let units: [(String, Double)] = [("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            // "ms" before "s" and "m": the first match in this order that leaves a number wins.
            let candidate = text.dropLast(suffix.count)
            if Double(candidate) != nil {
                number = candidate
                scale = factor
                break
            }
        }
        guard let value = Double(number), value.isFinite, value >= 0 else {
            throw error("expected a duration such as 30s, 250ms, 5m or 7d, got '\(text)'")
        }
        let nanoseconds = (value * scale * 1e9).rounded()
        // About 292 years: past it the count of nanoseconds does not fit.
        guard nanoseconds < 9.2e18 else { throw error("the duration '\(text)' is too long") }
        return .nanoseconds(Int64(nanoseconds))
    }

    // MARK: Collections

    /// The items of a list.
    public func list() throws(ConfigurationError) -> [ConfigurationNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, got \(shownValue)") }
        return sequence.enumerated().map { ConfigurationNode(node: $0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A list of strings (a single string is a list of one).
    public func strings() throws(ConfigurationError) -> [String] {
        if case .scalar = node { return [try string()] }
        var values: [String] = []
        for item in try list() { values.append(try item.string()) }
        return values
    }

    /// The entries of a mapping, in file order, with string keys.
    public func entries() throws(ConfigurationError) -> [(key: String, value: ConfigurationNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, got \(shownValue)") }
        var result: [(key: String, value: ConfigurationNode)] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw ConfigurationError(line: key.mark?.line, path: path, message: "keys must be strings")
            }
            let child = ConfigurationNode(node: value, path: path.isEmpty ? scalar.string : "\(path).\(scalar.string)")
            guard seen.insert(scalar.string).inserted else { throw child.error("the key appears twice") }
            result.append((scalar.string, child))
        }
        return result
    }

    /// A mapping read key by key; `allowed` lists every key that may appear (others are errors naming them).
    public func object(_ allowed: [String]) throws(ConfigurationError) -> ConfigurationObject {
        let entries = try entries()
        for entry in entries where !allowed.contains(entry.key) {
            throw entry.value.error("unknown key; expected one of \(allowed.joined(separator: ", "))")
        }
        return ConfigurationObject(node: self, entries: entries)
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    static func reason(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }
}

/// A mapping whose keys were checked by ``ConfigurationNode/object(_:)``.
public struct ConfigurationObject {
    public let node: ConfigurationNode
    let entries: [(key: String, value: ConfigurationNode)]

    /// The value of `key`, or nil when absent (or `null`).
    public subscript(key: String) -> ConfigurationNode? {
        guard let value = entries.first(where: { $0.key == key })?.value else { return nil }
        if case .scalar(let scalar) = value.node, scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
            return nil
        }
        return value
    }

    /// The value of a key that must be present.
    public func required(_ key: String) throws(ConfigurationError) -> ConfigurationNode {
        guard let value = self[key] else { throw node.error("missing required key '\(key)'") }
        return value
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

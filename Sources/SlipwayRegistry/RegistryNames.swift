import Foundation

/// The syntax of every name the registry stores, checked in one place so that every store and every
/// transport rejects the same inputs with the same message.
public enum RegistryNames {
    /// Model names: `[a-z0-9][a-z0-9._-]{0,63}`.
    public static func validateModelName(_ name: String) throws(RegistryError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw .invalidArgument("invalid model name '': a name must not be empty") }
        guard bytes.count <= 64 else {
            throw .invalidArgument("invalid model name '\(name)': at most 64 characters, got \(bytes.count)")
        }
        guard isLowerAlnum(bytes[0]) else {
            throw .invalidArgument("invalid model name '\(name)': it must start with a lowercase letter or a digit")
        }
        for b in bytes where !(isLowerAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")) {
            throw .invalidArgument(
                "invalid model name '\(name)': only lowercase letters, digits, '.', '_' and '-' are allowed (pattern [a-z0-9][a-z0-9._-]{0,63})")
        }
    }

    /// Alias names: `[a-z][a-z0-9_-]{0,62}` (a letter first, so an alias is never mistaken for a version number).
    public static func validateAlias(_ alias: String) throws(RegistryError) {
        let bytes = Array(alias.utf8)
        guard !bytes.isEmpty else { throw .invalidArgument("invalid alias '': an alias must not be empty") }
        guard bytes.count <= 63 else { throw .invalidArgument("invalid alias '\(alias)': at most 63 characters, got \(bytes.count)") }
        guard bytes[0] >= UInt8(ascii: "a") && bytes[0] <= UInt8(ascii: "z") else {
            throw .invalidArgument("invalid alias '\(alias)': it must start with a lowercase letter")
        }
        for b in bytes where !(isLowerAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")) {
            throw .invalidArgument(
                "invalid alias '\(alias)': only lowercase letters, digits, '_' and '-' are allowed (pattern [a-z][a-z0-9_-]{0,62})")
        }
    }

    /// Keys of tags, parameters and metrics: 1–250 characters from `[A-Za-z0-9_.:/-]`.
    public static func validateKey(_ key: String, kind: String) throws(RegistryError) {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty else { throw .invalidArgument("invalid \(kind) key '': a key must not be empty") }
        guard bytes.count <= 250 else { throw .invalidArgument("invalid \(kind) key '\(key)': at most 250 characters, got \(bytes.count)") }
        for b in bytes where !(isLowerAlnum(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || Array("_.:/-".utf8).contains(b)) {
            throw .invalidArgument("invalid \(kind) key '\(key)': only letters, digits and '_', '.', ':', '/', '-' are allowed")
        }
    }

    /// Values of tags and parameters: at most 5000 bytes, no control characters.
    public static func validateValue(_ value: String, key: String, kind: String) throws(RegistryError) {
        guard value.utf8.count <= 5000 else {
            throw .invalidArgument("\(kind) '\(key)': the value is \(value.utf8.count) bytes long, at most 5000 are allowed")
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidArgument("\(kind) '\(key)': the value contains a control character")
        }
    }

    /// A lowercase hexadecimal SHA-256 digest (64 characters); uppercase input is accepted and lowered.
    public static func normalizeDigest(_ digest: String, field: String) throws(RegistryError) -> String {
        let lowered = digest.lowercased()
        let hex = Array("0123456789abcdef".utf8)
        guard lowered.utf8.count == 64, lowered.utf8.allSatisfy({ hex.contains($0) }) else {
            throw .invalidArgument("\(field) '\(digest)' is not a SHA-256 digest: expected 64 hexadecimal characters")
        }
        return lowered
    }

    /// Parses `key=value` (the value may be empty and may contain '='), checking the key and the value.
    public static func parseAssignment(_ text: String, kind: String) throws(RegistryError) -> (key: String, value: String) {
        guard let eq = text.firstIndex(of: "=") else {
            throw .invalidArgument("invalid \(kind) '\(text)': expected key=value")
        }
        let key = String(text[..<eq])
        let value = String(text[text.index(after: eq)...])
        try validateKey(key, kind: kind)
        try validateValue(value, key: key, kind: kind)
        return (key, value)
    }

    /// Parses a list of `key=value` texts into a dictionary; a key given twice is an error.
    public static func parseAssignments(_ texts: [String], kind: String) throws(RegistryError) -> [String: String] {
        var result: [String: String] = [:]
        for text in texts {
            let (key, value) = try parseAssignment(text, kind: kind)
            guard result[key] == nil else { throw .invalidArgument("\(kind) '\(key)' is given twice") }
            result[key] = value
        }
        return result
    }

    /// Parses `name=number` metrics; the number must be finite.
    public static func parseMetrics(_ texts: [String]) throws(RegistryError) -> [String: Double] {
        var result: [String: Double] = [:]
        for (key, value) in try parseAssignments(texts, kind: "metric") {
            guard let number = Double(value.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                throw .invalidArgument("metric '\(key)': '\(value)' is not a finite number")
            }
            result[key] = number
        }
        return result
    }

    static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}

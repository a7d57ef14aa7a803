/// An error from the model registry: a code saying whose fault it is, and a message that names the
/// field and the value at fault. Transports map the code in one place each (HTTP status, CLI exit code).
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Unknown model, version or alias.
        case notFound = "not_found"
        /// The request collides with what is stored (a taken alias target, a duplicate artifact, an archived version).
        case conflict
        /// A malformed name, selector, tag, parameter, metric, file or dataset.
        case invalidArgument = "invalid_argument"
        /// A stored artifact no longer matches its recorded SHA-256 or size (tampered or truncated).
        case integrity
        /// The storage itself failed (disk, database): not the caller's fault.
        case storage
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func notFound(_ message: String) -> RegistryError { RegistryError(.notFound, message) }
    public static func conflict(_ message: String) -> RegistryError { RegistryError(.conflict, message) }
    public static func invalidArgument(_ message: String) -> RegistryError { RegistryError(.invalidArgument, message) }
    public static func integrity(_ message: String) -> RegistryError { RegistryError(.integrity, message) }
    public static func storage(_ message: String) -> RegistryError { RegistryError(.storage, message) }
}

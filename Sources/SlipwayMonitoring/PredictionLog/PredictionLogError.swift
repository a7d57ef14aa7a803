/// A problem with the prediction log: bad input from a client, an unknown model or version, or storage.
public struct PredictionLogError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The request is malformed (HTTP 400, exit 3).
        case badRequest = "bad_request"
        /// Nothing logged for that model or version (HTTP 404, exit 4).
        case notFound = "not_found"
        /// A stored row cannot be read back (HTTP 500).
        case corrupt
        /// SQLite failed (disk full, permissions; HTTP 500).
        case storage
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

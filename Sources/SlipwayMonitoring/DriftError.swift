/// An error from the monitoring library: bad input data or parameters, or a missing file.
public struct DriftError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        /// The data or a parameter is malformed or does not fit the test (a caller's mistake).
        case invalidInput = "invalid_input"
        /// A named file, column, test or detector does not exist.
        case notFound = "not_found"
        /// The request is valid but not supported yet.
        case unsupported = "unsupported"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> DriftError { DriftError(.invalidInput, message) }
}

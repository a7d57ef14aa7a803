public import SlipwayEngine
public import SlipwayRegistry

/// An error answering an inference or management request. Each code maps to one HTTP status and one
/// CLI exit code, in exactly one place per transport.
public struct InferenceError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The request is malformed or does not fit the model (HTTP 400).
        case badRequest = "bad_request"
        /// Unknown model, version or alias (HTTP 404).
        case notFound = "not_found"
        /// The model file is invalid or unsupported (HTTP 400 at registration, 500 when already registered).
        case invalidModel = "invalid_model"
        /// Overloaded or not ready; retry later (HTTP 503).
        case unavailable = "unavailable"
        /// The request body is larger than allowed (HTTP 413).
        case payloadTooLarge = "payload_too_large"
        /// A stored artifact no longer matches its recorded hash or size: tampered or truncated (HTTP 500).
        case integrity = "integrity"
        /// The change collides with what the registry holds: a duplicate artifact, an archived version (HTTP 409).
        case conflict = "conflict"
        /// A bug: something that should not happen (HTTP 500).
        case `internal` = "internal"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func badRequest(_ message: String) -> InferenceError { InferenceError(.badRequest, message) }

    /// Translates an engine error: input problems are the caller's, model problems are the model's,
    /// anything else is a bug.
    public init(_ error: EngineError) {
        switch error.code {
        case .invalidInput: self.init(.badRequest, error.message)
        case .invalidModel, .unsupportedOperator: self.init(.invalidModel, error.message)
        default: self.init(.internal, error.message)
        }
    }

    /// Translates a registry error, in this one place: unknown names are not found, malformed requests are
    /// bad requests, collisions are conflicts, corrupt artifacts are integrity failures, storage failures are internal.
    public init(_ error: RegistryError) {
        switch error.code {
        case .notFound: self.init(.notFound, error.message)
        case .conflict: self.init(.conflict, error.message)
        case .invalidArgument: self.init(.badRequest, error.message)
        case .integrity: self.init(.integrity, error.message)
        case .storage: self.init(.internal, error.message)
        }
    }

    /// Wraps any error thrown while serving a request.
    public static func wrap(_ error: any Error) -> InferenceError {
        if let e = error as? InferenceError { return e }
        if let e = error as? EngineError { return InferenceError(e) }
        if let e = error as? RegistryError { return InferenceError(e) }
        if let e = error as? ConfigurationError { return InferenceError(.badRequest, e.description) }
        return InferenceError(.internal, "\(error)")
    }
}

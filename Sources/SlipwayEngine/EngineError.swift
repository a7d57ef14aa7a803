/// Every error the engine throws: a code saying what kind of failure, a message naming the node,
/// operator, input or field at fault.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; each code maps to one HTTP status and one CLI exit code elsewhere.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        /// The model file is not a valid model (bad bytes, cycles, dangling edges, bad attributes).
        public static let invalidModel = Code("invalid_model")
        /// The model uses operators, domains or opsets the engine does not support.
        public static let unsupportedOperator = Code("unsupported_operator")
        /// A request's inputs do not fit the model (names, types, shapes, values).
        public static let invalidInput = Code("invalid_input")
        /// A kernel failed while running on inputs that passed validation (e.g. an index out of range).
        public static let runtimeFailure = Code("runtime_failure")
        public var description: String { name }

        public static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? EngineError)?.code == pattern
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func invalidModel(_ message: String) -> EngineError { EngineError(.invalidModel, message) }
    public static func invalidInput(_ message: String) -> EngineError { EngineError(.invalidInput, message) }
    public static func runtime(_ message: String) -> EngineError { EngineError(.runtimeFailure, message) }

    /// The same error with a prefix naming where it happened (`node "conv1" (Conv): ...`).
    public func prefixed(_ context: String) -> EngineError {
        EngineError(code, "\(context): \(message)")
    }
}

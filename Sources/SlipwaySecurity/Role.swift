/// What a caller may do. Each role includes the ones below it: `admin` ⊃ `deployer` ⊃ `predictor` ⊃ `viewer`
/// is not assumed; the route table says which roles each route admits.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// Keys and everything else.
    case admin
    /// Register, alias, tag, archive.
    case deployer
    /// Inference and feedback.
    case predictor
    /// Metadata, statistics, quality, drift, reports.
    case viewer

    /// Parses a role name, naming the allowed ones on failure.
    public init(parsing text: String) throws(SecurityError) {
        guard let role = Role(rawValue: text) else {
            throw SecurityError(.invalidArgument, "unknown role '\(text)'; expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = role
    }
}

/// A security failure: what went wrong and the message to show.
public struct SecurityError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// A bad argument (unknown role, bad expiry).
        case invalidArgument
        /// No or an unknown credential (HTTP 401).
        case unauthenticated
        /// A known credential without the right role or model (HTTP 403).
        case forbidden
        /// Not found (an unknown key id).
        case notFound
        /// Stored data failed an integrity check (a broken audit chain, a bad ciphertext).
        case integrity
        /// Storage failed (HTTP 503: the action is not carried out without its audit entry).
        case storage
        /// Too many requests for the caller's rate limit (HTTP 429 with `Retry-After`).
        case rateLimited
    }

    public var code: Code
    public var message: String
    /// Seconds to wait before retrying, for ``Code/rateLimited``.
    public var retryAfter: Int?

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}

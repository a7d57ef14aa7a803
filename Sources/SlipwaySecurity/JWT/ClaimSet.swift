public import JWTKit

/// A claim's value, as far as Slipway reads it.
public enum ClaimValue: Sendable, Hashable, Codable {
    case string(String)
    case strings([String])
    case number(Double)
    case bool(Bool)
    /// Anything else (objects, mixed lists): kept as present, not read.
    case other

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([String].self) {
            self = .strings(value)
        } else {
            self = .other
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .other: try container.encodeNil()
        }
    }

    var strings: [String]? {
        switch self {
        case .string(let value): [value]
        case .strings(let values): values
        default: nil
        }
    }
}

/// Every claim of a token, by name (the role claim's name is configured, so claims are not fixed fields).
/// Time, issuer and audience are checked by ``JWTVerifier`` after the signature.
public struct ClaimSet: JWTPayload, Hashable {
    public var claims: [String: ClaimValue]

    public init(_ claims: [String: ClaimValue]) {
        self.claims = claims
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var claims: [String: ClaimValue] = [:]
        for key in container.allKeys { claims[key.stringValue] = (try? container.decode(ClaimValue.self, forKey: key)) ?? .other }
        self.claims = claims
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in claims { try container.encode(value, forKey: Key(stringValue: name)) }
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

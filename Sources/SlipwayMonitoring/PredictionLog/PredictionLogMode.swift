/// Which predictions of a model are written to the prediction log (`log:` in the configuration).
public enum PredictionLogMode: Sendable, Hashable, CustomStringConvertible {
    /// Every request.
    case all
    /// Each request with this probability (0 < rate ≤ 1).
    case sample(Double)
    /// None (metrics are still recorded).
    case none

    /// Parses `all`, `none` or `sample(0.1)`; nil for anything else.
    public init?(parsing text: String) {
        let trimmed = text.filter { !$0.isWhitespace }
        switch trimmed {
        case "all": self = .all
        case "none": self = .none
        default:
            guard trimmed.hasPrefix("sample("), trimmed.hasSuffix(")"),
                let rate = Double(trimmed.dropFirst("sample(".count).dropLast()), rate > 0, rate <= 1
            else { return nil }
            self = .sample(rate)
        }
    }

    public var description: String {
        switch self {
        case .all: "all"
        case .none: "none"
        case .sample(let rate): "sample(\(rate))"
        }
    }

    /// Whether to keep a request, given a uniform random number in [0, 1) (drawn only when sampling).
    public func keeps(random: @autoclosure () -> Double) -> Bool {
        switch self {
        case .all: true
        case .none: false
        case .sample(let rate): random() < rate
        }
    }
}

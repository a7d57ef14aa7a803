/// How a score is compared with its threshold to decide drift.
public enum DriftRule: String, Sendable {
    case lessThan = "score < threshold"
    case lessOrEqual = "score <= threshold"
    case greaterOrEqual = "score >= threshold"
    case greaterThan = "score > threshold"

    /// Whether `score` means drift; a NaN score never does.
    public func drifted(score: Double, threshold: Double) -> Bool {
        switch self {
        case .lessThan: score < threshold
        case .lessOrEqual: score <= threshold
        case .greaterOrEqual: score >= threshold
        case .greaterThan: score > threshold
        }
    }
}

/// Evidently's drift tests, by registry name.
public enum StatTestKind: String, Sendable, CaseIterable {
    case ks, chisquare, z, wasserstein, psi, jensenshannon
    case klDiv = "kl_div"
    case hellinger, anderson
    case cramerVonMises = "cramer_von_mises"
    case mannw
    case tTest = "t_test"
    case ed, es
    case empiricalMMD = "empirical_mmd"
    case fisherExact = "fisher_exact"
    case gTest = "g_test"
    case tvd = "TVD"

    /// Looks a test up by its registry name or one of Evidently's aliases.
    public init?(name: String) {
        if let kind = StatTestKind(rawValue: name) {
            self = kind
            return
        }
        switch name {
        case "kullback_leibler": self = .klDiv
        case "mann_whitney_u": self = .mannw
        case "energy_dist": self = .ed
        case "epps_singleton": self = .es
        case "total_variation_distance", "tvd": self = .tvd
        default: return nil
        }
    }

    public var defaultThreshold: Double {
        switch self {
        case .ks, .chisquare, .z, .mannw, .tTest, .es: 0.05
        default: 0.1
        }
    }

    public var rule: DriftRule {
        switch self {
        case .ks, .cramerVonMises: .lessOrEqual
        case .chisquare, .z, .anderson, .mannw, .tTest, .es, .empiricalMMD, .fisherExact, .gTest, .tvd: .lessThan
        case .wasserstein, .psi, .jensenshannon, .klDiv, .hellinger: .greaterOrEqual
        case .ed: .greaterThan
        }
    }

    /// Evidently's display name ("Wasserstein distance (normed)").
    public var displayName: String {
        switch self {
        case .ks: "K-S p_value"
        case .chisquare: "chi-square p_value"
        case .z: "Z-test p_value"
        case .wasserstein: "Wasserstein distance (normed)"
        case .psi: "PSI"
        case .jensenshannon: "Jensen-Shannon distance"
        case .klDiv: "Kullback-Leibler divergence"
        case .hellinger: "Hellinger distance"
        case .anderson: "Anderson-Darling"
        case .cramerVonMises: "Cramer-von Mises"
        case .mannw: "Mann-Whitney U-rank test"
        case .tTest: "t_test"
        case .ed: "Energy-distance"
        case .es: "Epps-Singleton"
        case .empiricalMMD: "empirical_mmd"
        case .fisherExact: "Fisher's Exact test"
        case .gTest: "g_test"
        case .tvd: "Total-Variation-Distance"
        }
    }

    /// Whether the score is a p-value (small = drift) rather than a distance (large = drift).
    public var scoreIsPValue: Bool { rule == .lessThan || rule == .lessOrEqual }

    /// Whether the test may be asked for by name on a column of this kind.
    public func supports(_ kind: ColumnKind) -> Bool {
        switch self {
        case .psi, .jensenshannon, .klDiv, .hellinger: kind == .numerical || kind == .categorical
        case .chisquare, .z, .fisherExact, .gTest, .tvd: kind == .categorical
        default: kind == .numerical
        }
    }
}

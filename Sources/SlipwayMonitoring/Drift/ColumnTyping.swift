/// The drift type of a column (Evidently's `infer_column_type`, from the **current** dataset).
public enum ColumnKind: String, Sendable {
    case numerical = "num"
    case categorical = "cat"
    /// Strings with more than half distinct values; Evidently tests them with text tests (not supported).
    case text
}

public enum ColumnTyping {
    /// `INTEGER_CARDINALITY_LIMIT`: an int column with at most this many distinct values is categorical.
    public static let integerCardinalityLimit = 10

    /// Infers a column's kind from its pandas dtype and values: float → numerical; int → categorical when
    /// `nunique() <= 10`, else numerical; string → text when `nunique() > 0.5 * count()`, else categorical;
    /// bool → categorical.
    public static func kind(of column: DataColumn) -> ColumnKind {
        switch column.dtype {
        case .float64: return .numerical
        case .int64: return column.uniqueCount <= integerCardinalityLimit ? .categorical : .numerical
        case .bool: return .categorical
        case .object:
            return Double(column.uniqueCount) > Double(column.nonMissingCount) * 0.5 ? .text : .categorical
        }
    }

    /// Evidently's default test (`_get_default_stattest`) from the cleaned reference size and the number of
    /// distinct values of cleaned reference ++ current.
    public static func defaultTest(kind: ColumnKind, referenceCount nRef: Int, distinctCombined nValues: Int)
        -> StatTestKind
    {
        if nRef <= 1000 {
            switch kind {
            case .numerical: return nValues <= 5 ? (nValues > 2 ? .chisquare : .z) : .ks
            case .categorical, .text: return nValues > 2 ? .chisquare : .z
            }
        }
        switch kind {
        case .numerical: return nValues <= 5 ? .jensenshannon : .wasserstein
        case .categorical, .text: return .jensenshannon
        }
    }
}

import RealModule

/// The names of the live quality metrics.
public enum QualityMetricName {
    public static let classification = ["accuracy", "precision_macro", "recall_macro", "f1_macro", "log_loss", "roc_auc"]
    public static let regression = ["mae", "rmse", "r2", "mape"]
    public static let all = classification + regression
}

/// Quality metrics computed exactly as scikit-learn computes them (1.x defaults), so the numbers match
/// `sklearn.metrics` on the same data.
public enum QualityMetrics {
    /// `accuracy_score`.
    public static func accuracy(_ truth: [String], _ predicted: [String]) -> Double? {
        guard !truth.isEmpty, truth.count == predicted.count else { return nil }
        return Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(truth.count)
    }

    /// `precision_score`, `recall_score`, `f1_score` with `average="macro"`: per class over the sorted union
    /// of true and predicted labels, 0 where a ratio is 0/0 (`zero_division="warn"` returns 0), then the mean.
    public static func macro(_ truth: [String], _ predicted: [String]) -> (precision: Double, recall: Double, f1: Double)? {
        guard !truth.isEmpty, truth.count == predicted.count else { return nil }
        let classes = Set(truth).union(predicted)
        var tp: [String: Int] = [:]
        var fp: [String: Int] = [:]
        var fn: [String: Int] = [:]
        for (t, p) in zip(truth, predicted) {
            if t == p {
                tp[t, default: 0] += 1
            } else {
                fp[p, default: 0] += 1
                fn[t, default: 0] += 1
            }
        }
        var precision = 0.0
        var recall = 0.0
        var f1 = 0.0
        for c in classes {
            let tpc = Double(tp[c] ?? 0)
            let fpc = Double(fp[c] ?? 0)
            let fnc = Double(fn[c] ?? 0)
            precision += tpc + fpc > 0 ? tpc / (tpc + fpc) : 0
            recall += tpc + fnc > 0 ? tpc / (tpc + fnc) : 0
            f1 += 2 * tpc + fpc + fnc > 0 ? 2 * tpc / (2 * tpc + fpc + fnc) : 0
        }
        let n = Double(classes.count)
        return (precision / n, recall / n, f1 / n)
    }

    /// `log_loss(y_true, y_proba, labels=range(C))`: the mean of -log(p[true class]), probabilities clipped to
    /// [eps, 1 - eps] with float64's eps. `truthIndex[i]` is the column of example i's true class.
    public static func logLoss(truthIndex: [Int], probabilities: [[Double]]) -> Double? {
        guard !truthIndex.isEmpty, truthIndex.count == probabilities.count else { return nil }
        let eps = Double.ulpOfOne
        var total = 0.0
        for (index, row) in zip(truthIndex, probabilities) {
            guard index >= 0, index < row.count else { return nil }
            total -= Double.log(min(max(row[index], eps), 1 - eps))
        }
        return total / Double(truthIndex.count)
    }

    /// `roc_auc_score` for a binary problem: the probability that a random positive scores above a random
    /// negative, ties counting one half (average ranks). nil when only one class is present (scikit-learn
    /// raises there).
    public static func rocAUC(positive: [Bool], scores: [Double]) -> Double? {
        guard positive.count == scores.count else { return nil }
        let positives = positive.filter { $0 }.count
        let negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = rank }
            i = j + 1
        }
        var positiveRankSum = 0.0
        for (index, isPositive) in positive.enumerated() where isPositive { positiveRankSum += ranks[index] }
        let p = Double(positives)
        return (positiveRankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// `mean_absolute_error`, `root_mean_squared_error`, `r2_score` (1.0 when the truth is constant and
    /// predicted exactly, else 0.0 there, as `force_finite=True`), `mean_absolute_percentage_error`
    /// (|y - ŷ| / max(|y|, eps)).
    public static func regression(_ truth: [Double], _ predicted: [Double]) -> [String: Double]? {
        guard !truth.isEmpty, truth.count == predicted.count else { return nil }
        let n = Double(truth.count)
        var absolute = 0.0
        var squared = 0.0
        var percentage = 0.0
        for (t, p) in zip(truth, predicted) {
            absolute += abs(t - p)
            squared += (t - p) * (t - p)
            percentage += abs(t - p) / max(abs(t), Double.ulpOfOne)
        }
        let mean = truth.reduce(0, +) / n
        let total = truth.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let r2: Double
        if total == 0 {
            r2 = squared == 0 ? 1 : 0
        } else {
            r2 = 1 - squared / total
        }
        return ["mae": absolute / n, "rmse": (squared / n).squareRoot(), "r2": r2, "mape": percentage / n]
    }
}

/// Live quality of one model version: `GET /api/v1/models/NAME/quality`.
public struct QualityReport: Sendable {
    public var model: String
    public var version: Int
    public var task: OutputRoles.Task
    /// Labeled examples the metrics were computed from.
    public var labeled: Int
    /// Metric name → value; a metric that is undefined on the data (roc_auc with one class) is left out.
    public var metrics: [String: Double]

    public init(model: String, version: Int, task: OutputRoles.Task, labeled: Int, metrics: [String: Double]) {
        self.model = model
        self.version = version
        self.task = task
        self.labeled = labeled
        self.metrics = metrics
    }
}

/// Computes a ``QualityReport`` from labeled predictions.
public enum QualityEvaluator {
    /// - Parameters:
    ///   - predictions: labeled predictions of one version, newest first (as ``PredictionLogStore`` returns them).
    ///   - roles: the configured output roles; what is unset is read from the outputs.
    ///   - limit: at most this many examples, the newest (for `last=N`).
    public static func evaluate(
        model: String, version: Int, predictions: [StoredPrediction], roles configured: OutputRoles, limit: Int? = nil
    ) throws(PredictionLogError) -> QualityReport {
        guard let first = predictions.first else {
            throw PredictionLogError(.notFound, "no labeled predictions for model '\(model)' version \(version) in that window")
        }
        let roles = configured.resolved(for: first.entry.outputs)
        // Examples, oldest first.
        var truths: [LabelValue] = []
        var labels: [LabelValue] = []
        var scores: [[Double]] = []
        var values: [Double] = []
        for prediction in predictions.reversed() {
            guard let given = prediction.labels else { continue }
            let outputs = prediction.entry.outputs
            switch roles.task {
            case .classification:
                guard let name = roles.label, let output = outputs.first(where: { $0.name == name }) else {
                    throw PredictionLogError(
                        .badRequest, "model '\(model)' has no label output \(roles.label.map { "'\($0)'" } ?? "") to compare labels with")
                }
                let probabilityOutput = roles.probabilities.flatMap { name in outputs.first { $0.name == name } }
                for (row, truth) in given.enumerated() {
                    guard let predicted = output.cell(at: row * output.elementsPerRow) else { continue }
                    truths.append(truth)
                    labels.append(predicted)
                    if let probabilityOutput {
                        let c = probabilityOutput.elementsPerRow
                        scores.append((0..<c).map { probabilityOutput.number(at: row * c + $0) ?? 0 })
                    }
                }
            case .regression:
                guard let name = roles.value, let output = outputs.first(where: { $0.name == name }) else {
                    throw PredictionLogError(.badRequest, "model '\(model)' has no value output to compare labels with")
                }
                for (row, truth) in given.enumerated() {
                    guard let predicted = output.number(at: row * output.elementsPerRow), let number = truth.number else { continue }
                    truths.append(.number(number))
                    values.append(predicted)
                }
            case nil:
                throw PredictionLogError(
                    .badRequest,
                    "cannot tell whether model '\(model)' is a classifier or a regressor from its outputs; set quality.task in the configuration")
            }
        }
        if let limit, truths.count > limit {
            let drop = truths.count - limit
            truths.removeFirst(drop)
            if !labels.isEmpty { labels.removeFirst(drop) }
            if !scores.isEmpty { scores.removeFirst(drop) }
            if !values.isEmpty { values.removeFirst(drop) }
        }
        var metrics: [String: Double] = [:]
        switch roles.task {
        case .regression:
            metrics = QualityMetrics.regression(truths.compactMap(\.number), values) ?? [:]
            return QualityReport(model: model, version: version, task: .regression, labeled: truths.count, metrics: metrics)
        default:
            let truth = truths.map(\.classKey)
            let predicted = labels.map(\.classKey)
            metrics["accuracy"] = QualityMetrics.accuracy(truth, predicted)
            if let macro = QualityMetrics.macro(truth, predicted) {
                metrics["precision_macro"] = macro.precision
                metrics["recall_macro"] = macro.recall
                metrics["f1_macro"] = macro.f1
            }
            if let columns = scores.first?.count, scores.count == truth.count,
                let classes = classOrder(roles.classes, columns: columns, seen: Set(truth).union(predicted))
            {
                let index = Dictionary(classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
                let truthIndex = truth.map { index[$0] ?? -1 }
                if !truthIndex.contains(-1) {
                    metrics["log_loss"] = QualityMetrics.logLoss(truthIndex: truthIndex, probabilities: scores)
                    if columns == 2 {
                        metrics["roc_auc"] = QualityMetrics.rocAUC(positive: truthIndex.map { $0 == 1 }, scores: scores.map { $0[1] })
                    }
                }
            }
            return QualityReport(model: model, version: version, task: .classification, labeled: truth.count, metrics: metrics)
        }
    }

    /// The class of each probability column: the configured list, else 0…C-1 when every class seen is such an
    /// integer, else the sorted class names when there are exactly C of them.
    static func classOrder(_ configured: [String]?, columns: Int, seen: Set<String>) -> [String]? {
        if let configured { return configured.count == columns ? configured : nil }
        let integers = (0..<columns).map(String.init)
        if seen.isSubset(of: Set(integers)) { return integers }
        return seen.count == columns ? seen.sorted() : nil
    }
}

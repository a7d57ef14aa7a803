/// The error stream concept-drift detectors read, from labelled predictions: per example, 0 (right) or 1
/// (wrong) for a classifier, the absolute error for a regressor. The predicted value is read through the
/// quality output roles (``OutputRoles/resolved(for:)``), the way live quality reads it, and labels compare
/// as quality compares them (``LabelValue/classKey``).
public enum OutcomeErrors {
    /// One example's error, or why a prediction gives none.
    public enum Failure: Error, Sendable, Equatable {
        /// The outputs do not say which one holds the prediction (set `quality.task` and the roles).
        case unknownTask
        /// The role's output is not among the logged outputs.
        case missingOutput(String)
        /// A regressor with a detector that takes only 0/1 errors.
        case realErrorsUnsupported(DetectorKind)
    }

    /// The errors of `prediction`'s examples that have a label and a predicted value, in example order.
    public static func errors(
        of prediction: StoredPrediction, roles configured: OutputRoles, detector: DetectorKind
    ) -> Result<[Double], Failure> {
        guard let labels = prediction.labels else { return .success([]) }
        let outputs = prediction.entry.outputs
        let roles = configured.resolved(for: outputs)
        var errors: [Double] = []
        errors.reserveCapacity(labels.count)
        switch roles.task {
        case .classification:
            guard let name = roles.label, let output = outputs.first(where: { $0.name == name }) else {
                return .failure(.missingOutput(roles.label ?? "label"))
            }
            for (row, truth) in labels.enumerated() {
                guard let predicted = output.cell(at: row * output.elementsPerRow) else { continue }
                errors.append(predicted.classKey == truth.classKey ? 0 : 1)
            }
        case .regression:
            guard detector.takesRealErrors else { return .failure(.realErrorsUnsupported(detector)) }
            guard let name = roles.value, let output = outputs.first(where: { $0.name == name }) else {
                return .failure(.missingOutput(roles.value ?? "value"))
            }
            for (row, truth) in labels.enumerated() {
                guard let predicted = output.number(at: row * output.elementsPerRow), let number = truth.number else { continue }
                let error = abs(predicted - number)
                if error.isFinite { errors.append(error) }
            }
        case nil:
            return .failure(.unknownTask)
        }
        return .success(errors)
    }
}

extension OutcomeErrors.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownTask:
            "cannot tell whether the model is a classifier or a regressor from its outputs; set quality.task in the configuration"
        case .missingOutput(let name): "the model has no output '\(name)' to compare labels with"
        case .realErrorsUnsupported(let kind):
            "\(kind.rawValue) reads 0/1 errors, but the model is a regressor; use adwin, page_hinkley or kswin for absolute errors"
        }
    }
}

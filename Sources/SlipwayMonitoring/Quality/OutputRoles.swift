/// Which outputs of a model hold the predicted label, the class scores or the regression value.
public struct OutputRoles: Sendable, Hashable {
    public enum Task: String, Sendable, Hashable {
        case classification, regression
    }

    public var task: Task?
    /// The `[N]` label output (classification).
    public var label: String?
    /// The `[N, C]` class probability output (classification).
    public var probabilities: String?
    /// The `[N]` or `[N, 1]` value output (regression).
    public var value: String?
    /// Class names in probability-column order; nil to read them from the labels (integers 0…C-1 are
    /// their own columns, otherwise the sorted class names, as scikit-learn orders `classes_`).
    public var classes: [String]?

    public init(task: Task? = nil, label: String? = nil, probabilities: String? = nil, value: String? = nil, classes: [String]? = nil) {
        self.task = task
        self.label = label
        self.probabilities = probabilities
        self.value = value
        self.classes = classes
    }

    /// Fills in what is not set from the outputs of a logged prediction, by the skl2onnx and onnxmltools
    /// conventions: an integer or string `[N]` output is the label and a float `[N, C]` output the
    /// probabilities (classification); a single float `[N]` or `[N, 1]` output is the value (regression).
    public func resolved(for outputs: [LoggedTensor]) -> OutputRoles {
        var roles = self
        let labelLike = outputs.first { !$0.isFloatingPoint && $0.shape.count == 1 }
        let scoreLike = outputs.first { $0.isFloatingPoint && $0.shape.count == 2 && ($0.shape.last ?? 0) > 1 }
        let valueLike = outputs.first { $0.isFloatingPoint && ($0.shape.count == 1 || ($0.shape.count == 2 && $0.shape.last == 1)) }
        if roles.task == nil {
            if roles.label != nil || roles.probabilities != nil || labelLike != nil {
                roles.task = .classification
            } else if roles.value != nil || valueLike != nil {
                roles.task = .regression
            }
        }
        switch roles.task {
        case .classification:
            if roles.label == nil { roles.label = labelLike?.name }
            if roles.probabilities == nil { roles.probabilities = scoreLike?.name }
        case .regression:
            if roles.value == nil { roles.value = valueLike?.name }
        case nil:
            break
        }
        return roles
    }
}

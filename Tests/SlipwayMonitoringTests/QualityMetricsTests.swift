import Foundation
import SlipwayMonitoring
import SlipwayTestSupport
import Testing

/// Live quality equals scikit-learn's numbers on the same data. The data and the reference values come from
/// `Tests/Oracles/quality_metrics.py`; when a Python with scikit-learn is available (`SLIPWAY_SKLEARN_PYTHON`,
/// else `/tmp/venv-examples/bin/python`) the script is run and its output used, otherwise the values below,
/// pasted from its output (scikit-learn 1.9.1):
/// ```
/// binary:     accuracy 0.6363636363636364, precision_macro 0.6607142857142857, recall_macro 0.65,
///             f1_macro 0.6333333333333333, log_loss 3.7197923853887516, roc_auc 0.6666666666666666
/// multiclass: accuracy 0.5, precision_macro 0.39166666666666666, recall_macro 0.41666666666666663,
///             f1_macro 0.3916666666666666, log_loss 0.7978008708353336
/// regression: mae 0.4583333333333333, rmse 0.5496210815947049, r2 0.9534883720930233, mape 375299968947541.56
/// ```
@Suite struct QualityMetricsTests {
    static let multiclassTruth = [0, 1, 2, 2, 1, 0, 3, 1, 0, 2]
    static let multiclassPredicted = [0, 1, 1, 2, 1, 0, 1, 2, 1, 0]
    static let multiclassProbabilities: [[Double]] = [
        [0.7, 0.1, 0.1, 0.1], [0.1, 0.6, 0.2, 0.1], [0.2, 0.5, 0.2, 0.1], [0.1, 0.1, 0.7, 0.1],
        [0.05, 0.8, 0.1, 0.05], [0.9, 0.05, 0.03, 0.02], [0.1, 0.4, 0.2, 0.3], [0.1, 0.3, 0.5, 0.1],
        [0.3, 0.4, 0.2, 0.1], [0.4, 0.2, 0.3, 0.1],
    ]
    static let binaryTruth = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1]
    static let binaryScores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.4, 0.2, 0.65, 0.55, 0.0]
    static let regressionTruth = [3.0, -0.5, 2.0, 7.0, 4.25, 0.0]
    static let regressionPredicted = [2.5, 0.0, 2.0, 8.0, 4.0, 0.5]

    static let pasted: [String: [String: Double]] = [
        "binary": [
            "accuracy": 0.6363636363636364, "precision_macro": 0.6607142857142857, "recall_macro": 0.65,
            "f1_macro": 0.6333333333333333, "log_loss": 3.7197923853887516, "roc_auc": 0.6666666666666666,
        ],
        "multiclass": [
            "accuracy": 0.5, "precision_macro": 0.39166666666666666, "recall_macro": 0.41666666666666663,
            "f1_macro": 0.3916666666666666, "log_loss": 0.7978008708353336,
        ],
        "regression": ["mae": 0.4583333333333333, "rmse": 0.5496210815947049, "r2": 0.9534883720930233, "mape": 375299968947541.56],
    ]

    /// The script's output when scikit-learn is at hand, else the pasted values.
    static func reference() -> [String: [String: Double]] {
        let env = ProcessInfo.processInfo.environment
        let python = env["SLIPWAY_SKLEARN_PYTHON"] ?? "/tmp/venv-examples/bin/python"
        let script = SharedFixtures.packageRoot.appendingPathComponent("Tests/Oracles/quality_metrics.py")
        guard FileManager.default.isExecutableFile(atPath: python) else { return pasted }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return pasted }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Double]] else {
            return pasted
        }
        return json
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return false }
        return abs(a - b) <= 1e-12 * max(1, abs(b))
    }

    @Test func multiclassMatchesScikitLearn() {
        let expected = Self.reference()["multiclass"] ?? [:]
        let truth = Self.multiclassTruth.map(String.init)
        let predicted = Self.multiclassPredicted.map(String.init)
        let macro = QualityMetrics.macro(truth, predicted)
        #expect(Self.close(QualityMetrics.accuracy(truth, predicted), expected["accuracy"]))
        #expect(Self.close(macro?.precision, expected["precision_macro"]))
        #expect(Self.close(macro?.recall, expected["recall_macro"]))
        #expect(Self.close(macro?.f1, expected["f1_macro"]))
        #expect(
            Self.close(QualityMetrics.logLoss(truthIndex: Self.multiclassTruth, probabilities: Self.multiclassProbabilities), expected["log_loss"]))
    }

    @Test func binaryMatchesScikitLearnWithTiedScores() {
        let expected = Self.reference()["binary"] ?? [:]
        let truth = Self.binaryTruth.map(String.init)
        let predicted = Self.binaryScores.map { $0 >= 0.5 ? "1" : "0" }
        let macro = QualityMetrics.macro(truth, predicted)
        #expect(Self.close(QualityMetrics.accuracy(truth, predicted), expected["accuracy"]))
        #expect(Self.close(macro?.precision, expected["precision_macro"]))
        #expect(Self.close(macro?.recall, expected["recall_macro"]))
        #expect(Self.close(macro?.f1, expected["f1_macro"]))
        let probabilities = Self.binaryScores.map { [1 - $0, $0] }
        #expect(Self.close(QualityMetrics.logLoss(truthIndex: Self.binaryTruth, probabilities: probabilities), expected["log_loss"]))
        #expect(Self.close(QualityMetrics.rocAUC(positive: Self.binaryTruth.map { $0 == 1 }, scores: Self.binaryScores), expected["roc_auc"]))
    }

    @Test func regressionMatchesScikitLearn() {
        let expected = Self.reference()["regression"] ?? [:]
        let metrics = QualityMetrics.regression(Self.regressionTruth, Self.regressionPredicted) ?? [:]
        for name in ["mae", "rmse", "r2", "mape"] { #expect(Self.close(metrics[name], expected[name]), "\(name)") }
    }

    @Test func undefinedCasesFollowScikitLearn() {
        // One class only: roc_auc is undefined (scikit-learn raises), so it is left out.
        #expect(QualityMetrics.rocAUC(positive: [true, true], scores: [0.2, 0.9]) == nil)
        // Constant truth: r2 is 1 for a perfect prediction, else 0 (force_finite=True).
        #expect(QualityMetrics.regression([2, 2], [2, 2])?["r2"] == 1)
        #expect(QualityMetrics.regression([2, 2], [1, 3])?["r2"] == 0)
        #expect(QualityMetrics.accuracy([], []) == nil)
    }

    @Test func evaluatorReadsRolesFromSkl2onnxOutputs() throws {
        // Two logged requests of a binary classifier: label INT64 [N], probabilities FP32 [N, 2].
        func tensor(_ name: String, _ datatype: String, _ shape: [Int], _ values: [Double]) -> LoggedTensor {
            var bytes: [UInt8] = []
            for v in values {
                if datatype == "INT64" {
                    withUnsafeBytes(of: Int64(v).littleEndian) { bytes += $0 }
                } else {
                    withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes += $0 }
                }
            }
            return LoggedTensor(name: name, datatype: datatype, shape: shape, data: bytes)
        }
        func prediction(_ id: Int64, labels: [Double], scores: [Double], truth: [Int]) -> StoredPrediction {
            let entry = PredictionEntry(
                requestID: "r\(id)", model: "m", version: 1, alias: nil, arrivedAt: 0, status: "ok", latencySeconds: 0,
                inputs: [tensor("X", "FP32", [labels.count, 1], labels)],
                outputs: [tensor("label", "INT64", [labels.count], labels), tensor("probabilities", "FP32", [labels.count, 2], scores)])
            return StoredPrediction(rowID: id, entry: entry, labels: truth.map { .number(Double($0)) })
        }
        let newestFirst = [
            prediction(2, labels: [1, 0], scores: [0.25, 0.75, 0.5, 0.5], truth: [1, 1]),
            prediction(1, labels: [0], scores: [0.75, 0.25], truth: [0]),
        ]
        let report = try QualityEvaluator.evaluate(model: "m", version: 1, predictions: newestFirst, roles: OutputRoles())
        #expect(report.task == .classification)
        #expect(report.labeled == 3)
        #expect(Self.close(report.metrics["accuracy"], 2.0 / 3.0))
        // sklearn: roc_auc_score([0, 1, 1], [0.25, 0.75, 0.5]) == 1.0
        #expect(report.metrics["roc_auc"] == 1.0)
        let last2 = try QualityEvaluator.evaluate(model: "m", version: 1, predictions: newestFirst, roles: OutputRoles(), limit: 2)
        #expect(last2.labeled == 2)
        #expect(last2.metrics["accuracy"] == 0.5)
    }
}

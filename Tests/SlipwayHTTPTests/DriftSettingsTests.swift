import SlipwayMonitoring
import SlipwayRuntime
import Testing

/// The drift keys of a model's configuration (`ModelDriftSettings`): values, inheritance from `defaults`,
/// and errors that name the line and the key.
@Suite struct DriftSettingsTests {
    @Test func everyKeyIsRead() throws {
        let config = try SlipwayConfiguration(
            yaml: """
                defaults:
                  drift_window: 24h
                  retrain_cooldown: 2h
                models:
                  iris:
                    drift_schedule: 15m
                    drift_test: psi
                    drift_threshold: 0.2
                    drift_share: 0.3
                    concept_drift_detector: adwin
                    concept_drift_params: {delta: 0.01}
                    retrain_on: [dataset_drift, quality]
                    retrain_quality_metric: accuracy
                    retrain_quality_below: 0.9
                    retrain_command: [/usr/local/bin/retrain, --model, iris]
                  other:
                    retrain_webhook: https://ci.example.com/hook
                """)
        let iris = config.settings(for: "iris").drift
        #expect(iris.schedule == 900)
        #expect(iris.window == "24h")
        #expect(iris.test == .psi)
        #expect(iris.threshold == 0.2)
        #expect(iris.driftShare == 0.3)
        #expect(iris.conceptDetector == .adwin)
        #expect(iris.conceptParameters == ["delta": "0.01"])
        #expect(iris.retraining.onDatasetDrift && iris.retraining.onQuality && !iris.retraining.onConceptDrift)
        #expect(iris.retraining.qualityThreshold == 0.9)
        #expect(iris.retraining.cooldown == 7200)
        #expect(iris.command == ["/usr/local/bin/retrain", "--model", "iris"])
        let other = config.settings(for: "other").drift
        #expect(other.webhook == "https://ci.example.com/hook")
        #expect(other.schedule == nil)
        #expect(!other.retraining.isEnabled)
        #expect(config.settings(for: "unlisted").drift.window == "24h")
    }

    @Test(arguments: [
        ("drift_test: nope", "unknown test 'nope'"),
        ("drift_window: soon", "window 'soon'"),
        ("drift_share: 0", "expected a share in (0, 1]"),
        ("concept_drift_detector: magic", "expected one of"),
        ("retrain_on: [quality]", "needs retrain_quality_below"),
        ("retrain_webhook: ftp://x", "expected an http:// or https:// URL"),
        ("drift_schedule: 0s", "at least 1s"),
    ])
    func badValuesNameTheKey(line: String, message: String) {
        do {
            _ = try SlipwayConfiguration(yaml: "models:\n  iris:\n    \(line)\n")
            Issue.record("expected an error for \(line)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.line == 3, "\(line)")
        }
    }

    @Test func conceptParametersAreCheckedAgainstTheDetector() {
        #expect(throws: ConfigurationError.self) {
            try SlipwayConfiguration(yaml: "models:\n  m:\n    concept_drift_detector: ddm\n    concept_drift_params: {bogus: 1}\n")
        }
    }
}

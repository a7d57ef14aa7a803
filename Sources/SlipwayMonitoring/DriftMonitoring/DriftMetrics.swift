import Metrics

/// The drift gauges, through swift-metrics (the server's Prometheus backend exports them):
/// `slipway_drift_share{model,version}`, `slipway_feature_drift_score{model,version,feature}`,
/// `slipway_dataset_drift{model,version}` (1 when the dataset drifted) and
/// `slipway_prediction_drift_share{model,version}`.
public struct DriftMetrics: Sendable {
    public init() {}

    /// Sets the gauges from one check.
    public func record(_ check: DriftCheck) {
        let labels = [("model", check.model), ("version", check.version)]
        Gauge(label: "slipway_drift_share", dimensions: labels).record(check.inputs.share)
        Gauge(label: "slipway_dataset_drift", dimensions: labels).record(check.inputs.datasetDrift ? 1 : 0)
        for column in check.inputs.columns where column.result.score.isFinite {
            Gauge(label: "slipway_feature_drift_score", dimensions: labels + [("feature", column.column)])
                .record(column.result.score)
        }
        if let predictions = check.predictions {
            Gauge(label: "slipway_prediction_drift_share", dimensions: labels).record(predictions.share)
        }
    }
}

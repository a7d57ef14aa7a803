/// One drift check of a model version: its production window against its reference profile, inputs and
/// (when the reference has columns named after the outputs) predictions.
public struct DriftCheck: Sendable {
    public var model: String
    public var version: String
    /// When the check ran (seconds since 1970).
    public var time: Double
    public var window: String
    /// Production rows in the window, and reference rows.
    public var rows: Int
    public var referenceRows: Int
    /// Data drift of the inputs.
    public var inputs: DatasetDriftReport
    /// Prediction drift (outputs against the reference's output columns); nil when there is nothing to compare.
    public var predictions: DatasetDriftReport?
    /// The version's concept-drift detector, when labels have fed it.
    public var concept: ConceptDriftState?

    public init(
        model: String, version: String, time: Double, window: String, rows: Int, referenceRows: Int,
        inputs: DatasetDriftReport, predictions: DatasetDriftReport?
    ) {
        self.model = model
        self.version = version
        self.time = time
        self.window = window
        self.rows = rows
        self.referenceRows = referenceRows
        self.inputs = inputs
        self.predictions = predictions
    }

    /// The CLI's report JSON (`columns`, `dataset`) plus `model`, `version`, `time`, `window`, `rows`,
    /// `reference_rows`, `prediction` (the same shape for the outputs, or null) and `concept_drift` (the
    /// version's detector state, or null).
    public func json() -> String {
        var body = inputs.json()
        body.removeFirst()  // "{"
        var out = "{\"model\":\(JSONText.string(model)),\"version\":\(JSONText.string(version))"
        out += ",\"time\":\(JSONText.number(time)),\"time_utc\":\(JSONText.string(UTCTime.format(time)))"
        out += ",\"window\":\(JSONText.string(window)),\"rows\":\(rows),\"reference_rows\":\(referenceRows)"
        out += ",\"prediction\":" + (predictions?.json() ?? "null")
        out += ",\"concept_drift\":" + (concept?.json() ?? "null")
        out += "," + body
        return out
    }

    /// A short summary for events and webhooks.
    public func summaryJSON() -> String {
        let drifted = inputs.columns.filter { $0.result.driftDetected }.map { JSONText.string($0.column) }
        var out = "{\"time\":\(JSONText.number(time)),\"window\":\(JSONText.string(window)),\"rows\":\(rows)"
        out += ",\"n_columns\":\(inputs.nColumns),\"n_drifted\":\(inputs.nDrifted),\"share\":\(JSONText.number(inputs.share))"
        out += ",\"dataset_drift\":\(inputs.datasetDrift),\"drifted_columns\":[\(drifted.joined(separator: ","))]"
        if let predictions {
            out += ",\"prediction_drift\":\(predictions.datasetDrift)"
        }
        return out + "}"
    }
}

/// One request as the prediction log stores it.
public struct PredictionEntry: Sendable {
    /// The client's `id`, or the one the server generated.
    public var requestID: String
    public var model: String
    /// The version that ran; nil when the route did not resolve.
    public var version: Int?
    /// The alias the route named (`production`), nil for a version number or none.
    public var alias: String?
    /// Seconds since 1970 when the request arrived.
    public var arrivedAt: Double
    /// `ok`, or the error code (`bad_request`, `unavailable`, …).
    public var status: String
    /// Seconds from arrival to the response.
    public var latencySeconds: Double
    /// Inputs kept (fields in `never_log` removed); empty when decoding failed.
    public var inputs: [LoggedTensor]
    /// Outputs; empty on failure.
    public var outputs: [LoggedTensor]

    public init(
        requestID: String, model: String, version: Int?, alias: String?, arrivedAt: Double, status: String, latencySeconds: Double,
        inputs: [LoggedTensor], outputs: [LoggedTensor]
    ) {
        self.requestID = requestID
        self.model = model
        self.version = version
        self.alias = alias
        self.arrivedAt = arrivedAt
        self.status = status
        self.latencySeconds = latencySeconds
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Examples in the request: the first dimension of its first input (else output), 1 for scalars.
    public var rows: Int { (inputs.first ?? outputs.first)?.rows ?? 0 }
}

/// A stored prediction read back, with its labels when feedback arrived.
public struct StoredPrediction: Sendable {
    /// The row's id in the log (increasing with insertion).
    public var rowID: Int64
    public var entry: PredictionEntry
    /// One label per example; nil without feedback.
    public var labels: [LabelValue]?

    public init(rowID: Int64, entry: PredictionEntry, labels: [LabelValue]?) {
        self.rowID = rowID
        self.entry = entry
        self.labels = labels
    }
}

/// A prediction as the writer stores it: an entry's fields with its inputs and outputs already encoded as
/// ``TensorBlob``s. The server builds these on the request thread straight from the tensors (one buffer per
/// side), so the queue holds two byte arrays per request and the writer only binds them.
public struct PredictionRow: Sendable {
    public var requestID: String
    public var model: String
    public var version: Int?
    public var alias: String?
    public var arrivedAt: Double
    public var status: String
    public var latencySeconds: Double
    /// Examples in the request (see ``PredictionEntry/rows``).
    public var rows: Int
    /// The inputs kept, as a ``TensorBlob``.
    public var inputs: [UInt8]
    /// The outputs, as a ``TensorBlob``.
    public var outputs: [UInt8]

    public init(
        requestID: String, model: String, version: Int?, alias: String?, arrivedAt: Double, status: String, latencySeconds: Double,
        rows: Int, inputs: [UInt8], outputs: [UInt8]
    ) {
        self.requestID = requestID
        self.model = model
        self.version = version
        self.alias = alias
        self.arrivedAt = arrivedAt
        self.status = status
        self.latencySeconds = latencySeconds
        self.rows = rows
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The row of an entry (its tensors encoded).
    public init(_ entry: PredictionEntry) {
        self.init(
            requestID: entry.requestID, model: entry.model, version: entry.version, alias: entry.alias, arrivedAt: entry.arrivedAt,
            status: entry.status, latencySeconds: entry.latencySeconds, rows: entry.rows, inputs: TensorBlob.encode(entry.inputs),
            outputs: TensorBlob.encode(entry.outputs))
    }

    /// The entry back, its tensors decoded; throws when a blob is damaged.
    public func entry() throws(PredictionLogError) -> PredictionEntry {
        PredictionEntry(
            requestID: requestID, model: model, version: version, alias: alias, arrivedAt: arrivedAt, status: status,
            latencySeconds: latencySeconds, inputs: try TensorBlob.decode(inputs), outputs: try TensorBlob.decode(outputs))
    }
}

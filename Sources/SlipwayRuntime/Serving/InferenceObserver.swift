public import SlipwayEngine

/// One finished inference request, as the server saw it: what the prediction log, the metrics and the
/// statistics extension are fed from. Built once per request (after a batch is split back), on an inference
/// thread — or, for a request the pool refused because the server is shutting down, on the caller's.
public struct InferenceRecord: Sendable {
    /// How the request ended.
    public enum Status: Sendable, Hashable {
        case success
        /// Failed with this error code (bad request, unavailable: queue full or timed out, internal …).
        case failure(InferenceError.Code)
    }

    /// The client's `id`, or one the server generated (always returned to the client).
    public var requestID: String
    /// Wall-clock time the request arrived, in seconds since 1970.
    public var arrivedAt: Double
    public var model: String
    /// The version that ran (or was meant to); nil when the route did not resolve.
    public var version: Int?
    /// The alias the route named or followed (`production`), nil for a version number.
    public var alias: String?
    /// The decoded input tensors by name (nil when decoding failed).
    public var inputs: [(name: String, value: Value)]?
    /// The outputs by name (nil on failure).
    public var outputs: [(name: String, value: Value)]?
    public var status: Status
    /// Seconds waiting in the model's queue before running.
    public var queueSeconds: Double
    /// Seconds running the model (the whole batch it ran in).
    public var computeSeconds: Double
    /// Seconds from arrival to the response being ready.
    public var totalSeconds: Double
    /// Rows of the batch the request ran in (1 without batching; its own rows when not joined).
    public var batchSize: Int
    /// True when the response came from the response cache.
    public var cacheHit: Bool

    public init(
        requestID: String, arrivedAt: Double, model: String, version: Int?, alias: String?,
        inputs: [(name: String, value: Value)]?, outputs: [(name: String, value: Value)]?, status: Status,
        queueSeconds: Double, computeSeconds: Double, totalSeconds: Double, batchSize: Int, cacheHit: Bool
    ) {
        self.requestID = requestID
        self.arrivedAt = arrivedAt
        self.model = model
        self.version = version
        self.alias = alias
        self.inputs = inputs
        self.outputs = outputs
        self.status = status
        self.queueSeconds = queueSeconds
        self.computeSeconds = computeSeconds
        self.totalSeconds = totalSeconds
        self.batchSize = batchSize
        self.cacheHit = cacheHit
    }
}

/// Receives every finished inference. `record` is called once per request, on an inference thread (on the
/// caller's, which may be an event loop, for a request refused at shutdown), and must not block: queue the record
/// and return (the prediction log's writer task does the I/O).
public protocol InferenceObserver: Sendable {
    func record(_ record: InferenceRecord)
}

/// Several observers as one, called in order.
public struct InferenceObservers: InferenceObserver {
    public var observers: [any InferenceObserver]

    public init(_ observers: [any InferenceObserver] = []) { self.observers = observers }

    public func record(_ record: InferenceRecord) {
        for observer in observers { observer.record(record) }
    }
}

public import Logging
import Metrics
public import SlipwayMonitoring
public import SlipwaySecurity
import Synchronization

/// The ``InferenceObserver`` monitoring installs: records the request metrics, feeds the alert window,
/// queues the prediction log row (per the model's `log` mode, without its `never_log` inputs) and logs
/// failures with the request id. Never blocks: the row is written later by ``PredictionLogWriter``.
public final class MonitoringObserver: InferenceObserver {
    let queue: PredictionLogQueue
    let settings: SlipwayConfiguration
    let window: ServingWindow
    let logger: Logger
    /// Per model, the PII fields dropped or hashed before logging (nil: none).
    let redactor: (@Sendable (String) -> PIIRedactor?)?

    /// Metric handles per (model, version, status), made once: creating them goes through the backend's lock.
    struct Handles {
        var requests: Counter
        var queue: Timer
        var compute: Timer
        var total: Timer
        var batch: Recorder
        var hits: Counter
        var misses: Counter
    }

    struct HandleKey: Hashable {
        var model: String
        var version: String
        var status: String
    }

    private let handles = Mutex<[HandleKey: Handles]>([:])

    public init(
        queue: PredictionLogQueue, settings: SlipwayConfiguration, window: ServingWindow, logger: Logger,
        redactor: (@Sendable (String) -> PIIRedactor?)? = nil
    ) {
        self.redactor = redactor
        self.queue = queue
        self.settings = settings
        self.window = window
        self.logger = logger
    }

    public func record(_ record: InferenceRecord) {
        let status: String
        switch record.status {
        case .success: status = "ok"
        case .failure(let code): status = code.rawValue
        }
        let version = record.version.map(String.init) ?? "unknown"
        let metrics = handles(model: record.model, version: version, status: status)
        metrics.requests.increment()
        metrics.queue.recordSeconds(record.queueSeconds)
        metrics.compute.recordSeconds(record.computeSeconds)
        metrics.total.recordSeconds(record.totalSeconds)
        metrics.batch.record(record.batchSize)
        if record.status == .success { record.cacheHit ? metrics.hits.increment() : metrics.misses.increment() }
        window.add(model: record.model, time: record.arrivedAt, latency: record.totalSeconds, ok: record.status == .success)

        if case .failure = record.status {
            logger.info(
                "inference failed",
                metadata: ["request_id": "\(record.requestID)", "model": "\(record.model)", "version": "\(version)", "status": "\(status)"])
        } else {
            logger.debug(
                "inference finished",
                metadata: [
                    "request_id": "\(record.requestID)", "model": "\(record.model)", "version": "\(version)",
                    "latency_ms": "\(record.totalSeconds * 1000)",
                ])
        }

        let modelSettings = settings.settings(for: record.model).monitoring
        guard modelSettings.log.keeps(random: Double.random(in: 0..<1)) else { return }
        // Both blobs are encoded straight from the tensors, one buffer each; with PII fields the inputs go through
        // the redactor first (dropped, or replaced by keyed hashes).
        let inputs: [UInt8]
        let rows: Int
        if let redactor = redactor?(record.model), !redactor.isEmpty {
            let kept = Self.redacted(LoggedTensor.tensors(record.inputs, excluding: modelSettings.neverLog), redactor)
            inputs = TensorBlob.encode(kept)
            rows = kept.first?.rows ?? TensorBlob.rows(inputs: nil, excluding: [], outputs: record.outputs)
        } else {
            inputs = TensorBlob.encode(record.inputs, excluding: modelSettings.neverLog)
            rows = TensorBlob.rows(inputs: record.inputs, excluding: modelSettings.neverLog, outputs: record.outputs)
        }
        let row = PredictionRow(
            requestID: record.requestID, model: record.model, version: record.version, alias: record.alias, arrivedAt: record.arrivedAt,
            status: status, latencySeconds: record.totalSeconds, rows: rows, inputs: inputs, outputs: TensorBlob.encode(record.outputs))
        if !queue.push(row) {
            MonitoringMetrics.rowsDropped(model: record.model)
            logger.warning(
                "prediction log queue is full; row dropped", metadata: ["request_id": "\(record.requestID)", "model": "\(record.model)"])
        }
    }

    /// Inputs with PII fields dropped, or replaced by a BYTES tensor of keyed hashes of each element (so equal
    /// values stay joinable for erasure and analysis, but cannot be read back).
    static func redacted(_ tensors: [LoggedTensor], _ redactor: PIIRedactor?) -> [LoggedTensor] {
        guard let redactor, !redactor.isEmpty else { return tensors }
        return tensors.compactMap { tensor in
            switch redactor.redaction(for: tensor.name) {
            case nil: return tensor
            case .drop: return nil
            case .hash:
                let count = tensor.shape.reduce(1, *)
                let hashes = (0..<count).map { redactor.hash(tensor.formatted(at: $0) ?? "") }
                return LoggedTensor(name: tensor.name, datatype: "BYTES", shape: tensor.shape, data: [], strings: hashes)
            }
        }
    }

    func handles(model: String, version: String, status: String) -> Handles {
        let key = HandleKey(model: model, version: version, status: status)
        if let found = handles.withLock({ $0[key] }) { return found }
        func timer(_ phase: String) -> Timer {
            Timer(label: MonitoringMetrics.duration, dimensions: [("model", model), ("version", version), ("phase", phase)])
        }
        let made = Handles(
            requests: Counter(label: MonitoringMetrics.requests, dimensions: [("model", model), ("version", version), ("status", status)]),
            queue: timer("queue"), compute: timer("compute"), total: timer("total"),
            batch: Recorder(label: MonitoringMetrics.batchSize, dimensions: [("model", model)], aggregate: true),
            hits: Counter(label: MonitoringMetrics.cacheHits, dimensions: [("model", model)]),
            misses: Counter(label: MonitoringMetrics.cacheMisses, dimensions: [("model", model)]))
        handles.withLock { all in
            if all.count > 10_000 { all.removeAll() }
            all[key] = made
        }
        return made
    }
}

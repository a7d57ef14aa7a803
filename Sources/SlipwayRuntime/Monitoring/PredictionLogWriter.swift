public import Logging
public import ServiceLifecycle
public import SlipwayMonitoring

/// The one task that writes the prediction log: drains the in-memory queue in batched transactions off the
/// request path. On graceful shutdown it writes everything still queued before returning.
///
/// Rows are group-committed: after a transaction that did not fill a whole batch, the writer waits
/// `idleSleep` before the next one, so under load each transaction carries every row of that interval instead
/// of a few (each commit rewrites the table's and indexes' last pages: small transactions multiply the bytes
/// written). A full batch is followed at once by the next.
public struct PredictionLogWriter: Service {
    let queue: PredictionLogQueue
    let store: PredictionLogStore
    let batchSize: Int
    let idleSleep: Duration
    let logger: Logger

    /// - Parameters:
    ///   - batchSize: rows per transaction at most.
    ///   - idleSleep: how long to wait after a transaction that did not fill a batch (rows arriving meanwhile go
    ///     into the next one).
    public init(queue: PredictionLogQueue, store: PredictionLogStore, batchSize: Int = 512, idleSleep: Duration = .milliseconds(20), logger: Logger) {
        self.queue = queue
        self.store = store
        self.batchSize = max(1, batchSize)
        self.idleSleep = idleSleep
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if await flushOnce() < batchSize {
                // The pause ends early on graceful shutdown (then everything queued is written below).
                let pause = idleSleep
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
        var written = 0
        while true {
            let n = await flushOnce()
            if n == 0 { break }
            written += n
        }
        if written > 0 { logger.info("prediction log flushed", metadata: ["rows": "\(written)"]) }
    }

    /// Writes one batch; returns the rows taken from the queue.
    @discardableResult
    public func flushOnce() async -> Int {
        let batch = queue.drain(limit: batchSize)
        guard !batch.isEmpty else { return 0 }
        do {
            try await store.performOnWriterQueue { store throws(PredictionLogError) in try store.insert(rows: batch) }
            for (model, count) in Self.rowsPerModel(batch) { MonitoringMetrics.rowsWritten(model: model, count: count) }
        } catch {
            for (model, count) in Self.rowsPerModel(batch) { MonitoringMetrics.rowsDropped(model: model, count: count) }
            logger.error("prediction log write failed; rows dropped", metadata: ["rows": "\(batch.count)", "error": "\(error)"])
        }
        return batch.count
    }

    /// How many of `rows` each model has, counted in place (grouping the rows would copy every one of them).
    static func rowsPerModel(_ rows: [PredictionRow]) -> [String: Int] {
        var counts: [String: Int] = [:]
        var last: (model: String, count: Int)?
        for row in rows {
            // Runs of one model (the usual case) touch the dictionary once per run.
            if let current = last, current.model == row.model {
                last = (current.model, current.count + 1)
            } else {
                if let current = last { counts[current.model, default: 0] += current.count }
                last = (row.model, 1)
            }
        }
        if let current = last { counts[current.model, default: 0] += current.count }
        return counts
    }
}

import Foundation
import NIOPosix
public import ServiceLifecycle
public import SlipwayEngine
import SlipwayTensor
import Synchronization

/// An encoded V2 inference response: JSON, or JSON followed by binary tensors (`jsonLength` is then the
/// `Inference-Header-Content-Length`).
public struct EncodedResponse: Sendable {
    public var body: [UInt8]
    public var jsonLength: Int?
}

extension ServedModels {
    /// Answers one V2 inference request, from body bytes to response bytes, off the event loop: on a pool
    /// thread the route is resolved, the body decoded, the schedule policy read (`priority`, `timeout`), the
    /// response cache consulted, and the request queued on its version's scheduler; the batch it runs in
    /// completes it on a pool thread, where it is encoded, counted and recorded. `completion` is called once.
    ///
    /// - Parameters:
    ///   - body: the request body.
    ///   - jsonLength: the `Inference-Header-Content-Length`, when binary tensors follow the JSON.
    ///   - name: the model of the route.
    ///   - version: the route's version number or alias; nil for the default version.
    ///   - requestID: the id to use when the body brings none (the transport's request id, e.g. the HTTP
    ///     `X-Request-ID`, so one id names the request everywhere); nil makes one up.
    ///   - completion: the encoded response or the error.
    public func infer(
        body: [UInt8], jsonLength: Int?, model name: String, version: String?, requestID: String? = nil,
        completion: @escaping @Sendable (Result<EncodedResponse, InferenceError>) -> Void
    ) {
        let arrived = ContinuousClock.now
        let arrivedAt = Date().timeIntervalSince1970
        // A small request for a cheap, already loaded version runs right here (see `ServedModel.runsInline`),
        // unless here is an event loop.
        if body.count <= Self.inlineBodyLimit, MultiThreadedEventLoopGroup.currentEventLoop == nil,
            let loaded = loadedVersion(name, version: version), loaded.served.runsInline
        {
            start(
                body: body, jsonLength: jsonLength, name: name, version: version, requestID: requestID, resolved: loaded, arrived: arrived,
                arrivedAt: arrivedAt, completion: completion)
            return
        }
        pool.submit(
            { [self] in
                start(
                    body: body, jsonLength: jsonLength, name: name, version: version, requestID: requestID, arrived: arrived, arrivedAt: arrivedAt,
                    completion: completion)
            },
            otherwise: { [self] in
                let error = InferenceError(.unavailable, "the server is shutting down")
                observer.record(
                    Self.failureRecord(
                        error, id: requestID, name: name, served: nil, alias: nil, request: nil, arrived: arrived, arrivedAt: arrivedAt))
                completion(.failure(error))
            })
    }

    /// Whether the version a route names is loaded and cheap enough to run on the caller's thread
    /// (``ServedModel/runsInline``); a transport answers such a route off its event loops, where it may.
    public func runsInline(model name: String, version: String?) -> Bool {
        loadedVersion(name, version: version)?.served.runsInline ?? false
    }

    /// The largest request body decoded on the caller's thread for an inline version.
    static let inlineBodyLimit = 16 * 1024

    /// The served version a route names, when it is already loaded (nil otherwise, or for a bad route: the
    /// pool path reports those).
    func loadedVersion(_ name: String, version: String?) -> (served: ServedModel, alias: String?)? {
        guard let (_, number, alias) = try? entry(named: name, version: version),
            let served = state.withLock({ $0.loaded[VersionKey(name: name, version: number)] })
        else { return nil }
        return (served, alias)
    }

    /// `resolved` is the route's version when the caller has already looked it up (the inline path).
    private func start(
        body: [UInt8], jsonLength: Int?, name: String, version: String?, requestID: String?, resolved: (served: ServedModel, alias: String?)? = nil,
        arrived: ContinuousClock.Instant, arrivedAt: Double, completion: @escaping @Sendable (Result<EncodedResponse, InferenceError>) -> Void
    ) {
        var served: ServedModel? = nil
        var alias: String? = nil
        var request: InferenceRequest? = nil
        do {
            let target: ServedModel
            let routeAlias: String?
            if let resolved {
                (target, routeAlias) = resolved
            } else {
                (target, routeAlias) = try resolve(name, version: version)
            }
            served = target
            alias = routeAlias
            var decoded: InferenceRequest
            if let jsonLength {
                decoded = try InferenceRequest.decode(body: body, jsonLength: jsonLength)
            } else {
                decoded = try InferenceRequest.decode(json: body)
            }
            if decoded.id == nil || decoded.id?.isEmpty == true { decoded.id = requestID ?? requestIDs.next() }
            request = decoded
            let (level, timeout) = try Self.schedulePolicy(decoded, target.settings)
            let (key, rows) = try target.prepare(decoded)
            var cacheKey: ResponseCache.Key? = nil
            if let cache = target.cache {
                let t0 = ContinuousClock.now
                let k = ResponseCache.key(for: decoded)
                if let hit = cache.lookup(k) {
                    let lookup = ModelScheduler.nanoseconds(.now - t0)
                    let encoded = Self.encode(decoded, outputs: hit, served: target)
                    let total = ModelScheduler.nanoseconds(.now - arrived)
                    target.statistics.recordCacheHit(rows: rows, total: total, lookup: lookup)
                    var outcome = JobOutcome(result: .success(hit))
                    outcome.batchSize = rows
                    observer.record(
                        Self.record(outcome, request: decoded, served: target, alias: alias, arrivedAt: arrivedAt, total: total, cacheHit: true))
                    completion(.success(encoded))
                    return
                }
                target.statistics.recordCacheMiss(lookup: ModelScheduler.nanoseconds(.now - t0))
                cacheKey = k
            }
            let enqueued = ContinuousClock.now
            let scheduled = decoded
            let missKey = cacheKey
            let job = ScheduledJob(
                request: scheduled, rows: rows, batchKey: key, level: level, enqueuedAt: enqueued, deadline: timeout.map { enqueued + $0 },
                complete: { [self] outcome in
                    finish(
                        outcome, request: scheduled, served: target, alias: routeAlias, rows: rows, cacheKey: missKey, arrived: arrived,
                        arrivedAt: arrivedAt, completion: completion)
                })
            try target.scheduler.submit(job, runInline: true)
        } catch {
            let total = ModelScheduler.nanoseconds(.now - arrived)
            served?.statistics.recordFailure(total: total)
            observer.record(
                Self.failureRecord(
                    error, id: request?.id ?? requestID, name: name, served: served, alias: alias, request: request, arrived: arrived,
                    arrivedAt: arrivedAt))
            completion(.failure(error))
        }
    }

    private func finish(
        _ outcome: JobOutcome, request: InferenceRequest, served: ServedModel, alias: String?, rows: Int, cacheKey: ResponseCache.Key?,
        arrived: ContinuousClock.Instant, arrivedAt: Double, completion: @Sendable (Result<EncodedResponse, InferenceError>) -> Void
    ) {
        switch outcome.result {
        case .success(let outputs):
            if let cacheKey { served.cache?.insert(cacheKey, outputs: outputs) }
            let encoded = Self.encode(request, outputs: outputs, served: served)
            let total = ModelScheduler.nanoseconds(.now - arrived)
            served.statistics.recordSuccess(
                rows: rows, total: total, queue: outcome.queueNanoseconds, input: outcome.computeInputNanoseconds,
                infer: outcome.computeInferNanoseconds, output: outcome.computeOutputNanoseconds)
            observer.record(Self.record(outcome, request: request, served: served, alias: alias, arrivedAt: arrivedAt, total: total, cacheHit: false))
            completion(.success(encoded))
        case .failure(let error):
            let total = ModelScheduler.nanoseconds(.now - arrived)
            served.statistics.recordFailure(total: total)
            var record = Self.record(outcome, request: request, served: served, alias: alias, arrivedAt: arrivedAt, total: total, cacheHit: false)
            record.status = .failure(error.code)
            observer.record(record)
            completion(.failure(error))
        }
    }

    static func encode(_ request: InferenceRequest, outputs: [(name: String, value: Value)], served: ServedModel) -> EncodedResponse {
        var outputs = outputs
        if let requested = request.outputs {
            for (i, output) in outputs.enumerated() {
                guard let n = requested.first(where: { $0.name == output.name })?.parameters?["classification"]?.int64Value, n > 0,
                    case .tensor(let t) = output.value, let classes = Classification.topK(t, Int(n))
                else { continue }
                outputs[i].value = .tensor(classes)
            }
        }
        let response = InferenceResponse(modelName: served.name, modelVersion: String(served.version), id: request.id, outputs: outputs)
        let encoded = response.encode(binary: request.wantsBinary(output:))
        return EncodedResponse(body: encoded.body, jsonLength: encoded.jsonLength)
    }

    /// The level (1 highest) and queue timeout of a request: Triton's `priority` (0 or absent: the model's
    /// default level) and `timeout` (microseconds; 0 or absent: the model's `timeout_us`, 0 = none).
    static func schedulePolicy(_ request: InferenceRequest, _ settings: ServingSettings) throws(InferenceError) -> (level: Int, timeout: Duration?) {
        var level = settings.defaultPriority
        if let value = request.parameters?["priority"] {
            guard let p = value.int64Value, p >= 0 else {
                throw .badRequest("parameter 'priority' must be a non-negative integer, got \(value)")
            }
            if p > 0 {
                guard p <= Int64(settings.priorityLevels) else {
                    throw .badRequest(
                        "parameter 'priority' is \(p); this model has priority levels 1 to \(settings.priorityLevels) (0 for the default)")
                }
                level = Int(p)
            }
        }
        var microseconds = Int64(settings.timeoutMicroseconds)
        if let value = request.parameters?["timeout"] {
            guard let t = value.int64Value, t >= 0 else {
                throw .badRequest("parameter 'timeout' must be a non-negative integer (microseconds), got \(value)")
            }
            if t > 0 { microseconds = t }
        }
        return (level, microseconds > 0 ? .microseconds(microseconds) : nil)
    }

    static func record(
        _ outcome: JobOutcome, request: InferenceRequest, served: ServedModel, alias: String?, arrivedAt: Double, total: UInt64, cacheHit: Bool
    ) -> InferenceRecord {
        var outputs: [(name: String, value: Value)]? = nil
        if case .success(let o) = outcome.result { outputs = o }
        return InferenceRecord(
            requestID: request.id ?? "", arrivedAt: arrivedAt, model: served.name, version: served.version, alias: alias,
            inputs: request.inputs.map { ($0.name, Value.tensor($0.tensor)) }, outputs: outputs, status: .success,
            queueSeconds: Double(outcome.queueNanoseconds) / 1e9, computeSeconds: Double(outcome.computeInferNanoseconds) / 1e9,
            totalSeconds: Double(total) / 1e9, batchSize: outcome.batchSize, cacheHit: cacheHit)
    }

    static func failureRecord(
        _ error: any Error, id: String?, name: String, served: ServedModel?, alias: String?, request: InferenceRequest?,
        arrived: ContinuousClock.Instant, arrivedAt: Double
    ) -> InferenceRecord {
        InferenceRecord(
            requestID: id ?? RequestID.make(), arrivedAt: arrivedAt, model: name, version: served?.version, alias: alias,
            inputs: request.map { $0.inputs.map { ($0.name, Value.tensor($0.tensor)) } }, outputs: nil,
            status: .failure(InferenceError.wrap(error).code), queueSeconds: 0, computeSeconds: 0,
            totalSeconds: Double(ModelScheduler.nanoseconds(.now - arrived)) / 1e9, batchSize: 0, cacheHit: false)
    }
}

/// Triton's classification extension: an output requested with `"parameters": {"classification": N}` is
/// returned as a BYTES tensor `[batch, N]` (or `[N]` for a rank-1 output) of `"<value>:<index>"`, the N
/// largest values of each row, largest first.
enum Classification {
    static func topK(_ t: Tensor, _ k: Int) -> Tensor? {
        guard let values = t.doubles(), !t.shape.isEmpty else { return nil }
        let rows = t.shape.count == 1 ? 1 : t.shape[0]
        guard rows > 0 else { return nil }
        let width = values.count / rows
        let n = min(k, width)
        var out: [String] = []
        out.reserveCapacity(rows * n)
        for r in 0..<rows {
            let row = values[(r * width)..<((r + 1) * width)]
            let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
            for index in order.prefix(n) {
                let value = t.dataType == .float32 || t.dataType == .float16 ? "\(Float(row[index]))" : Self.text(row[index], t.dataType)
                out.append("\(value):\(index - r * width)")
            }
        }
        return Tensor(uncheckedShape: t.shape.count == 1 ? [n] : [rows, n], storage: .string(out))
    }

    static func text(_ value: Double, _ type: DataType) -> String {
        switch type {
        case .float64, .bfloat16: return "\(value)"
        default: return value.rounded() == value && abs(value) < 9e15 ? String(Int64(value)) : "\(value)"
        }
    }
}

/// Request ids for requests that bring none: 128 random bits in the UUID layout (8-4-4-4-12 hex digits).
public enum RequestID {
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return format(g.next(), g.next())
    }

    /// Two 64-bit words as 8-4-4-4-12 lowercase hex digits.
    static func format(_ a: UInt64, _ b: UInt64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            let word = i < 16 ? a : b
            let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (i % 16))) & 0xF
            out.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Makes time-ordered request ids in the UUID version 7 layout: 48 bits of Unix milliseconds, a 12-bit sequence,
/// then 62 random bits drawn once per process. Ids never repeat within the process (the time-and-sequence part
/// strictly increases, borrowing the next millisecond past 4,096 ids in one), two processes collide only if their
/// random parts do, and no system call is made per id. Because they sort by time, the prediction log's index on
/// request ids grows at its end instead of taking random inserts, which writes several times fewer pages.
public final class RequestIDSource: Sendable {
    private let node: UInt64
    /// `milliseconds << 12 | sequence` of the last id.
    private let last = Atomic<UInt64>(0)
    private let clock: @Sendable () -> UInt64

    /// - Parameter milliseconds: the current Unix time in milliseconds (the wall clock unless a test says otherwise).
    public init(milliseconds: (@Sendable () -> UInt64)? = nil) {
        var g = SystemRandomNumberGenerator()
        node = (g.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        clock = milliseconds ?? { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }
    }

    public func next() -> String {
        let now = (clock() & 0xFFFF_FFFF_FFFF) << 12
        var old = last.load(ordering: .relaxed)
        while true {
            let candidate = max(old &+ 1, now)
            let (exchanged, current) = last.compareExchange(expected: old, desired: candidate, ordering: .relaxed)
            if exchanged {
                let high = (candidate >> 12) << 16 | 0x7000 | (candidate & 0xFFF)
                return RequestID.format(high, node)
            }
            old = current
        }
    }
}

/// Polls the ``ModelSource`` every `interval` and lets ``ServedModels/refresh()`` hot-swap what changed.
/// A `Service` in the server's group; it stops on graceful shutdown.
public struct ModelWatcher: Service {
    public let models: ServedModels
    public let interval: Duration

    public init(models: ServedModels, interval: Duration) {
        self.models = models
        self.interval = max(interval, .milliseconds(10))
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let interval = self.interval
            do {
                _ = try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
            await models.refresh()
        }
    }
}

public import SlipwayEngine
public import SlipwayTensor

/// One version being served: the loaded model, its scheduler (queue, priorities, timeouts, dynamic
/// batching), its response cache and its statistics. Requests routed to it before a hot swap finish on it.
public final class ServedModel: Sendable {
    public let name: String
    public let version: Int
    public let model: LoadedModel
    public let settings: ServingSettings
    public let statistics: ModelStatistics
    public let cache: ResponseCache?
    /// True when requests may be joined: every input's and every tensor output's first dimension is dynamic.
    public let batchable: Bool
    /// Bytes of the model file (reported as `memory_usage`).
    public let memoryBytes: Int
    let inputNames: Set<String>
    let outputNames: [String]
    let runner: BatchRunner
    /// The scheduler every request of this version goes through.
    public let scheduler: ModelScheduler

    /// - Parameters:
    ///   - model: the loaded version (its `name` and `version` are the route's).
    ///   - version: the version number.
    ///   - settings: the model's serving settings.
    ///   - maxQueue: the server-wide queue bound, used when the settings set none.
    ///   - pool: where executions run.
    ///   - memoryBytes: the model file's size.
    public init(model: LoadedModel, version: Int, settings: ServingSettings, maxQueue: Int, pool: InferencePool, memoryBytes: Int = 0) {
        var model = model
        model.version = String(version)
        let statistics = ModelStatistics()
        let outputNames = model.plan.outputs.map(\.name)
        let batchable = Self.isBatchable(model.plan)
        let runner = BatchRunner(model: model, statistics: statistics, outputNames: outputNames)
        self.name = model.name
        self.version = version
        self.model = model
        self.settings = settings
        self.memoryBytes = memoryBytes
        self.statistics = statistics
        self.outputNames = outputNames
        self.batchable = batchable
        self.runner = runner
        cache = settings.cache.map { ResponseCache(capacityBytes: $0.maxBytes) }
        inputNames = Set(model.plan.inputs.map(\.name))
        scheduler = ModelScheduler(
            maxQueue: settings.maxQueue ?? maxQueue, concurrency: pool.threadCount, batching: batchable ? settings.batching : nil, pool: pool,
            execute: { jobs in runner.execute(jobs) })
    }

    /// Whether a request may run on the caller's thread (a Swift concurrency thread, never an event loop)
    /// instead of hopping to an inference-pool thread and back: for versions without dynamic batching whose
    /// executions so far (at least ``inlineMinimumExecutions``) took under ``inlineComputeLimitNanoseconds``
    /// on average — there the two thread switches cost more than the model.
    public var runsInline: Bool {
        guard scheduler.batching == nil else { return false }
        let (executions, mean) = statistics.meanCompute
        return executions >= Self.inlineMinimumExecutions && mean < Self.inlineComputeLimitNanoseconds
    }

    /// See ``runsInline``.
    public static let inlineMinimumExecutions = 16
    /// See ``runsInline``.
    public static let inlineComputeLimitNanoseconds: UInt64 = 25_000

    static func isBatchable(_ plan: Plan) -> Bool {
        func dynamicFirst(_ shape: [Dim]?) -> Bool {
            guard let first = shape?.first else { return false }
            if case .fixed = first { return false }
            return true
        }
        guard !plan.inputs.isEmpty, plan.inputs.allSatisfy({ dynamicFirst($0.shape) }) else { return false }
        // An output of unknown shape is checked when the batch runs (a batch that cannot be split is rerun
        // request by request); one whose first dimension is fixed can never be split.
        for output in plan.outputs {
            if case .tensor? = output.type, let first = output.shape?.first, case .fixed = first { return false }
        }
        return true
    }

    /// Checks what the scheduler cannot: requested outputs exist. Returns the request's batch key and rows.
    func prepare(_ request: InferenceRequest) throws(InferenceError) -> (key: BatchKey?, rows: Int) {
        if let requested = request.outputs {
            for output in requested where !outputNames.contains(output.name) {
                throw .badRequest("unknown output '\(output.name)'; the model's outputs are: \(outputNames.joined(separator: ", "))")
            }
        }
        let rows = request.inputs.first?.tensor.shape.first ?? 1
        guard batchable, scheduler.batching != nil, let (key, batchRows) = BatchKey.of(request, modelInputs: inputNames) else {
            return (nil, max(1, rows))
        }
        return (key, batchRows)
    }

    /// Runs the model once, outside the scheduler and the statistics: the warm-up before a version is
    /// switched in.
    public func warm(_ request: InferenceRequest) throws(InferenceError) {
        _ = try model.infer(request)
    }

    /// A request of zeros built from the model's signature: dynamic dimensions are 1. Nil when an input's
    /// type or rank is unknown.
    public static func zeroRequest(inputs: [(name: String, datatype: String, shape: [Int]?)]) -> InferenceRequest? {
        var tensors: [InferenceInput] = []
        for input in inputs {
            guard let type = DataType(v2Name: input.datatype), let shape = input.shape else { return nil }
            let dims = shape.map { $0 < 0 ? 1 : $0 }
            guard let count = Shape.elementCount(dims) else { return nil }
            tensors.append(InferenceInput(name: input.name, tensor: Tensor(uncheckedShape: dims, storage: .zeros(type, count: count))))
        }
        return InferenceRequest(inputs: tensors)
    }
}

/// Runs the scheduler's batches of one version (on an inference thread) and completes their jobs.
struct BatchRunner: Sendable {
    let model: LoadedModel
    let statistics: ModelStatistics
    let outputNames: [String]

    /// The outputs a request asked for (all of them when it names none), from a run's results.
    func select(_ results: [String: Value], for request: InferenceRequest) throws(InferenceError) -> [(name: String, value: Value)] {
        let wanted = request.outputs.map { $0.map(\.name) } ?? outputNames
        var outputs: [(name: String, value: Value)] = []
        outputs.reserveCapacity(wanted.count)
        for name in (wanted.isEmpty ? outputNames : wanted) {
            guard let value = results[name] else { throw InferenceError(.internal, "output '\(name)' was not computed") }
            outputs.append((name, value))
        }
        return outputs
    }

    /// Runs one scheduled batch on the current (inference) thread and completes its jobs: one request runs as
    /// it is; several are joined, run once and split back. If a joined batch fails or an output cannot be
    /// split, each request is run on its own, so one bad request never fails the others.
    func execute(_ jobs: [ScheduledJob]) {
        let started = ContinuousClock.now
        if jobs.count > 1, executeJoined(jobs, started: started) { return }
        for job in jobs { executeAlone(job, queuedUntil: jobs.count > 1 ? started : .now) }
    }

    private func executeAlone(_ job: ScheduledJob, queuedUntil: ContinuousClock.Instant) {
        let t0 = ContinuousClock.now
        var feeds: [String: Value] = [:]
        for input in job.request.inputs { feeds[input.name] = .tensor(input.tensor) }
        let t1 = ContinuousClock.now
        var outcome: JobOutcome
        do {
            let results = try model.plan.run(feeds)
            let t2 = ContinuousClock.now
            let outputs = try select(results, for: job.request)
            let t3 = ContinuousClock.now
            outcome = JobOutcome(result: .success(outputs))
            outcome.computeInputNanoseconds = ModelScheduler.nanoseconds(t1 - t0)
            outcome.computeInferNanoseconds = ModelScheduler.nanoseconds(t2 - t1)
            outcome.computeOutputNanoseconds = ModelScheduler.nanoseconds(t3 - t2)
            statistics.recordExecution(
                batchSize: job.rows, input: outcome.computeInputNanoseconds, infer: outcome.computeInferNanoseconds,
                output: outcome.computeOutputNanoseconds)
        } catch {
            outcome = JobOutcome(result: .failure(InferenceError.wrap(error)))
        }
        outcome.queueNanoseconds = ModelScheduler.nanoseconds(queuedUntil - job.enqueuedAt)
        outcome.batchSize = job.rows
        job.complete(outcome)
    }

    /// Joins, runs and splits; false (nothing completed) when the batch must be run request by request.
    private func executeJoined(_ jobs: [ScheduledJob], started: ContinuousClock.Instant) -> Bool {
        let requests = jobs.map(\.request)
        let t0 = ContinuousClock.now
        guard let (feeds, rows) = try? BatchAssembly.join(requests) else { return false }
        let t1 = ContinuousClock.now
        guard let results = try? model.plan.run(feeds) else { return false }
        let t2 = ContinuousClock.now
        var perRequest = Array(repeating: [String: Value](), count: jobs.count)
        for (name, value) in results where outputNames.contains(name) {
            guard let parts = BatchAssembly.split(value, rows: rows) else { return false }
            for (i, part) in parts.enumerated() { perRequest[i][name] = part }
        }
        var outputs: [[(name: String, value: Value)]] = []
        for (i, job) in jobs.enumerated() {
            guard let selected = try? select(perRequest[i], for: job.request) else { return false }
            outputs.append(selected)
        }
        let t3 = ContinuousClock.now
        let total = rows.reduce(0, +)
        let (input, infer, output) = (
            ModelScheduler.nanoseconds(t1 - t0), ModelScheduler.nanoseconds(t2 - t1), ModelScheduler.nanoseconds(t3 - t2)
        )
        statistics.recordExecution(batchSize: total, input: input, infer: infer, output: output)
        for (i, job) in jobs.enumerated() {
            var outcome = JobOutcome(result: .success(outputs[i]))
            outcome.queueNanoseconds = ModelScheduler.nanoseconds(started - job.enqueuedAt)
            outcome.computeInputNanoseconds = input
            outcome.computeInferNanoseconds = infer
            outcome.computeOutputNanoseconds = output
            outcome.batchSize = total
            job.complete(outcome)
        }
        return true
    }
}

public import SlipwayEngine
import Synchronization

/// One request waiting in a ``ModelScheduler``.
public struct ScheduledJob: Sendable {
    public let request: InferenceRequest
    /// Rows along the batch dimension (1 when the request cannot be batched).
    public let rows: Int
    /// Requests with equal keys may be joined; nil runs alone.
    public let batchKey: BatchKey?
    /// Priority level, 1 the highest.
    public let level: Int
    public let enqueuedAt: ContinuousClock.Instant
    /// When the request is dropped if it is still queued.
    public let deadline: ContinuousClock.Instant?
    /// Called exactly once with the outcome: on an inference thread, or on the timer task that drops it (never an event loop).
    public let complete: @Sendable (JobOutcome) -> Void
    var sequence: UInt64 = 0

    public init(
        request: InferenceRequest, rows: Int = 1, batchKey: BatchKey? = nil, level: Int = 1, enqueuedAt: ContinuousClock.Instant = .now,
        deadline: ContinuousClock.Instant? = nil, complete: @escaping @Sendable (JobOutcome) -> Void
    ) {
        self.request = request
        self.rows = max(1, rows)
        self.batchKey = batchKey
        self.level = level
        self.enqueuedAt = enqueuedAt
        self.deadline = deadline
        self.complete = complete
    }
}

/// How a scheduled request ended, with Triton's timing breakdown (nanoseconds).
public struct JobOutcome: Sendable {
    public var result: Result<[(name: String, value: Value)], InferenceError>
    /// Waiting in the queue.
    public var queueNanoseconds: UInt64 = 0
    /// Preparing the inputs (joining a batch).
    public var computeInputNanoseconds: UInt64 = 0
    /// Running the model.
    public var computeInferNanoseconds: UInt64 = 0
    /// Extracting the outputs (splitting a batch).
    public var computeOutputNanoseconds: UInt64 = 0
    /// Rows of the execution the request ran in.
    public var batchSize: Int = 1
    /// True when the request never reached the model (dropped from the queue).
    public var rejected: Bool = false

    public init(result: Result<[(name: String, value: Value)], InferenceError>) { self.result = result }
}

/// The per-version scheduler: a bounded queue with priority levels (1 highest, FIFO within a level), a
/// per-request queue timeout, and Triton-style dynamic batching. Executions run on the ``InferencePool``
/// through `execute`, at most `concurrency` at once; nothing here blocks an event loop.
///
/// Batching: a batch is started as soon as it holds `maxBatchSize` rows, or a preferred size can be formed,
/// or its oldest request has waited `maxQueueDelay`; with no delay, whatever is queued when a thread is free.
public final class ModelScheduler: Sendable {
    /// Runs a batch of jobs on an inference thread and completes every one of them.
    public typealias Executor = @Sendable (_ jobs: [ScheduledJob]) -> Void

    public let maxQueue: Int
    public let concurrency: Int
    public let batching: BatchingSettings?
    let pool: InferencePool
    let execute: Executor

    struct State {
        var levels: [Int: [ScheduledJob]] = [:]
        var queued = 0
        var running = 0
        var runningRequests = 0
        var nextSequence: UInt64 = 0
        var wakeAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - maxQueue: requests waiting or running at once; past it, `unavailable`.
    ///   - concurrency: executions at once (the pool's thread count).
    ///   - batching: dynamic batching, nil for none.
    ///   - pool: where executions run.
    ///   - execute: runs one batch and completes its jobs.
    public init(maxQueue: Int, concurrency: Int, batching: BatchingSettings?, pool: InferencePool, execute: @escaping Executor) {
        self.maxQueue = max(0, maxQueue)
        self.concurrency = max(1, concurrency)
        self.batching = batching
        self.pool = pool
        self.execute = execute
    }

    /// Requests waiting (not running).
    public var queuedCount: Int { state.withLock { $0.queued } }
    /// Requests waiting or running.
    public var pendingCount: Int { state.withLock { $0.queued + $0.runningRequests } }

    /// Queues a job, or throws `unavailable` when `maxQueue` requests are already waiting or running.
    ///
    /// - Parameters:
    ///   - job: the request.
    ///   - runInline: the caller is an inference thread: a batch ready at once runs on it instead of being
    ///     handed to another thread (one thread hop less per request).
    public func submit(_ job: ScheduledJob, runInline: Bool = false) throws(InferenceError) {
        var job = job
        let accepted = state.withLock { s -> Bool in
            guard s.queued + s.runningRequests < maxQueue else { return false }
            s.nextSequence += 1
            job.sequence = s.nextSequence
            s.levels[job.level, default: []].append(job)
            s.queued += 1
            return true
        }
        guard accepted else {
            throw InferenceError(
                .unavailable, "overloaded: exceeds maximum queue size (\(maxQueue) requests already queued or running); retry later")
        }
        if let deadline = job.deadline {
            let sequence = job.sequence
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                self?.expire(sequence)
            }
        }
        pump(runInline: runInline)
    }

    /// Drops a job still queued at its deadline.
    func expire(_ sequence: UInt64) {
        let dropped = state.withLock { s -> ScheduledJob? in
            for (level, jobs) in s.levels {
                if let i = jobs.firstIndex(where: { $0.sequence == sequence }) {
                    let job = s.levels[level]?.remove(at: i)
                    s.queued -= 1
                    return job
                }
            }
            return nil
        }
        if let dropped { reject(dropped, now: .now) }
    }

    func reject(_ job: ScheduledJob, now: ContinuousClock.Instant) {
        let timeout = job.deadline.map { $0 - job.enqueuedAt } ?? .zero
        var dropped = JobOutcome(
            result: .failure(
                InferenceError(.unavailable, "request timeout expired: still queued after its timeout of \(Self.microseconds(timeout)) µs")))
        dropped.queueNanoseconds = Self.nanoseconds(now - job.enqueuedAt)
        dropped.rejected = true
        // Completed here (a timer task or the dispatching thread, never an event loop), not queued behind
        // the busy inference threads the request timed out waiting for.
        job.complete(dropped)
    }

    /// The most urgent priority level with a job waiting (the lowest number), found without building a collection.
    static func firstNonEmptyLevel(_ levels: [Int: [ScheduledJob]]) -> Int? {
        var first: Int?
        for (level, jobs) in levels where !jobs.isEmpty {
            if first.map({ level < $0 }) ?? true { first = level }
        }
        return first
    }

    /// Starts every batch that is ready while threads are free, drops expired jobs, and arms the wake-up
    /// for a batch still waiting for its delay.
    func pump(runInline: Bool = false) {
        let now = ContinuousClock.now
        var expired: [ScheduledJob] = []
        var wake: ContinuousClock.Instant? = nil
        let batches = state.withLock { s -> [[ScheduledJob]] in
            var batches: [[ScheduledJob]] = []
            while s.running < concurrency {
                guard let level = Self.firstNonEmptyLevel(s.levels), let head = s.levels[level]?.first else { break }
                if let deadline = head.deadline, deadline <= now {
                    s.levels[level]?.removeFirst()
                    s.queued -= 1
                    expired.append(head)
                    continue
                }
                let picked: [ScheduledJob]
                if let batching, let key = head.batchKey {
                    var candidates = [head]
                    var rows = head.rows
                    var cumulative = [rows]
                    for l in s.levels.keys.sorted() {
                        for job in s.levels[l] ?? [] where job.sequence != head.sequence && job.batchKey == key {
                            if let d = job.deadline, d <= now { continue }
                            guard rows + job.rows <= batching.maxBatchSize else { continue }
                            candidates.append(job)
                            rows += job.rows
                            cumulative.append(rows)
                        }
                    }
                    let delay = Duration.microseconds(batching.maxQueueDelayMicroseconds)
                    let waited = now - head.enqueuedAt >= delay
                    if rows >= batching.maxBatchSize || waited || delay == .zero {
                        picked = candidates
                    } else if let n = cumulative.lastIndex(where: { batching.preferredBatchSizes.contains($0) }) {
                        picked = Array(candidates[0...n])
                    } else {
                        wake = head.enqueuedAt + delay
                        break
                    }
                } else {
                    picked = [head]
                }
                if picked.count == 1 {
                    s.levels[level]?.removeFirst()  // the head alone (the common case: no sets to build)
                } else {
                    let sequences = Set(picked.map(\.sequence))
                    for l in Set(picked.map(\.level)) { s.levels[l]?.removeAll { sequences.contains($0.sequence) } }
                }
                s.queued -= picked.count
                s.running += 1
                s.runningRequests += picked.count
                batches.append(picked)
            }
            if let w = wake {
                if let armed = s.wakeAt, armed <= w { wake = nil } else { s.wakeAt = w }
            }
            return batches
        }
        for job in expired { reject(job, now: now) }
        var inline: [ScheduledJob]? = nil
        for batch in batches {
            if runInline, inline == nil {
                inline = batch
                continue
            }
            pool.submit(
                { [self] in
                    execute(batch)
                    finished(batch.count)
                },
                otherwise: { [self] in
                    for job in batch { job.complete(JobOutcome(result: .failure(InferenceError(.unavailable, "the server is shutting down")))) }
                    finished(batch.count)
                })
        }
        if let wake {
            Task { [weak self] in
                try? await Task.sleep(until: wake, clock: .continuous)
                self?.woke(at: wake)
            }
        }
        if let inline {
            execute(inline)
            finished(inline.count)
        }
    }

    func woke(at instant: ContinuousClock.Instant) {
        state.withLock { s in if s.wakeAt == instant { s.wakeAt = nil } }
        pump()
    }

    func finished(_ requests: Int) {
        state.withLock { s in
            s.running -= 1
            s.runningRequests -= requests
        }
        pump()
    }

    static func nanoseconds(_ d: Duration) -> UInt64 {
        let (seconds, attoseconds) = d.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }

    static func microseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        return seconds &* 1_000_000 &+ attoseconds / 1_000_000_000_000
    }
}

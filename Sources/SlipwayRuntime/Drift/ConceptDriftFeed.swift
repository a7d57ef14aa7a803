import Logging
public import SlipwayMonitoring
import Synchronization

/// Where the concept-drift feed reads labelled predictions back: the prediction log, and each model's quality
/// output roles (which output holds the prediction).
public struct LabelledPredictionSource: Sendable {
    /// The latest prediction of `model` logged under each request id (those found), with its labels.
    public var predictions: @Sendable (_ model: String, _ requestIDs: [String]) async throws -> [StoredPrediction]
    /// The configured output roles of `model` (what is unset is read from the outputs).
    public var roles: @Sendable (_ model: String) -> OutputRoles

    public init(
        predictions: @escaping @Sendable (_ model: String, _ requestIDs: [String]) async throws -> [StoredPrediction],
        roles: @escaping @Sendable (_ model: String) -> OutputRoles
    ) {
        self.predictions = predictions
        self.roles = roles
    }

    /// Reads from `store` (on the store's own thread, never an event loop).
    public init(store: PredictionLogStore, roles: @escaping @Sendable (_ model: String) -> OutputRoles) {
        self.init(
            predictions: { model, ids in
                try await store.perform { store throws(PredictionLogError) in
                    var found: [StoredPrediction] = []
                    for id in ids {
                        if let prediction = try store.prediction(model: model, requestID: id) { found.append(prediction) }
                    }
                    return found
                }
            }, roles: roles)
    }
}

/// Feeds labels to the concept-drift detectors off the request path: the feedback route hands over the
/// request ids it joined (`submit`, which never blocks), and one task (`run`, inside the drift service)
/// reads those predictions back in arrival order, turns each example into an error (``OutcomeErrors``) and
/// feeds the model version's detector. A prediction is fed once: a second label for it (which replaces the
/// first in the log) does not feed the detector again.
final class ConceptDriftFeed: Sendable {
    struct Job: Sendable {
        var model: String
        var requestIDs: [String]
    }

    private let source: LabelledPredictionSource
    private let concept: ConceptDriftMonitor
    private let logger: Logger
    private let stream: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    /// Jobs submitted and not yet done.
    private let pending = Atomic<Int>(0)
    /// Row ids of predictions already fed (the newest `fedCapacity`), and the problems already logged.
    private let fed = Mutex(FedPredictions())
    private let warned = Mutex<Set<String>>([])

    /// Jobs waiting at most; beyond, new feedback is not fed (and a warning says so).
    static let queueCapacity = 10_000
    static let fedCapacity = 200_000

    init(source: LabelledPredictionSource, concept: ConceptDriftMonitor, logger: Logger) {
        self.source = source
        self.concept = concept
        self.logger = logger
        let made = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingOldest(Self.queueCapacity))
        stream = made.stream
        continuation = made.continuation
    }

    /// Hands over the request ids of newly joined labels of `model`; returns at once.
    func submit(model: String, requestIDs: [String]) {
        guard !requestIDs.isEmpty, concept.detector(for: model) != nil else { return }
        pending.add(1, ordering: .relaxed)
        if case .dropped = continuation.yield(Job(model: model, requestIDs: requestIDs)) {
            pending.subtract(1, ordering: .relaxed)
            logger.warning("concept drift: feedback queue full, labels not fed to the detector", metadata: ["model": "\(model)"])
        }
    }

    /// Jobs submitted and not yet fed.
    var pendingJobs: Int { pending.load(ordering: .relaxed) }

    /// Feeds jobs in order until `stop` is called (or the task is cancelled).
    func run() async {
        for await job in stream {
            await feed(job)
            pending.subtract(1, ordering: .relaxed)
        }
    }

    /// Ends `run` once the jobs already submitted are fed.
    func stop() { continuation.finish() }

    func feed(_ job: Job) async {
        guard let detector = concept.detector(for: job.model) else { return }
        let predictions: [StoredPrediction]
        do {
            predictions = try await source.predictions(job.model, job.requestIDs)
        } catch {
            logger.warning("concept drift: cannot read labelled predictions", metadata: ["model": "\(job.model)", "slipway.error": "\(error)"])
            return
        }
        let roles = source.roles(job.model)
        for prediction in predictions {
            guard prediction.entry.status == "ok", let version = prediction.entry.version, prediction.labels != nil else { continue }
            guard fed.withLock({ $0.insert(prediction.rowID) }) else { continue }
            switch OutcomeErrors.errors(of: prediction, roles: roles, detector: detector) {
            case .success(let errors):
                for error in errors {
                    do {
                        try await concept.recordOutcome(model: job.model, version: String(version), error: error)
                    } catch {
                        warnOnce(model: job.model, "\(error)")
                    }
                }
            case .failure(let failure):
                warnOnce(model: job.model, failure.description)
            }
        }
    }

    private func warnOnce(model: String, _ message: String) {
        guard warned.withLock({ $0.insert("\(model)\u{0}\(message)").inserted }) else { return }
        logger.warning("concept drift: labels not fed to the detector", metadata: ["model": "\(model)", "reason": "\(message)"])
    }
}

/// The row ids of the newest fed predictions: a set, and their insertion order to forget the oldest.
struct FedPredictions {
    private var ids = Set<Int64>()
    private var order: [Int64] = []
    private var head = 0

    /// True when `id` was not fed yet (it is remembered from now on).
    mutating func insert(_ id: Int64) -> Bool {
        guard ids.insert(id).inserted else { return false }
        order.append(id)
        if order.count - head > ConceptDriftFeed.fedCapacity {
            ids.remove(order[head])
            head += 1
            if head > ConceptDriftFeed.fedCapacity {
                order.removeFirst(head)
                head = 0
            }
        }
        return true
    }
}

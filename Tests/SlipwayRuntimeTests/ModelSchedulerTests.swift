import Dispatch
import Foundation
import SlipwayEngine
import SlipwayONNX
import SlipwayRuntime
import SlipwayTensor
import SlipwayTestSupport
import Synchronization
import Testing

/// Collects job outcomes by request id.
final class Completions: Sendable {
    let outcomes = Mutex<[String: JobOutcome]>([:])
    let stream: AsyncStream<String>
    let continuation: AsyncStream<String>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream(of: String.self) }

    func job(
        _ id: String, rows: Int = 1, key: BatchKey? = nil, level: Int = 1, deadline: ContinuousClock.Instant? = nil,
        request: InferenceRequest? = nil
    ) -> ScheduledJob {
        var request = request ?? InferenceRequest(inputs: [])
        request.id = id
        return ScheduledJob(
            request: request, rows: rows, batchKey: key, level: level, deadline: deadline,
            complete: { outcome in
                self.outcomes.withLock { $0[id] = outcome }
                self.continuation.yield(id)
            })
    }

    /// Waits for `count` more completions; returns their ids in completion order.
    func next(_ count: Int) async -> [String] {
        var ids: [String] = []
        for await id in stream {
            ids.append(id)
            if ids.count == count { break }
        }
        return ids
    }

    subscript(id: String) -> JobOutcome? { outcomes.withLock { $0[id] } }
}

/// The order jobs ran in.
final class RunOrder: Sendable {
    let ids = Mutex<[String]>([])
    var all: [String] { ids.withLock { $0 } }
}

/// Runs jobs one by one in the pool thread, blocking on `gate` for the job named `first`.
func recordingExecutor(gate: DispatchSemaphore, order: RunOrder) -> ModelScheduler.Executor {
    { jobs in
        for job in jobs {
            if job.request.id == "first" { gate.wait() }
            order.ids.withLock { $0.append(job.request.id ?? "") }
            job.complete(JobOutcome(result: .success([])))
        }
    }
}

/// Waits (bounded) until `condition` holds; not a timing assertion, only a synchronisation point.
func eventually(_ condition: () -> Bool) async throws {
    for _ in 0..<2000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
    #expect(condition())
}

@Suite struct ModelSchedulerTests {
    @Test func higherPriorityRunsFirstFIFOWithinALevel() async throws {
        let pool = InferencePool(threads: 1)
        let gate = DispatchSemaphore(value: 0)
        let order = RunOrder()
        let scheduler = ModelScheduler(maxQueue: 10, concurrency: 1, batching: nil, pool: pool, execute: recordingExecutor(gate: gate, order: order))
        let done = Completions()
        try scheduler.submit(done.job("first"))
        try await eventually { scheduler.queuedCount == 0 }
        for (id, level) in [("low-1", 2), ("high-1", 1), ("low-2", 2), ("high-2", 1), ("lowest", 3)] {
            try scheduler.submit(done.job(id, level: level))
        }
        #expect(scheduler.queuedCount == 5)
        gate.signal()
        _ = await done.next(6)
        #expect(order.all == ["first", "high-1", "high-2", "low-1", "low-2", "lowest"])
    }

    @Test func aRequestStillQueuedAtItsTimeoutIsDropped() async throws {
        let pool = InferencePool(threads: 1)
        let gate = DispatchSemaphore(value: 0)
        let order = RunOrder()
        let scheduler = ModelScheduler(maxQueue: 10, concurrency: 1, batching: nil, pool: pool, execute: recordingExecutor(gate: gate, order: order))
        let done = Completions()
        try scheduler.submit(done.job("first"))
        try await eventually { scheduler.queuedCount == 0 }
        try scheduler.submit(done.job("late", deadline: .now + .milliseconds(20)))
        #expect(await done.next(1) == ["late"])
        let outcome = try #require(done["late"])
        guard case .failure(let error) = outcome.result else {
            Issue.record("the timed-out request ran")
            return
        }
        #expect(error.code == .unavailable)
        #expect(error.message.contains("timeout"))
        #expect(outcome.rejected)
        gate.signal()
        #expect(await done.next(1) == ["first"])
        #expect(order.all == ["first"])
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        let pool = InferencePool(threads: 1)
        let gate = DispatchSemaphore(value: 0)
        let order = RunOrder()
        let scheduler = ModelScheduler(maxQueue: 2, concurrency: 1, batching: nil, pool: pool, execute: recordingExecutor(gate: gate, order: order))
        let done = Completions()
        try scheduler.submit(done.job("first"))
        try scheduler.submit(done.job("second"))
        #expect(scheduler.pendingCount == 2)
        #expect {
            try scheduler.submit(done.job("third"))
        } throws: { error in
            (error as? InferenceError)?.code == .unavailable && "\(error)".contains("exceeds maximum queue size")
        }
        gate.signal()
        _ = await done.next(2)
        #expect(scheduler.pendingCount == 0)
        try scheduler.submit(done.job("after"))
        _ = await done.next(1)
    }

    // MARK: - Dynamic batching on a real model

    /// y = Identity(x), s = ReduceSum(x, axis 1): x FP32 [N, 3].
    static func rowModel() throws -> LoadedModel {
        var b = ONNXModelBuilder()
        b.input("x", .float32, ["N", 3])
        b.output("y", .float32, ["N", 3])
        b.output("s", .float32, ["N"])
        b.node("Identity", inputs: ["x"], outputs: ["y"])
        b.initializer("axes", try Tensor(shape: [1], elements: [Int64(1)]))
        b.node("ReduceSum", inputs: ["x", "axes"], outputs: ["s"], attributes: ["keepdims": .int(0)])
        return try LoadedModel(name: "rows", model: ModelImporter().load(data: b.data()))
    }

    static func request(_ id: String, rows: Int, start: Float) throws -> InferenceRequest {
        let values = (0..<(rows * 3)).map { "\(start + Float($0))" }.joined(separator: ",")
        return try InferenceRequest.decode(
            json: Array(#"{"id":"\#(id)","inputs":[{"name":"x","shape":[\#(rows),3],"datatype":"FP32","data":[\#(values)]}]}"#.utf8))
    }

    func served(_ batching: BatchingSettings, threads: Int = 1) throws -> ServedModel {
        var settings = ServingSettings()
        settings.batching = batching
        return ServedModel(model: try Self.rowModel(), version: 1, settings: settings, maxQueue: 100, pool: InferencePool(threads: threads))
    }

    @Test func batchingJoinsMixedRowCountsAndSplitsThemBack() async throws {
        let served = try served(BatchingSettings(maxBatchSize: 6, maxQueueDelayMicroseconds: 60_000_000))
        #expect(served.batchable)
        let done = Completions()
        let requests = [
            try Self.request("a", rows: 1, start: 0), try Self.request("b", rows: 3, start: 100), try Self.request("c", rows: 2, start: 200),
        ]
        for request in requests {
            let key = try #require(BatchKey.of(request, modelInputs: ["x"]))
            try served.scheduler.submit(done.job(request.id ?? "", rows: key.rows, key: key.key, request: request))
        }
        _ = await done.next(3)
        for request in requests {
            let outcome = try #require(done[request.id ?? ""])
            #expect(outcome.batchSize == 6)
            let outputs = try outcome.result.get()
            let x = request.inputs[0].tensor
            let y = outputs.first { $0.name == "y" }?.value
            let s = outputs.first { $0.name == "s" }?.value
            guard case .tensor(let yt)? = y, case .tensor(let st)? = s else {
                Issue.record("missing outputs")
                continue
            }
            #expect(yt.shape == x.shape)
            #expect(yt.floats() == x.floats())
            let rows = x.shape[0]
            let xs = x.floats() ?? []
            #expect(st.shape == [rows])
            #expect(st.floats() == (0..<rows).map { r in xs[(r * 3)..<(r * 3 + 3)].reduce(0, +) })
        }
        let stats = served.statistics.snapshot
        #expect(stats.executionCount == 1)
        #expect(stats.batches[6]?.computeInfer.count == 1)
    }

    @Test func aPreferredSizeRunsWithoutWaitingForTheDelay() async throws {
        let served = try served(BatchingSettings(maxBatchSize: 8, maxQueueDelayMicroseconds: 60_000_000, preferredBatchSizes: [2]))
        let done = Completions()
        for (i, id) in ["p", "q"].enumerated() {
            let request = try Self.request(id, rows: 1, start: Float(i))
            let key = try #require(BatchKey.of(request, modelInputs: ["x"]))
            try served.scheduler.submit(done.job(id, rows: 1, key: key.key, request: request))
        }
        _ = await done.next(2)
        #expect(done["p"]?.batchSize == 2)
        #expect(served.statistics.snapshot.executionCount == 1)
    }

    @Test func requestsWithDifferentInnerShapesAreNotJoined() throws {
        let a = try InferenceRequest.decode(json: Array(#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}"#.utf8))
        let b = try InferenceRequest.decode(json: Array(#"{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,2]}]}"#.utf8))
        let c = try InferenceRequest.decode(json: Array(#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]}"#.utf8))
        let scalar = try InferenceRequest.decode(json: Array(#"{"inputs":[{"name":"x","shape":[],"datatype":"FP32","data":[1]}]}"#.utf8))
        #expect(BatchKey.of(a, modelInputs: ["x"])?.key != BatchKey.of(b, modelInputs: ["x"])?.key)
        #expect(BatchKey.of(a, modelInputs: ["x"])?.key == BatchKey.of(c, modelInputs: ["x"])?.key)
        #expect(BatchKey.of(c, modelInputs: ["x"])?.rows == 2)
        #expect(BatchKey.of(scalar, modelInputs: ["x"]) == nil)
        #expect(BatchKey.of(a, modelInputs: ["x", "z"]) == nil)
    }

    @Test func splitRefusesOutputsWithoutOneRowPerElement() throws {
        let constant = Value.tensor(try Tensor(shape: [2], elements: [Float(1), 2]))
        #expect(BatchAssembly.split(constant, rows: [1, 2]) == nil)
        let rows = Value.tensor(try Tensor(shape: [3, 2], elements: (0..<6).map { Int64($0) }))
        let parts = try #require(BatchAssembly.split(rows, rows: [1, 2]))
        guard case .tensor(let second) = parts[1] else { return }
        #expect(second.shape == [2, 2])
        #expect(second.elements(as: Int64.self) == [2, 3, 4, 5])
    }
}

@Suite struct ResponseCacheTests {
    static func request(_ values: [Float], outputs: [String]? = nil) throws -> InferenceRequest {
        let data = values.map { "\($0)" }.joined(separator: ",")
        let requested = outputs.map { names in #","outputs":["# + names.map { #"{"name":"\#($0)"}"# }.joined(separator: ",") + "]" } ?? ""
        return try InferenceRequest.decode(
            json: Array(#"{"inputs":[{"name":"x","shape":[1,\#(values.count)],"datatype":"FP32","data":[\#(data)]}]\#(requested)}"#.utf8))
    }

    @Test func keysDependOnDataShapeAndRequestedOutputs() throws {
        let a = ResponseCache.key(for: try Self.request([1, 2, 3]))
        #expect(a == ResponseCache.key(for: try Self.request([1, 2, 3])))
        #expect(a != ResponseCache.key(for: try Self.request([1, 2, 4])))
        #expect(a != ResponseCache.key(for: try Self.request([1, 2, 3, 0])))
        #expect(a != ResponseCache.key(for: try Self.request([1, 2, 3], outputs: ["y"])))
    }

    @Test func leastRecentlyUsedEntriesGoFirstWithinTheByteBound() throws {
        let output = [(name: "y", value: Value.tensor(try Tensor(shape: [100], elements: [Float](repeating: 1, count: 100))))]
        let entry = 64 + 64 + 1 + 400
        let cache = ResponseCache(capacityBytes: entry * 2)
        let keys = try (0..<3).map { ResponseCache.key(for: try Self.request([Float($0)])) }
        cache.insert(keys[0], outputs: output)
        cache.insert(keys[1], outputs: output)
        #expect(cache.lookup(keys[0]) != nil)  // 0 is now more recent than 1
        cache.insert(keys[2], outputs: output)
        #expect(cache.count == 2)
        #expect(cache.bytes <= entry * 2)
        #expect(cache.lookup(keys[1]) == nil)
        #expect(cache.lookup(keys[0]) != nil)
        #expect(cache.lookup(keys[2]) != nil)
        #expect(cache.hits == 3)
        #expect(cache.misses == 1)
    }
}

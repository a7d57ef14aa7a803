import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import SlipwayHTTP
@testable import SlipwayRuntime

/// Connections are handled on their event loops (``EventLoopChildChannel``), and inference still never runs on
/// one: not inline, not through the responder, not when the runtime is called from a loop.
@Suite struct EventLoopChildChannelTests {
    /// Records, for each finished inference, whether it finished on an event loop.
    final class ThreadRecorder: InferenceObserver {
        let onLoop = Mutex<[Bool]>([])
        func record(_ record: InferenceRecord) {
            let here = MultiThreadedEventLoopGroup.currentEventLoop != nil
            onLoop.withLock { $0.append(here) }
        }
    }

    @Test func theExecutorRunsJobsOnItsLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (first, afterSuspending) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let first = loop.inEventLoop
            try? await Task.sleep(for: .milliseconds(1))
            return (first, loop.inEventLoop)
        }
        #expect(first && afterSuspending)
        #expect(!loop.inEventLoop)
        try await group.shutdownGracefully()
    }

    /// Over a real socket: the cheap `echo` model becomes inline-eligible after its first executions; every request
    /// is answered, and none ran on an event loop.
    @Test func inferenceNeverRunsOnAnEventLoop() async throws {
        let recorder = ThreadRecorder()
        let models = RegistryModelProvider(service: try V2Fixtures.registry())
        let app = buildApplication(
            configuration: .init(port: 0, inferenceThreads: 2), models: models, logger: Logger(label: "slipway-test"), observer: recorder)
        let requests = ServedModel.inlineMinimumExecutions * 3
        try await app.test(.live) { client in
            for i in 0..<requests {
                let uri = i % 4 == 3 ? "/v2/models/iris/infer" : "/v2/models/echo/infer"
                let body = uri.contains("iris") ? V2Fixtures.irisRequest : V2Fixtures.echoRequest
                let response = try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body))
                #expect(response.status == .ok, "request \(i)")
            }
            let health = try await client.execute(uri: "/v2/health/ready", method: .get)
            #expect(health.status == .ok)
        }
        let onLoop = recorder.onLoop.withLock { $0 }
        #expect(onLoop.count == requests && !onLoop.contains(true))
    }

    /// Called on an event loop, a version that would run inline goes to the inference pool instead.
    @Test func theRuntimeDoesNotRunInlineOnAnEventLoop() async throws {
        let recorder = ThreadRecorder()
        let pool = InferencePool(threads: 1)
        let served = ServedModels(
            source: RegistryModelProvider(service: try V2Fixtures.registry()), pool: pool, observer: recorder)
        await served.refresh()
        @Sendable func infer() async -> Bool {
            await withCheckedContinuation { continuation in
                served.infer(body: Array(V2Fixtures.echoRequest.utf8), jsonLength: nil, model: "echo", version: nil) {
                    continuation.resume(returning: (try? $0.get()) != nil)
                }
            }
        }
        for _ in 0..<ServedModel.inlineMinimumExecutions { #expect(await infer()) }
        #expect(served.runsInline(model: "echo", version: nil))
        // Off a loop it now runs on the caller's thread; on a loop, on the pool.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let answered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            loop.execute {
                served.infer(body: Array(V2Fixtures.echoRequest.utf8), jsonLength: nil, model: "echo", version: nil) {
                    continuation.resume(returning: (try? $0.get()) != nil)
                }
            }
        }
        #expect(answered)
        let onLoop = recorder.onLoop.withLock { $0 }
        #expect(onLoop.count == ServedModel.inlineMinimumExecutions + 1 && !onLoop.contains(true))
        try await group.shutdownGracefully()
    }

    /// Routes other than inference are answered off the event loop (they may read databases or files).
    @Test func otherRoutesRunOffTheEventLoop() async throws {
        let router = Router(context: SlipwayRequestContext.self)
        router.get("where") { _, _ in MultiThreadedEventLoopGroup.currentEventLoop == nil ? "pool" : "loop" }
        let pool = InferencePool(threads: 1)
        let served = ServedModels(source: RegistryModelProvider(service: try V2Fixtures.registry()), pool: pool)
        let app = Application(
            responder: SlipwayResponder(router: router, controller: V2Controller(models: served, configuration: .init(port: 0))),
            server: .eventLoopHTTP1(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/where", method: .get)
            #expect(String(buffer: response.body) == "pool")
        }
    }
}

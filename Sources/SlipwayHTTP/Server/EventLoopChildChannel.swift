public import HummingbirdCore
public import Logging
public import NIOCore

/// Runs each connection's request loop on the connection's own event loop instead of Swift's global pool.
///
/// Hummingbird reads a request on the channel's event loop and hands it to the connection's task, which by
/// default runs on the global concurrent pool; the response then goes back to the event loop. That is two
/// thread hops (a wake-up and a context switch each) per request on top of the inference pool's. With this
/// wrapper the task prefers an executor that runs its jobs on the event loop (`withTaskExecutorPreference`),
/// so the request is handled where it was read and the response written where it is handled; only the hop to
/// the inference pool and back remains for inference. Work that may block or run long leaves the event loop:
/// inference runs on the inference pool (never inline on an event loop, see `ServedModels.infer`), and every
/// request that is not inference is answered on the global pool (``SlipwayResponder``).
public struct EventLoopChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value
    let base: Base

    public init(_ base: Base) { self.base = base }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

/// A task executor that runs jobs on one event loop (see ``EventLoopChildChannel``). The loop must outlive the
/// tasks that prefer it (a job enqueued on a loop that has shut down is dropped): it is the connection's, and the
/// server drains its connections before its event loop group stops (Hummingbird's default group, the process-wide
/// singleton, never does).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection's requests handled on its event loop (``EventLoopChildChannel``).
    public static func eventLoopHTTP1(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        HTTPServerBuilder { EventLoopChildChannel(HTTP1Channel(responder: $0, configuration: configuration)) }
    }
}

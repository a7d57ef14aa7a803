import NIOCore
import NIOPosix
public import ServiceLifecycle

/// The threads inference runs on: a fixed-size `NIOThreadPool`, so model execution never blocks an event
/// loop or the cooperative pool. Work submitted after shutdown began is refused with `unavailable`.
///
/// A `Service`: put it in the server's `ServiceGroup` *before* the HTTP server, so that on shutdown the server
/// drains its in-flight requests first and the pool stops last.
public final class InferencePool: Service, Sendable {
    public let threadCount: Int
    private let pool: NIOThreadPool

    /// - Parameters:
    ///   - threads: how many requests run at once; nil for the number of cores.
    public init(threads: Int? = nil) {
        threadCount = max(1, threads ?? System.coreCount)
        pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
    }

    /// Runs `body` on a pool thread and returns its result; `unavailable` once the pool is shutting down.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws(InferenceError) -> T) async throws(InferenceError) -> T {
        do {
            return try await pool.runIfActive { () throws -> T in try body() }
        } catch let error as InferenceError {
            throw error
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw InferenceError(.unavailable, "the server is shutting down")
        } catch {
            throw InferenceError.wrap(error)
        }
    }

    /// Runs `body` on a pool thread without waiting for it; once the pool is shutting down, runs `otherwise`
    /// instead (on the calling thread). The scheduler's batches and the request pipeline use this.
    public func submit(_ body: @escaping @Sendable () -> Void, otherwise: @escaping @Sendable () -> Void = {}) {
        pool.submit { state in
            switch state {
            case .active: body()
            case .cancelled: otherwise()
            }
        }
    }

    /// Waits for graceful shutdown (or cancellation), then lets queued work finish and stops the threads.
    public func run() async throws {
        try? await gracefulShutdown()
        try await pool.shutdownGracefully()
    }
}

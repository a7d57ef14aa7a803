import Dispatch
public import SlipwayEngine

/// Intra-op parallelism on Dispatch's global thread pool: the engine's kernels split a large batch into
/// pieces (`RunContext.rowChunks`) and this runs them at once.
public struct DispatchParallelExecutor: ParallelExecutor {
    public init() {}

    public func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

extension RunContext {
    /// A context for `threads` threads per kernel call (1: everything on the caller's thread).
    public static func threads(_ threads: Int) -> RunContext {
        RunContext(threads: max(threads, 1), executor: threads > 1 ? DispatchParallelExecutor() : nil)
    }
}

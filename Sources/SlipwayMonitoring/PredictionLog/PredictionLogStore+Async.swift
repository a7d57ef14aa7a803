import Dispatch

extension PredictionLogStore {
    /// Runs blocking store work on a dispatch thread and waits without blocking the caller's thread (an
    /// event loop or the cooperative pool).
    public func perform<T: Sendable>(_ body: @escaping @Sendable (PredictionLogStore) throws(PredictionLogError) -> T)
        async throws(PredictionLogError) -> T
    {
        try await run(on: .global(), body)
    }

    /// Like ``perform(_:)``, on the store's own serial writer queue: for the prediction writer's steady stream
    /// of inserts, which would otherwise hold one of the few pool threads that run requests for each batch.
    public func performOnWriterQueue<T: Sendable>(_ body: @escaping @Sendable (PredictionLogStore) throws(PredictionLogError) -> T)
        async throws(PredictionLogError) -> T
    {
        try await run(on: writerQueue, body)
    }

    private func run<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable (PredictionLogStore) throws(PredictionLogError) -> T)
        async throws(PredictionLogError) -> T
    {
        let result: Result<T, PredictionLogError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(PredictionLogError) {
                    continuation.resume(returning: .success(try body(self)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

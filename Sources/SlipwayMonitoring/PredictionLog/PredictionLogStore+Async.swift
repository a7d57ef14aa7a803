import Dispatch

extension PredictionLogStore {
    /// Runs blocking store work on a dispatch thread and waits without blocking the caller's thread (an
    /// event loop or the cooperative pool).
    public func perform<T: Sendable>(_ body: @escaping @Sendable (PredictionLogStore) throws(PredictionLogError) -> T)
        async throws(PredictionLogError) -> T
    {
        let result: Result<T, PredictionLogError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
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

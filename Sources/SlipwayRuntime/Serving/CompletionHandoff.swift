import Synchronization

/// Hands a completion-callback result to an async caller without suspending it when the callback already ran.
///
/// ``ServedModels/infer(body:jsonLength:model:version:requestID:completion:)`` calls its completion on the caller's
/// thread when a cheap model's request runs inline, and later on a pool thread otherwise. A continuation would
/// suspend the caller's task and enqueue it again on its executor even in the first case (a task switch per
/// request); ``result()`` returns at once when the result is already here and suspends only when it is not.
///
/// ```swift
/// let handoff = CompletionHandoff<Result<EncodedResponse, InferenceError>>()
/// models.infer(body: body, jsonLength: nil, model: "iris", version: nil) { handoff.complete($0) }
/// let result = await handoff.result()
/// ```
public final class CompletionHandoff<Value: Sendable>: Sendable {
    private enum State {
        case pending
        case done(Value)
        case waiting(CheckedContinuation<Value, Never>)
        case delivered
    }

    private let state = Mutex<State>(.pending)

    public init() {}

    /// Delivers the value (call once): resumes a waiting caller, or keeps the value for ``result()``.
    public func complete(_ value: Value) {
        let waiting: CheckedContinuation<Value, Never>? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                state = .delivered
                return continuation
            case .pending:
                state = .done(value)
                return nil
            case .done, .delivered:
                // A second completion is a caller's bug; the first value stands.
                return nil
            }
        }
        waiting?.resume(returning: value)
    }

    /// The value: at once when ``complete(_:)`` already ran, else when it does (call once).
    public func result() async -> Value {
        if let value = takeIfDone() { return value }
        return await withCheckedContinuation { continuation in
            let ready: Value? = state.withLock { state in
                switch state {
                case .done(let value):
                    state = .delivered
                    return value
                case .pending:
                    state = .waiting(continuation)
                    return nil
                case .waiting, .delivered:
                    // A second call is a caller's bug: the value went to the first, and this one never returns.
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func takeIfDone() -> Value? {
        state.withLock { state in
            guard case .done(let value) = state else { return nil }
            state = .delivered
            return value
        }
    }
}

import Synchronization

/// Appends to the audit trail from many requests at once with group commit: appends that arrive while a
/// transaction is being written wait and are written together in the next one, so the trail keeps up with
/// the server at one transaction per batch rather than per request. Each caller still gets its own entry
/// (or error) back only after its entry is committed.
public final class AuditWriter: Sendable {
    struct Pending {
        var event: AuditEvent
        var continuation: CheckedContinuation<AuditEntry, any Error>
    }

    struct State {
        var pending: [Pending] = []
        var flushing = false
    }

    public let log: AuditLog
    private let state = Mutex(State())
    /// The most entries written in one transaction.
    let maxBatch: Int

    public init(log: AuditLog, maxBatch: Int = 512) {
        self.log = log
        self.maxBatch = maxBatch
    }

    /// Appends an event; returns once it is committed. Throws `storage` when it cannot be written.
    @discardableResult
    public func append(_ event: AuditEvent) async throws(SecurityError) -> AuditEntry {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let starts = state.withLock { state -> Bool in
                    state.pending.append(Pending(event: event, continuation: continuation))
                    if state.flushing { return false }
                    state.flushing = true
                    return true
                }
                // One flusher at a time; it drains everything queued, then stops until the next append.
                if starts { Task { await self.flush() } }
            }
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.storage, "cannot write the audit trail: \(error)")
        }
    }

    private func flush() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let entries = try await log.append(batch.map(\.event))
                for (pending, entry) in zip(batch, entries) { pending.continuation.resume(returning: entry) }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }
}

import Synchronization

/// Appends to the audit trail from many requests at once with group commit: entries that arrive while a
/// transaction is being written wait and are written together in the next one, so the trail keeps up with
/// the server at one transaction per batch rather than per request.
///
/// Two ways in:
/// - ``append(_:)`` returns once the entry is committed (or throws): for changes, whose entry is part of the
///   action — an action whose entry cannot be written does not happen.
/// - ``record(_:)`` queues the entry for the next group commit and returns at once: for accesses (inference,
///   reads), so a request does not wait for a disk write. Nothing queued is dropped: a failed commit keeps
///   its entries queued and retries; while the trail cannot be written, or when the queue holds
///   ``capacity`` entries, `record` throws and the access is refused. ``drain()`` (at shutdown) returns once
///   everything queued is committed, or at once while the trail cannot be written.
public final class AuditWriter: Sendable {
    struct Pending {
        var event: AuditEvent
        var continuation: CheckedContinuation<AuditEntry, any Error>?
    }

    struct State {
        var pending: [Pending] = []
        var flushing = false
        /// Why the last commit failed, while entries wait to be retried.
        var failure: SecurityError?
        var drained: [CheckedContinuation<Bool, Never>] = []
        /// Queued entries whose callers wait for the commit (``append(_:)``).
        var waiting = 0
    }

    public let log: AuditLog
    private let state = Mutex(State())
    /// The most entries written in one transaction.
    let maxBatch: Int
    /// The most entries ``record(_:)`` lets wait.
    public let capacity: Int
    /// The pause before a failed commit is retried.
    let retryDelay: Duration
    /// How long queued accesses may wait to be joined by others before they are committed (no caller waits
    /// for them; a change, a full batch or a drain starts the commit within ``waitSlice``).
    let recordDelay: Duration

    public init(
        log: AuditLog, maxBatch: Int = 512, capacity: Int = 65_536, retryDelay: Duration = .milliseconds(200),
        recordDelay: Duration = .milliseconds(10)
    ) {
        self.log = log
        self.maxBatch = maxBatch
        self.capacity = capacity
        self.retryDelay = retryDelay
        self.recordDelay = recordDelay
    }

    /// Appends an event; returns once it is committed. Throws `storage` when it cannot be written.
    @discardableResult
    public func append(_ event: AuditEvent) async throws(SecurityError) -> AuditEntry {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let starts = state.withLock { state -> Bool in
                    state.pending.append(Pending(event: event, continuation: continuation))
                    state.waiting += 1
                    return Self.claimFlush(&state)
                }
                if starts { Task { await self.flush() } }
            }
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.storage, "cannot write the audit trail: \(error)")
        }
    }

    /// Queues an event for the next group commit without waiting for it. Throws `storage` while the trail
    /// cannot be written (the last commit failed) and also when ``capacity`` entries already wait
    /// (both answer 503: the access is refused rather than left unrecorded).
    public func record(_ event: AuditEvent) throws(SecurityError) {
        let result = state.withLock { state -> Result<Bool, SecurityError> in
            if let failure = state.failure { return .failure(failure) }
            guard state.pending.count < capacity else {
                return .failure(SecurityError(.storage, "the audit trail is behind (\(capacity) entries waiting); try again"))
            }
            state.pending.append(Pending(event: event, continuation: nil))
            return .success(Self.claimFlush(&state))
        }
        switch result {
        case .failure(let error): throw error
        case .success(let starts): if starts { Task { await self.flush() } }
        }
    }

    /// Waits until every entry queued so far is committed and returns true; returns false at once when the
    /// last commit failed (the entries stay queued and are retried while the process runs).
    @discardableResult
    public func drain() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let now = state.withLock { state -> Bool? in
                if state.pending.isEmpty && !state.flushing { return true }
                if state.failure != nil { return false }
                state.drained.append(continuation)
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// Why an access would be refused now (the last commit failed, or the queue is full); nil when
    /// ``record(_:)`` would accept an entry.
    public var refusal: SecurityError? {
        state.withLock { state in
            if let failure = state.failure { return failure }
            return state.pending.count < capacity
                ? nil : SecurityError(.storage, "the audit trail is behind (\(capacity) entries waiting); try again")
        }
    }

    /// Entries waiting to be committed.
    public var queued: Int { state.withLock { $0.pending.count } }

    /// The longest a change waits behind queued accesses before its commit starts.
    static let waitSlice = Duration.milliseconds(2)

    /// Whether the next commit should start now: a caller waits for it, a batch is full, or a drain waits.
    private var isUrgent: Bool { state.withLock { $0.waiting > 0 || $0.pending.count >= maxBatch || !$0.drained.isEmpty } }

    private static func claimFlush(_ state: inout State) -> Bool {
        if state.flushing { return false }
        state.flushing = true
        return true
    }

    /// One flusher at a time; it drains everything queued, then stops until the next entry.
    private func flush() async {
        while true {
            // Accesses alone wait up to `recordDelay` for company (fewer, larger transactions), in short slices so
            // that a change, a full batch or a drain arriving meanwhile is committed within one slice.
            var waited = Duration.zero
            while waited < recordDelay, !isUrgent {
                let slice = min(Self.waitSlice, recordDelay - waited)
                try? await Task.sleep(for: slice)
                waited += slice
            }
            let batch = state.withLock { state -> [Pending] in
                Array(state.pending.prefix(maxBatch))
            }
            if batch.isEmpty {
                let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>]? in
                    // An entry may have arrived since the batch was taken: keep flushing then.
                    guard state.pending.isEmpty else { return nil }
                    state.flushing = false
                    defer { state.drained = [] }
                    return state.drained
                }
                guard let waiters else { continue }
                for waiter in waiters { waiter.resume(returning: true) }
                return
            }
            do {
                let entries = try await log.append(batch.map(\.event))
                state.withLock { state in
                    state.pending.removeFirst(batch.count)
                    state.failure = nil
                    state.waiting -= batch.count(where: { $0.continuation != nil })
                }
                for (pending, entry) in zip(batch, entries) { pending.continuation?.resume(returning: entry) }
            } catch {
                // Waiting callers get the error (their action fails); queued records stay and are retried.
                let drained = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
                    state.pending.removeFirst(batch.count)
                    state.pending.insert(contentsOf: batch.filter { $0.continuation == nil }, at: 0)
                    state.failure = error
                    state.waiting -= batch.count(where: { $0.continuation != nil })
                    defer { state.drained = [] }
                    return state.drained
                }
                for pending in batch { pending.continuation?.resume(throwing: error) }
                for waiter in drained { waiter.resume(returning: false) }
                try? await Task.sleep(for: retryDelay)
            }
        }
    }
}

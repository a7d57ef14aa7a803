import Synchronization

/// The in-memory queue between request threads and the prediction log's writer: bounded, so a stalled disk
/// costs dropped rows (counted) rather than memory. `push` never blocks.
public final class PredictionLogQueue: Sendable {
    /// Entries held at most; past it, new entries are dropped and counted.
    public let capacity: Int

    private struct State {
        var entries: [PredictionRow] = []
        var dropped = 0
    }

    private let state = Mutex(State())

    public init(capacity: Int = 65_536) { self.capacity = max(1, capacity) }

    /// Queues a row; false (and counted) when the queue is full.
    @discardableResult
    public func push(_ row: PredictionRow) -> Bool {
        state.withLock { state in
            guard state.entries.count < capacity else {
                state.dropped += 1
                return false
            }
            state.entries.append(row)
            return true
        }
    }

    /// Queues an entry (encoded as a row); false (and counted) when the queue is full.
    @discardableResult
    public func push(_ entry: PredictionEntry) -> Bool { push(PredictionRow(entry)) }

    /// Takes up to `limit` queued entries, oldest first.
    public func drain(limit: Int = .max) -> [PredictionRow] {
        state.withLock { state in
            if state.entries.count <= limit {
                defer { state.entries.removeAll(keepingCapacity: true) }
                return state.entries
            }
            let batch = Array(state.entries.prefix(limit))
            state.entries.removeFirst(limit)
            return batch
        }
    }

    /// Entries waiting to be written.
    public var depth: Int { state.withLock { $0.entries.count } }

    /// Entries dropped because the queue was full, since start.
    public var dropped: Int { state.withLock { $0.dropped } }
}

import Synchronization

/// The results of the pieces of one parallel kernel call, filled in from several threads.
final class ChunkResults<T: Sendable>: Sendable {
    private let slots: Mutex<[Result<[T], any Error>?]>

    init(count: Int) { slots = Mutex([Result<[T], any Error>?](repeating: nil, count: count)) }

    func store(_ index: Int, _ result: Result<[T], any Error>) {
        slots.withLock { $0[index] = result }
    }

    /// The pieces in order; the first error (in piece order) is thrown.
    func concatenated() throws -> [T] {
        let all = slots.withLock { $0 }
        var values: [T] = []
        for slot in all {
            guard let slot else { throw EngineError.runtime("a parallel piece of work did not run") }
            values += try slot.get()
        }
        return values
    }
}

import Foundation
import GRDB
import SlipwayStorage
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a large cell of the prediction log lives when it is not in the row: `length` bytes at `offset` of segment
/// file `segment`. Stored in the cell's place as 24 bytes: `SWP1`, the segment (8 bytes), the offset (8) and the
/// length (4), little-endian. No other cell has that form: a plain tensor blob starts with its tensor count (`SWP1`
/// would claim ~827 million tensors in 24 bytes) and a sealed one with `SWE1`.
struct PayloadReference: Sendable, Equatable {
    var segment: Int64
    var offset: Int64
    var length: Int

    static let magic: [UInt8] = Array("SWP1".utf8)
    static let size = 24

    var encoded: [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.size)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: segment >> shift)) }
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: offset >> shift)) }
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> shift)) }
        return bytes
    }

    /// The reference a stored cell holds; nil when the cell holds its bytes itself.
    init?(cell: [UInt8]) {
        guard cell.count == Self.size, cell[0] == Self.magic[0], cell[1] == Self.magic[1], cell[2] == Self.magic[2], cell[3] == Self.magic[3]
        else { return nil }
        func word(_ start: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in 0..<count { value |= UInt64(cell[start + i]) << (8 * UInt64(i)) }
            return value
        }
        segment = Int64(bitPattern: word(4, 8))
        offset = Int64(bitPattern: word(12, 8))
        length = Int(word(20, 4))
    }

    init(segment: Int64, offset: Int64, length: Int) {
        self.segment = segment
        self.offset = offset
        self.length = length
    }
}

/// The large cells of the prediction log (a request's input and output tensors, ≥ ``threshold`` bytes), written
/// once into append-only segment files beside the database (`predictions.sqlite-payload/<segment>.seg`) instead of
/// into its rows: SQLite writes a row's pages twice (the write-ahead log, then the checkpoint), and a tensor of a
/// few kilobytes was most of every row. The row keeps a 24-byte ``PayloadReference``.
///
/// - Each model appends to its own segment (retention deletes one model's rows at a time), a new one after
///   ``maximumSize`` bytes or ``maximumAge`` seconds; `prediction_payload_segment` records every segment's model,
///   creation time and row-id range in the same transaction as the rows that use it.
/// - A batch's bytes are written with one `write` and flushed to disk (`fdatasync`) before its rows commit, so a
///   row that survives a crash always finds its bytes.
/// - Erasure and re-encryption record the old bytes' places in `prediction_payload_pending_zero` in their own
///   transaction (committed durably), then overwrite them with zeros and clear the record; places left by a failure
///   are overwritten by the next erasure, re-encryption or retention pass (``overwritePending(_:)``).
/// - A batch that rolls back takes its bytes back out: its segment is truncated to where it was, and a segment it
///   started is deleted with its record.
/// - Retention deletes a segment file once none of its rows is left and it is older than ``reclaimAge`` (no writer
///   appends to it any more).
final class PayloadSegments: Sendable {
    /// Cells at least this large go to a segment; smaller ones stay in the row (a reference is 24 bytes).
    static let threshold = 512
    /// A segment takes no more appends past this size (64 MiB)...
    static let maximumSize: Int64 = 64 * 1024 * 1024
    /// ...or this age (seconds): one hour.
    static let maximumAge: Double = 3600
    /// Segments younger than this (seconds) are never deleted, whatever their rows: another process may still be
    /// appending to one (``maximumAge`` bounds how long a writer does).
    static let reclaimAge: Double = 2 * 3600

    let directory: String

    /// The segment each model appends to in this process (the writer's), with its creation time and size so far.
    private struct OpenSegment {
        var id: Int64
        var descriptor: Int32
        var createdAt: Double
        var size: Int64
    }
    private let appending = Mutex<[String: OpenSegment]>([:])

    init(databasePath: String) {
        directory = databasePath + "-payload"
    }

    deinit {
        appending.withLock { segments in
            for segment in segments.values { _ = close(segment.descriptor) }
        }
    }

    func path(_ segment: Int64) -> String { directory + "/" + String(segment) + ".seg" }

    // MARK: Writing

    /// Moves the large ones of one model's cells, `cells[i]` for `i` in `positions` (rows `firstID ... lastID`), into
    /// its segment, replacing them by their references. Runs inside the rows' write transaction (the segment's record
    /// goes with them), after ``undoOnRollback(_:)`` registered for that transaction.
    func place(
        _ db: Database, model: String, firstID: Int64, lastID: Int64, cells: inout [[UInt8]], at positions: [Int], now: Double
    ) throws(PredictionLogError) {
        let large = positions.filter { cells[$0].count >= Self.threshold }
        guard !large.isEmpty else { return }
        closeIdleSegments(now: now)
        var segment = try openSegment(db, model: model, firstID: firstID, now: now)
        var batch: [UInt8] = []
        batch.reserveCapacity(large.reduce(0) { $0 + cells[$1].count })
        var references: [(index: Int, reference: PayloadReference)] = []
        for index in large {
            references.append((index, PayloadReference(segment: segment.id, offset: segment.size + Int64(batch.count), length: cells[index].count)))
            batch += cells[index]
        }
        try Self.writeAll(batch, to: segment.descriptor, at: segment.size, path: path(segment.id))
        guard Self.syncData(segment.descriptor) else { throw Self.failure("cannot flush", path(segment.id)) }
        Self.dropFromPageCache(segment.descriptor, offset: segment.size, length: batch.count)
        segment.size += Int64(batch.count)
        appending.withLock { $0[model] = segment }
        do {
            try db.execute(
                sql: "UPDATE prediction_payload_segment SET last_id = MAX(last_id, ?) WHERE id = ?", arguments: [lastID, segment.id])
            guard db.changesCount == 1 else { throw PredictionLogError(.storage, "payload segment \(segment.id) has no record") }
        } catch let error as PredictionLogError {
            throw error
        } catch {
            throw PredictionLogError(.storage, "cannot record payload segment \(segment.id): \(error)")
        }
        for (index, reference) in references { cells[index] = reference.encoded }
    }

    /// The segment `model` appends to: this process's current one while it is below ``maximumSize`` (one too old is
    /// already closed, ``closeIdleSegments(now:)``), else a new one (its record inserted, its file created empty and
    /// its directory entry flushed).
    private func openSegment(_ db: Database, model: String, firstID: Int64, now: Double) throws(PredictionLogError) -> OpenSegment {
        if let current = appending.withLock({ $0[model] }) {
            if current.size < Self.maximumSize { return current }
            _ = close(current.descriptor)
            _ = appending.withLock { $0.removeValue(forKey: model) }
        }
        let id: Int64
        do {
            try db.execute(
                sql: "INSERT INTO prediction_payload_segment (model, created_at, first_id, last_id) VALUES (?, ?, ?, ?)",
                arguments: [model, now, firstID, firstID])
            id = db.lastInsertedRowID
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PredictionLogError(.storage, "cannot start a payload segment in \(directory): \(error)")
        }
        // A file of this number can only be left by a transaction that rolled back: nothing refers to it.
        // Created like SQLite creates its files (0644 less the umask), so a `slipway` command run by another user of
        // the data directory can overwrite what an erasure asks for.
        let descriptor = open(path(id), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure("cannot create", path(id)) }
        Self.syncDirectory(directory)
        let segment = OpenSegment(id: id, descriptor: descriptor, createdAt: now, size: 0)
        appending.withLock { $0[model] = segment }
        return segment
    }

    /// Registers, for the transaction `db` is in, the undoing of this process's appends if it rolls back: segments
    /// appended to are truncated back to their size now, segments started in it are closed and deleted (their records
    /// roll back with it). Runs on the writer connection, before its write lock is released.
    func undoOnRollback(_ db: Database) {
        let before = appending.withLock { $0 }
        db.afterNextTransaction(
            onCommit: { _ in },
            onRollback: { [self] _ in
                appending.withLock { segments in
                    for (model, segment) in segments {
                        if let earlier = before[model], earlier.id == segment.id {
                            if ftruncate(segment.descriptor, off_t(earlier.size)) == 0, Self.syncData(segment.descriptor) {
                                segments[model]?.size = earlier.size
                                continue
                            }
                        } else {
                            _ = unlink(path(segment.id))
                        }
                        // Not truncated, or started by the rolled-back transaction: the next batch starts a new one.
                        _ = close(segment.descriptor)
                        segments[model] = nil
                    }
                }
            })
    }

    /// Closes the segments of models that have not appended for ``maximumAge`` (they will not be appended to again;
    /// retention may delete them).
    private func closeIdleSegments(now: Double) {
        appending.withLock { segments in
            for (model, segment) in segments where now - segment.createdAt >= Self.maximumAge || now < segment.createdAt {
                _ = close(segment.descriptor)
                segments[model] = nil
            }
        }
    }

    // MARK: Reading and overwriting

    /// The bytes `reference` points to; an error naming the file when they are missing.
    func read(_ reference: PayloadReference) throws(PredictionLogError) -> [UInt8] {
        let file = path(reference.segment)
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure("cannot open", file, kind: errno == ENOENT ? .corrupt : .storage) }
        defer { _ = close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= 0 else { throw Self.failure("cannot read", file) }
        let short = PredictionLogError(
            .corrupt, "\(file) ends before the \(reference.length) bytes at offset \(reference.offset) a prediction refers to")
        guard reference.offset >= 0, reference.length >= 0, reference.offset + Int64(reference.length) <= Int64(size) else { throw short }
        // The file may still shrink between the two calls (a rolled-back batch truncating it).
        switch PositionedFileIO.read(count: reference.length, from: descriptor, at: reference.offset) {
        case .success(let bytes) where bytes.count == reference.length:
            return bytes
        case .success:
            throw short
        case .failure(let error):
            throw PredictionLogError(.storage, "cannot read \(file): \(String(cString: strerror(error.code)))")
        }
    }

    /// Records, in the transaction `db` is in, that the bytes of `references` are to be overwritten with zeros
    /// (``overwritePending(_:)`` does it once the transaction has committed).
    func queueOverwrite(_ db: Database, _ references: [PayloadReference]) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO prediction_payload_pending_zero (segment, offset, length) VALUES (?, ?, ?)")
        for reference in references { try insert.execute(arguments: [reference.segment, reference.offset, reference.length]) }
    }

    /// Overwrites every place recorded by ``queueOverwrite(_:_:)`` with zeros, flushes it to disk and clears the
    /// record; a failure leaves the places recorded for the next call.
    func overwritePending(_ pool: DatabasePool) throws(PredictionLogError) {
        let pending: [PayloadReference]
        do {
            pending = try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT segment, offset, length FROM prediction_payload_pending_zero").map {
                    PayloadReference(segment: $0[0], offset: $0[1], length: $0[2])
                }
            }
        } catch {
            throw PredictionLogError(.storage, "cannot read the payload places to overwrite: \(error)")
        }
        guard !pending.isEmpty else { return }
        try overwrite(pending)
        do {
            try pool.write { db in
                let delete = try db.cachedStatement(
                    sql: "DELETE FROM prediction_payload_pending_zero WHERE segment = ? AND offset = ? AND length = ?")
                for reference in pending { try delete.execute(arguments: [reference.segment, reference.offset, reference.length]) }
            }
        } catch {
            throw PredictionLogError(.storage, "cannot clear the overwritten payload places: \(error)")
        }
    }

    /// Overwrites the bytes of `references` with zeros and flushes them to disk. A segment already deleted has
    /// nothing left to overwrite.
    private func overwrite(_ references: [PayloadReference]) throws(PredictionLogError) {
        for (segment, group) in Dictionary(grouping: references, by: \.segment) {
            let file = path(segment)
            let descriptor = open(file, O_WRONLY | O_CLOEXEC)
            if descriptor < 0 && errno == ENOENT { continue }
            guard descriptor >= 0 else { throw Self.failure("cannot open", file) }
            defer { _ = close(descriptor) }
            for reference in group {
                try Self.writeAll([UInt8](repeating: 0, count: reference.length), to: descriptor, at: reference.offset, path: file)
            }
            guard Self.syncData(descriptor) else { throw Self.failure("cannot flush", file) }
        }
    }

    // MARK: Reclaiming

    /// Whether a row of a model lies in a segment's id range: a range of the table's own ids (`+model`: the
    /// (model, version) index would walk every row of the model).
    static let liveRowSQL = "SELECT 1 FROM prediction WHERE id BETWEEN ? AND ? AND +model = ? LIMIT 1"

    /// Deletes the records of segments older than ``reclaimAge`` that no row of their model refers to any more, and
    /// returns their files (the caller deletes them once the transaction commits, with ``deleteFiles(_:)``). Files
    /// without a record (left by a crash mid-transaction) that old are deleted here.
    func reclaimable(_ db: Database, now: Double) throws -> [String] {
        let before = now - Self.reclaimAge
        var files: [String] = []
        let candidates = try Row.fetchAll(
            db, sql: "SELECT id, model, first_id, last_id FROM prediction_payload_segment WHERE created_at < ?", arguments: [before])
        let live = try db.cachedStatement(sql: Self.liveRowSQL)
        for row in candidates {
            let id: Int64 = row[0]
            let model: String = row[1]
            if try Int.fetchOne(live, arguments: [row[2] as Int64, row[3] as Int64, model]) == nil {
                try db.execute(sql: "DELETE FROM prediction_payload_segment WHERE id = ?", arguments: [id])
                files.append(path(id))
            }
        }
        let recorded = Set(try Int64.fetchAll(db, sql: "SELECT id FROM prediction_payload_segment"))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            guard name.hasSuffix(".seg"), let id = Int64(name.dropLast(4)), !recorded.contains(id) else { continue }
            let file = directory + "/" + name
            let modified = (try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date)?.timeIntervalSince1970
            // Deleted at once, inside the write transaction: its number may be the next segment's, which a writer can
            // start as soon as this transaction ends.
            if let modified, modified < before { _ = unlink(file) }
        }
        return files
    }

    /// Deletes segment files (after the transaction that dropped their records committed).
    func deleteFiles(_ files: [String]) {
        for file in files { _ = unlink(file) }
        if !files.isEmpty { Self.syncDirectory(directory) }
    }

    // MARK: Helpers

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, at offset: Int64, path: String) throws(PredictionLogError) {
        if let code = PositionedFileIO.write(bytes, to: descriptor, at: offset) {
            throw PredictionLogError(.storage, "cannot write \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Flushes a file's data to disk; false on failure.
    private static func syncData(_ descriptor: Int32) -> Bool {
        #if os(Linux)
            return fdatasync(descriptor) == 0
        #else
            return fsync(descriptor) == 0
        #endif
    }

    /// Lets the kernel drop the pages of bytes just written and flushed (`POSIX_FADV_DONTNEED`; whole pages only,
    /// so the last, partly written page stays). Payloads are written once and read rarely (quality, drift, export), so
    /// keeping them cached only crowded out pages that are read; and a page cache that grew with the log took a fresh
    /// page for every 4 KiB written, which cost ~2 µs a KiB to fill on a virtual machine that had not touched that
    /// memory yet, against ~0.3 µs for pages handed back this way (bc_rf batch 32: ~8 µs of a ~120 µs request).
    /// Advice only: a kernel that ignores it changes nothing else.
    ///
    /// The range starts at the page holding `offset`: the kernel drops whole pages only, so the page a batch shares with
    /// the one before it (flushed by then too) would otherwise never be covered whole.
    static func dropFromPageCache(_ descriptor: Int32, offset: Int64, length: Int) {
        #if os(Linux)
            let start = offset - offset % pageSize
            _ = posix_fadvise(descriptor, off_t(start), off_t(offset - start + Int64(length)), POSIX_FADV_DONTNEED)
        #endif
    }

    /// The page size the kernel caches files in (4 KiB when it cannot be read).
    static let pageSize: Int64 = {
        let size = Int64(sysconf(Int32(_SC_PAGESIZE)))
        return size > 0 ? size : 4096
    }()

    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    private static func failure(_ what: String, _ path: String, kind: PredictionLogError.Code = .storage) -> PredictionLogError {
        PredictionLogError(kind, "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}

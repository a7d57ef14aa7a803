import Foundation
import GRDB
import Testing

@testable import SlipwayMonitoring

/// Large prediction cells live in per-model segment files beside the database: they read back as they were written,
/// a missing file is a clear error, erasure and re-encryption leave no copy behind, retention deletes the files no
/// row uses, and a batch that rolls back does not leave the next one pointing at a segment that was never recorded.
@Suite struct PayloadSegmentsTests {
    /// A value no other test tensor holds, to find a row's bytes in a segment file.
    static let marker: Float = 12345.678

    /// An entry whose input is large enough for a segment (`rows` × 8 floats) and whose output stays in the row.
    static func entry(_ id: String, model: String = "iris", rows: Int = 40, marked: Bool = false, at time: Double = 1000) -> PredictionEntry {
        let values = (0..<(8 * rows)).map { marked ? Self.marker : Float($0) + 0.25 }
        return PredictionEntry(
            requestID: id, model: model, version: 1, alias: nil, arrivedAt: time, status: "ok", latencySeconds: 0.001,
            inputs: [PredictionLogStoreTests.floats("X", [rows, 8], values)],
            outputs: [PredictionLogStoreTests.floats("y", [rows], (0..<rows).map { Float($0) })])
    }

    static func cells(_ store: PredictionLogStore) throws -> [(inputs: [UInt8], outputs: [UInt8])] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT inputs, outputs FROM prediction ORDER BY id").map {
                (PredictionLogStore.bytes($0[0]), PredictionLogStore.bytes($0[1]))
            }
        }
    }

    static func segmentFiles(_ store: PredictionLogStore) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.payloads.directory)) ?? []).filter { $0.hasSuffix(".seg") }.sorted()
    }

    static func contains(_ haystack: [UInt8], _ value: Float) -> Bool {
        let needle = (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) }
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    static func bytes(ofSegments store: PredictionLogStore) -> [UInt8] {
        segmentFiles(store).flatMap { (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: store.payloads.directory + "/" + $0)))) ?? [] }
    }

    @Test func largeCellsGoToTheirModelsSegmentAndReadBack() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        let entries = [Self.entry("a1"), Self.entry("b1", model: "bc"), Self.entry("a2"), Self.entry("small", rows: 1)]
        try store.insert(entries)
        let cells = try Self.cells(store)
        // Inputs of 40 rows (1.3 KB) are references; outputs (~190 bytes) and the 1-row input stay in the row.
        #expect(cells[0..<3].allSatisfy { PayloadReference(cell: $0.inputs) != nil })
        #expect(cells.allSatisfy { PayloadReference(cell: $0.outputs) == nil })
        #expect(PayloadReference(cell: cells[3].inputs) == nil)
        // One segment per model, each holding exactly its model's input cells.
        #expect(Self.segmentFiles(store).count == 2)
        let large = TensorBlob.encode(entries[0].inputs).count
        let sizes = Self.segmentFiles(store).map {
            (try? FileManager.default.attributesOfItem(atPath: store.payloads.directory + "/" + $0)[.size] as? Int) ?? -1
        }
        #expect(sizes.sorted() == [large, 2 * large])
        var read: [PredictionEntry] = []
        for model in ["iris", "bc"] { try store.forEachPrediction(ExportFilter(model: model)) { read.append($0.entry) } }
        for original in entries {
            let back = read.first { $0.requestID == original.requestID }
            #expect(back?.inputs == original.inputs && back?.outputs == original.outputs, "\(original.requestID)")
        }
        // The next batch appends to the same segments.
        try store.insert([Self.entry("a3")])
        #expect(Self.segmentFiles(store).count == 2)
        #expect(try store.prediction(model: "iris", requestID: "a3")?.entry.inputs == Self.entry("a3").inputs)
    }

    /// Bytes of `path` in the page cache, by util-linux's `fincore`; nil where it cannot tell.
    static func residentBytes(_ path: String) -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/fincore")
        process.arguments = ["--bytes", "--noheadings", "--output", "RES", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return process.terminationStatus == 0 ? Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }

    /// A written batch leaves the page cache once flushed (all but its last, partly written page), where a file
    /// written and flushed the plain way beside it stays: payloads are written once and read rarely.
    @Test(.enabled(if: PayloadSegmentsTests.isLinux, "the page-cache advice is Linux's")) func flushedPayloadsLeaveThePageCache() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        if Self.isTemporaryFileSystem(store.payloads.directory) {
            print("skipped: the payloads are on tmpfs, where the page cache is the storage")
            return
        }
        // Two batches: the second starts inside the first one's last page, which it then covers whole.
        try store.insert((0..<20).map { Self.entry("r\($0)", rows: 64) })
        try store.insert((20..<40).map { Self.entry("r\($0)", rows: 64) })
        let segment = store.payloads.directory + "/" + (Self.segmentFiles(store).first ?? "")
        let size = (try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int) ?? 0
        #expect(size > 64 * 1024)
        // Measured before anything reads the segment back.
        let resident = Self.residentBytes(segment)
        // The control: as many bytes written and flushed without the advice, in the same directory.
        let control = store.payloads.directory + "/control"
        #expect(FileManager.default.createFile(atPath: control, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: control))
        try handle.write(contentsOf: Data(repeating: 7, count: size))
        try handle.synchronize()
        try handle.close()
        guard let resident, let controlResident = Self.residentBytes(control), controlResident >= size / 2 else {
            print("skipped: fincore is missing or this file system does not keep written files in the page cache")
            return
        }
        #expect(resident <= 4096, "\(resident) of \(size) bytes still cached")
    }

    static var isLinux: Bool {
        #if os(Linux)
            true
        #else
            false
        #endif
    }

    /// Whether `path` is on tmpfs: the type of the longest mount point above it in `/proc/mounts`.
    static func isTemporaryFileSystem(_ path: String) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return false }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = String(fields[1])
            let above = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if above, point.count > (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type == "tmpfs"
    }

    @Test func aMissingSegmentIsACorruptRowNamingTheFile() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert([Self.entry("a1")])
        for file in Self.segmentFiles(store) { try FileManager.default.removeItem(atPath: store.payloads.directory + "/" + file) }
        do {
            _ = try store.prediction(model: "iris", requestID: "a1")
            Issue.record("a row whose segment is gone was read")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.message.contains("prediction 1 (inputs)") && error.message.contains(".seg"), "\(error.message)")
        }
    }

    @Test func erasureGoesOnPastRowsWhoseSegmentIsGoneAndCountsThem() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert([Self.entry("lost")])
        for file in Self.segmentFiles(store) { try FileManager.default.removeItem(atPath: store.payloads.directory + "/" + file) }
        try store.insert([Self.entry("small", rows: 1), Self.entry("kept", rows: 1)])
        let erased = try store.erasePredictions(model: "iris") { $0.entry.requestID == "small" }
        #expect(erased == ErasedRows(predictions: 1, feedback: 0, unreadable: 1))
        #expect(try store.count(model: "iris") == 2)
    }

    @Test func erasureOverwritesTheErasedRowsBytes() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert([Self.entry("keep"), Self.entry("erase", marked: true), Self.entry("keep2")])
        let before = Self.contains(Self.bytes(ofSegments: store), Self.marker)
        #expect(before)
        let erased = try store.erasePredictions(model: "iris") { $0.entry.requestID == "erase" }
        #expect(erased.predictions == 1)
        let after = Self.contains(Self.bytes(ofSegments: store), Self.marker)
        #expect(!after, "the erased row's bytes are still in a segment")
        #expect(try store.prediction(model: "iris", requestID: "keep2")?.entry.inputs == Self.entry("keep2").inputs)
    }

    @Test func reencryptionLeavesNoPlainCopyInTheSegment() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert([Self.entry("a", marked: true), Self.entry("b")])
        _ = try PredictionLogResealTests.resealAll(store, key: "k2", limit: 10)
        let plainCopy = Self.contains(Self.bytes(ofSegments: store), Self.marker)
        #expect(!plainCopy, "a plain copy is still in a segment")
        #expect(try Self.cells(store).allSatisfy { SealedRecord.keyID(of: $0.inputs) == "k2" })
    }

    @Test func retentionDeletesSegmentsNoRowUsesOnceOldEnough() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        let now = Date().timeIntervalSince1970
        // Written three hours ago: one segment for each model.
        try store.insert([Self.entry("old", at: now - 4 * 3600), Self.entry("other", model: "bc", at: now - 4 * 3600)], now: now - 3 * 3600)
        // Written just now: a young segment for iris.
        try store.insert([Self.entry("new", at: now)], now: now)
        #expect(Self.segmentFiles(store).count == 3)
        // Retention deletes iris's old row: its old segment goes, the young one (still in use) and bc's stay.
        let deleted = try store.enforce(retention: { RetentionPolicy(days: $0 == "iris" ? 1.0 / 24 : nil) }, now: now)
        #expect(deleted == ["iris": 1])
        #expect(Self.segmentFiles(store).count == 2)
        #expect(try store.prediction(model: "iris", requestID: "new") != nil)
        #expect(try store.prediction(model: "bc", requestID: "other") != nil)
        // A young segment with no row left is kept until it is old enough (a writer may still append to it).
        _ = try store.erasePredictions(model: "iris") { _ in true }
        #expect(try store.reclaimPayloadSegments(now: now) == 0)
        #expect(try store.reclaimPayloadSegments(now: now + 3 * 3600) == 1)
        #expect(Self.segmentFiles(store).count == 1)
        let records = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_payload_segment") }
        #expect(records == 1)
    }

    @Test func aBatchThatRollsBackDoesNotStrandTheNextOne() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        // The empty model name breaks a CHECK constraint after the cells were placed: the whole batch rolls back.
        #expect(throws: PredictionLogError.self) { try store.insert([Self.entry("a1"), Self.entry("bad", model: "")]) }
        try store.insert([Self.entry("a2")])
        #expect(try store.prediction(model: "iris", requestID: "a2")?.entry.inputs == Self.entry("a2").inputs)
        #expect(try store.count() == 1)
    }

    @Test func sealedCellsAndLargeOutputsGoToSegmentsToo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try PredictionLogStore(
            path: dir.appendingPathComponent("p.sqlite").path, sealer: PredictionLogResealTests.HeaderSealer(currentKeyID: "k1"))
        var entry = Self.entry("a", marked: true)
        entry.outputs = [PredictionLogStoreTests.floats("scores", [40, 8], (0..<320).map { Float($0) })]
        try store.insert([entry])
        let cells = try Self.cells(store)
        #expect(PayloadReference(cell: cells[0].inputs) != nil && PayloadReference(cell: cells[0].outputs) != nil)
        #expect(try store.pool.read { db in try String.fetchOne(db, sql: "SELECT sealed_with FROM prediction") } == "k1")
        let back = try store.prediction(model: "iris", requestID: "a")?.entry
        #expect(back?.inputs == entry.inputs && back?.outputs == entry.outputs)
        // Rotating to k2 brings both cells back into the row, sealed, and zeroes the segment's copies.
        _ = try PredictionLogResealTests.resealAll(store, key: "k2", limit: 10)
        #expect(try Self.cells(store).allSatisfy { SealedRecord.keyID(of: $0.inputs) == "k2" && SealedRecord.keyID(of: $0.outputs) == "k2" })
        #expect(Self.bytes(ofSegments: store).allSatisfy { $0 == 0 })
        let pending = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_payload_pending_zero") }
        #expect(pending == 0)
    }

    @Test func aRolledBackBatchTakesItsBytesBackOut() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert([Self.entry("a1")])
        let size = { () -> Int in
            Self.segmentFiles(store).reduce(0) {
                $0 + ((try? FileManager.default.attributesOfItem(atPath: store.payloads.directory + "/" + $1)[.size] as? Int) ?? 0)
            }
        }
        let before = size()
        // iris appends to its committed segment, "" starts one: both undone when the CHECK fails.
        #expect(throws: PredictionLogError.self) { try store.insert([Self.entry("a2", marked: true), Self.entry("bad", model: "")]) }
        #expect(size() == before)
        #expect(Self.segmentFiles(store).count == 1)
        try store.insert([Self.entry("a3")])
        #expect(try store.prediction(model: "iris", requestID: "a3")?.entry.inputs == Self.entry("a3").inputs)
        #expect(try store.prediction(model: "iris", requestID: "a1")?.entry.inputs == Self.entry("a1").inputs)
    }

    @Test func oldOrphanFilesAreSweptAndYoungOnesKept() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert([Self.entry("a1")])
        let orphan = store.payloads.path(999)
        #expect(FileManager.default.createFile(atPath: orphan, contents: Data([1, 2, 3])))
        let now = Date().timeIntervalSince1970
        #expect(try store.reclaimPayloadSegments(now: now) == 0)
        #expect(FileManager.default.fileExists(atPath: orphan))
        _ = try store.reclaimPayloadSegments(now: now + 3 * 3600)
        #expect(!FileManager.default.fileExists(atPath: orphan))
        // The live segment stays: its row is still there.
        #expect(try store.prediction(model: "iris", requestID: "a1")?.entry.inputs == Self.entry("a1").inputs)
    }

    @Test func aCellOverwrittenUnderAReaderIsDamagedNotEmpty() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        try store.insert([Self.entry("a1")])
        guard let reference = PayloadReference(cell: try Self.cells(store)[0].inputs) else {
            Issue.record("no reference")
            return
        }
        // What a reader whose snapshot predates an erasure finds: the place zeroed.
        try store.pool.write { db in try store.payloads.queueOverwrite(db, [reference]) }
        try store.payloads.overwritePending(store.pool)
        do {
            _ = try store.prediction(model: "iris", requestID: "a1")
            Issue.record("a zeroed cell was read")
        } catch {
            #expect(error.code == .corrupt && error.message.contains("damaged"), "\(error.message)")
        }
    }

    @Test func theLivenessProbeWalksRowIDsNotTheModelsIndex() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        let plan = try store.queryPlan(PayloadSegments.liveRowSQL)
        #expect(plan.contains { $0.contains("INTEGER PRIMARY KEY") } && !plan.contains { $0.contains("prediction_by") }, "\(plan)")
    }
}

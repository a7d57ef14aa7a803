import Dispatch
public import Foundation
import GRDB
import SlipwayStorage
import Synchronization

/// The prediction log's database (`predictions.sqlite` in the data directory): predictions, the feedback
/// joined to them, and the alert history. One `DatabasePool` (WAL: readers never wait for the writer);
/// every method blocks, so the server calls them off the event loops (the writer task, the inference pool).
///
/// With a ``RecordSealer`` (a data key is configured), every subject-data cell written — inputs, outputs,
/// feedback labels — is encrypted per record; ids, times, model, version and status stay plain for queries.
/// Cells written before a key was configured stay readable (they have no `SWE1` header).
public final class PredictionLogStore: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "predictions.sqlite"

    let pool: DatabasePool
    public let path: String
    /// Seals new cells and opens sealed ones; nil: cells are written plain, and sealed ones cannot be read.
    public let sealer: (any RecordSealer)?
    /// The prediction writer's own thread (a serial queue): its inserts never occupy a thread of the shared pool
    /// that serves requests (see ``performOnWriterQueue(_:)``).
    let writerQueue = DispatchQueue(label: "slipway.prediction-log.writer")
    /// The large input and output cells, kept in segment files beside the database (``PayloadSegments``).
    let payloads: PayloadSegments
    /// Re-encryption's walk over plain prediction rows: every row below this id is sealed (ids only grow, and no
    /// write makes a sealed row plain again), so each batch resumes here instead of scanning from the start.
    let plainRowsFrom = Mutex<Int64>(0)

    /// The size the write-ahead log is truncated to when it is reset, in bytes (64 MiB).
    public static let walSizeLimit = 64 * 1024 * 1024

    /// Opens (creating and migrating) the database at `path`.
    /// - Parameters:
    ///   - path: the database file.
    ///   - sealer: the data cipher, when encryption at rest is configured.
    public init(path: String, sealer: (any RecordSealer)? = nil) throws(PredictionLogError) {
        self.path = path
        self.sealer = sealer
        payloads = PayloadSegments(databasePath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: durable across process crashes, batched fsyncs at checkpoints.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A write-ahead log that grew while a long read kept it from being reset (it reached 522 MB under
            // load once) is cut back to this size when it is next reset, rather than keeping its largest size.
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.walSizeLimit)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            try GroupedInsert.keepWriterJournalsInMemory(pool)
        } catch {
            throw PredictionLogError(.storage, "cannot open the prediction log at \(path): \(error)")
        }
    }

    /// Opens `predictions.sqlite` in `dataDirectory` (created if missing).
    public static func open(dataDirectory: URL, sealer: (any RecordSealer)? = nil) throws(PredictionLogError) -> PredictionLogStore {
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw PredictionLogError(.storage, "cannot create \(dataDirectory.path): \(error.localizedDescription)")
        }
        return try PredictionLogStore(path: dataDirectory.appendingPathComponent(fileName).path, sealer: sealer)
    }

    /// Named migrations; never changed once shipped (add new ones instead).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-predictions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE prediction (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        request_id TEXT NOT NULL,
                        model TEXT NOT NULL CHECK (length(model) > 0),
                        version INTEGER CHECK (version IS NULL OR version >= 1),
                        alias TEXT,
                        arrived_at REAL NOT NULL,
                        status TEXT NOT NULL,
                        latency_seconds REAL NOT NULL CHECK (latency_seconds >= 0),
                        rows INTEGER NOT NULL CHECK (rows >= 0),
                        inputs BLOB NOT NULL,
                        outputs BLOB NOT NULL
                    );
                    CREATE INDEX prediction_by_request ON prediction(model, request_id);
                    CREATE INDEX prediction_by_version_time ON prediction(model, version, arrived_at);
                    CREATE INDEX prediction_by_time ON prediction(model, arrived_at);
                    CREATE TABLE feedback (
                        prediction_id INTEGER PRIMARY KEY REFERENCES prediction(id) ON DELETE CASCADE,
                        labels TEXT NOT NULL,
                        received_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v1-alert-history") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        rule TEXT NOT NULL,
                        model TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
                        severity TEXT NOT NULL,
                        metric TEXT NOT NULL,
                        value REAL,
                        threshold REAL NOT NULL,
                        comparison TEXT NOT NULL,
                        at REAL NOT NULL,
                        notified INTEGER NOT NULL CHECK (notified IN (0, 1)),
                        message TEXT NOT NULL
                    );
                    CREATE INDEX alert_event_by_time ON alert_event(at);
                    """)
        }
        // The key that sealed each row's cells (NULL: plain), indexed so re-encryption finds the rows under
        // older keys without reading every payload.
        migrator.registerMigration("v2-sealed-with") { db in
            try db.execute(
                sql: """
                    ALTER TABLE prediction ADD COLUMN sealed_with TEXT;
                    ALTER TABLE feedback ADD COLUMN sealed_with TEXT;
                    CREATE INDEX prediction_by_sealed_with ON prediction(sealed_with);
                    CREATE INDEX feedback_by_sealed_with ON feedback(sealed_with);
                    """)
        }
        // Newest-first reads of one version (drift windows, quality) walk (model, version) in row-id order and stop
        // after the rows they need; the old (model, version, arrived_at) index made them sort every row of the
        // version first. Its key is also smaller to maintain on every insert.
        migrator.registerMigration("v3-prediction-by-version") { db in
            try db.execute(
                sql: """
                    DROP INDEX prediction_by_version_time;
                    CREATE INDEX prediction_by_version ON prediction(model, version);
                    """)
        }
        // Plain rows (written without a data key, the default) no longer enter the sealed_with index: it holds the
        // sealed rows only, which re-encryption finds through it; plain rows it finds by walking row ids from a
        // watermark (``PredictionLogStore/resealBatch(with:limit:)``). One index entry less per logged row.
        migrator.registerMigration("v4-sealed-with-partial") { db in
            try db.execute(
                sql: """
                    DROP INDEX prediction_by_sealed_with;
                    CREATE INDEX prediction_by_sealed_key ON prediction(sealed_with) WHERE sealed_with IS NOT NULL;
                    """)
        }
        // Time lookups go through marks instead of a per-row index (``TimeMarks``): per model and commit, the row-id
        // range written, the earliest arrival among the model's rows in it, and the latest arrival among all its rows
        // up to its end (a running maximum). The rows themselves carry one index entry less each. Rows already logged
        // are marked here, in groups of 1,024 ids; `prediction_time_marked` holds the highest id marked, so rows that
        // an older binary writes later (a rolling upgrade) are marked by the next write.
        migrator.registerMigration("v5-time-marks") { db in
            // Plain SQL (no application code), so this migration stays what it is when the marks' code changes.
            try db.execute(
                sql: """
                    CREATE TABLE prediction_time_mark (
                        model TEXT NOT NULL,
                        first_id INTEGER NOT NULL,
                        last_id INTEGER NOT NULL CHECK (last_id >= first_id),
                        earliest_arrival REAL NOT NULL,
                        latest_arrival REAL NOT NULL,
                        PRIMARY KEY (model, first_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX prediction_time_mark_by_latest ON prediction_time_mark(model, latest_arrival);
                    CREATE INDEX prediction_time_mark_by_earliest ON prediction_time_mark(model, earliest_arrival);
                    CREATE TABLE prediction_time_marked (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        through_id INTEGER NOT NULL CHECK (through_id >= 0)
                    );
                    """)
            // Existing rows in groups of 1,024 ids per model; latest arrivals as a running maximum, each group's
            // capped at the migration's clock.
            try db.execute(
                sql: """
                    INSERT INTO prediction_time_mark (model, first_id, last_id, earliest_arrival, latest_arrival)
                        SELECT model, first_id, last_id, earliest,
                            MAX(latest) OVER (PARTITION BY model ORDER BY first_id ROWS UNBOUNDED PRECEDING)
                        FROM (
                            SELECT model, MIN(id) AS first_id, MAX(id) AS last_id, MIN(arrived_at) AS earliest,
                                MIN(MAX(arrived_at), ?) AS latest
                            FROM prediction GROUP BY id / 1024, +model
                        )
                    """, arguments: [Date().timeIntervalSince1970])
            try db.execute(
                sql: """
                    INSERT INTO prediction_time_marked (id, through_id) VALUES (1, COALESCE((SELECT MAX(id) FROM prediction), 0));
                    DROP INDEX prediction_by_time;
                    """)
        }
        // Large input and output cells live in segment files (``PayloadSegments``); each segment's model, creation time
        // and row-id range are recorded here, in the transaction of the rows that use it, and the places erasure and
        // re-encryption have yet to overwrite with zeros in the second table.
        migrator.registerMigration("v6-payload-segments") { db in
            try db.execute(
                sql: """
                    CREATE TABLE prediction_payload_segment (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        model TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        first_id INTEGER NOT NULL,
                        last_id INTEGER NOT NULL CHECK (last_id >= first_id)
                    );
                    CREATE TABLE prediction_payload_pending_zero (
                        segment INTEGER NOT NULL,
                        offset INTEGER NOT NULL CHECK (offset >= 0),
                        length INTEGER NOT NULL CHECK (length > 0)
                    );
                    """)
        }
        // Each label carries its prediction's model, indexed with the row id, so a model's labels are walked without
        // reading other models' (``labeledSQL(since:)``). Rows written before, and by any writer that leaves the
        // column out, get it from their prediction (the trigger).
        migrator.registerMigration("v7-feedback-model") { db in
            try db.execute(
                sql: """
                    ALTER TABLE feedback ADD COLUMN model TEXT;
                    UPDATE feedback SET model = (SELECT model FROM prediction WHERE prediction.id = feedback.prediction_id);
                    CREATE INDEX feedback_by_model ON feedback(model, prediction_id);
                    CREATE TRIGGER feedback_model_from_prediction AFTER INSERT ON feedback WHEN NEW.model IS NULL BEGIN
                        UPDATE feedback SET model = (SELECT model FROM prediction WHERE prediction.id = NEW.prediction_id)
                        WHERE prediction_id = NEW.prediction_id;
                    END;
                    """)
        }
        return migrator
    }

    func write<T>(_ body: (Database) throws -> T) throws(PredictionLogError) -> T {
        do {
            return try pool.write(body)
        } catch let error as PredictionLogError {
            throw error
        } catch {
            throw PredictionLogError(.storage, "prediction log write failed: \(error)")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(PredictionLogError) -> T {
        do {
            return try pool.read(body)
        } catch let error as PredictionLogError {
            throw error
        } catch {
            throw PredictionLogError(.storage, "prediction log read failed: \(error)")
        }
    }

    // MARK: Writing

    /// Writes `entries` in one transaction (see ``insert(rows:)``).
    public func insert(_ entries: [PredictionEntry]) throws(PredictionLogError) {
        try insert(rows: entries.map(PredictionRow.init))
    }

    /// ``insert(_:)`` as if the write's clock read `now` (tests of the time marks).
    func insert(_ entries: [PredictionEntry], now: Double) throws(PredictionLogError) {
        try insert(rows: entries.map(PredictionRow.init), now: now)
    }

    /// The log's appends, 16 rows per statement (``GroupedInsert``): each statement execution has a fixed cost
    /// (running the program, the AUTOINCREMENT bookkeeping) that many rows share.
    static let insertStatements = GroupedInsert.Statements(
        table: "prediction",
        columns: [
            "id", "request_id", "model", "version", "alias", "arrived_at", "status", "latency_seconds", "rows", "inputs", "outputs", "sealed_with",
        ])

    /// Writes `rows` in one transaction, in order; with a sealer, inputs and outputs are encrypted, bound to the
    /// row id (assigned here, so the id is known before the row is written).
    public func insert(rows: [PredictionRow]) throws(PredictionLogError) {
        try insert(rows: rows, now: Date().timeIntervalSince1970)
    }

    /// ``insert(rows:)`` with the write's clock (seconds since 1970), which bounds the arrivals the time marks count.
    func insert(rows: [PredictionRow], now: Double) throws(PredictionLogError) {
        guard !rows.isEmpty else { return }
        let sealer = self.sealer
        let payloads = self.payloads
        try write { db in
            // A batch that rolls back takes its bytes back out of the segments.
            payloads.undoOnRollback(db)
            // AUTOINCREMENT ids never reuse a deleted row's id: continue after the highest ever assigned.
            let sequence = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'prediction'")) ?? 0
            let highest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM prediction")) ?? 0
            let first = max(sequence, highest) + 1
            // Rows another writer left unmarked (an older binary on the same file) are marked first.
            try TimeMarks.markUnmarkedRows(db, now: now, highest: first - 1)
            var marks = TimeMarks()
            for (offset, row) in rows.enumerated() { marks.add(model: row.model, id: first + Int64(offset), arrivedAt: row.arrivedAt) }
            // Values bound straight to SQLite (GRDB's StatementArguments cost more per row than the insert).
            // Cells sealed first (the row id is part of their context), then the large ones moved to each model's
            // segment: one write per model and batch. Row i's inputs are cell i, its outputs cell rows.count + i.
            var cells = [[UInt8]](repeating: [], count: 2 * rows.count)
            var keyIDs: [String?] = []
            keyIDs.reserveCapacity(rows.count)
            for (offset, row) in rows.enumerated() {
                let id = first + Int64(offset)
                let sealedInputs = try sealCell(row.inputs, "prediction", id, "inputs", with: sealer)
                cells[offset] = sealedInputs.bytes
                cells[rows.count + offset] = try sealCell(row.outputs, "prediction", id, "outputs", with: sealer).bytes
                keyIDs.append(sealedInputs.keyID)
            }
            for (model, indices) in Self.indicesByModel(rows) {
                guard let firstIndex = indices.first, let lastIndex = indices.last else { continue }
                try payloads.place(
                    db, model: model, firstID: first + Int64(firstIndex), lastID: first + Int64(lastIndex), cells: &cells,
                    at: indices + indices.map { rows.count + $0 }, now: now)
            }
            var insert = try GroupedInsert(db, Self.insertStatements)
            try insert.append(count: rows.count) { index, statement in
                bind(
                    rows[index], id: first + Int64(index), inputs: cells[index], outputs: cells[rows.count + index], keyID: keyIDs[index],
                    to: &statement)
            }
            try marks.write(db, now: now)
        }
    }

    /// The positions of `rows` by model, each model's in order.
    static func indicesByModel(_ rows: [PredictionRow]) -> [(model: String, indices: [Int])] {
        var groups: [(model: String, indices: [Int])] = []
        var position: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            if let at = position[row.model] {
                groups[at].indices.append(index)
            } else {
                position[row.model] = groups.count
                groups.append((row.model, [index]))
            }
        }
        return groups
    }

    /// Binds `row`, logged with id `id`, to `insert`, with its stored cells (sealed and/or references) and the key
    /// that sealed them.
    private func bind(_ row: PredictionRow, id: Int64, inputs: [UInt8], outputs: [UInt8], keyID: String?, to insert: inout BoundInsert) {
        insert.bind(id)
        insert.bind(row.requestID)
        insert.bind(row.model)
        insert.bind(row.version)
        insert.bind(row.alias)
        insert.bind(row.arrivedAt)
        insert.bind(row.status)
        insert.bind(max(0, row.latencySeconds))
        insert.bind(row.rows)
        insert.bind(bytes: inputs)
        insert.bind(bytes: outputs)
        insert.bind(keyID)
    }

    // MARK: Reading

    /// Models with logged predictions.
    public func models() throws(PredictionLogError) -> [String] {
        try read { db in try String.fetchAll(db.cachedStatement(sql: Self.modelsSQL)) }
    }

    /// The query of ``models()``: one step into the (model, version) index per model, from each model to the next
    /// (a `SELECT DISTINCT` read the whole index: every logged row, each time the alert loop asked).
    static let modelsSQL = """
        WITH RECURSIVE logged(model) AS (
            SELECT (SELECT MIN(model) FROM prediction)
            UNION ALL
            SELECT (SELECT MIN(model) FROM prediction WHERE model > logged.model) FROM logged WHERE logged.model IS NOT NULL
        )
        SELECT model FROM logged WHERE model IS NOT NULL
        """

    /// The next version of `model` above a number in the log, and the newest row id of a version: both answered by
    /// the (model, version) index without reading the rows (``latestVersion(of:)`` steps through the versions).
    static let nextVersionSQL = "SELECT MIN(version) FROM prediction WHERE model = ? AND version > ?"
    static let newestIDOfVersionSQL = "SELECT MAX(id) FROM prediction WHERE model = ? AND version = ?"
    /// The oldest row id of a version, by the same index (``labeledPredictions(model:version:window:)``'s lower bound).
    static let oldestIDOfVersionSQL = "SELECT MIN(id) FROM prediction WHERE model = ? AND version = ?"

    /// The version of `model`'s most recently logged prediction that names one; nil when nothing is logged. Steps
    /// through the model's versions (a few) by index instead of sorting every row of the model by id.
    public func latestVersion(of model: String) throws(PredictionLogError) -> Int? {
        try read { db in
            var best: (version: Int, id: Int64)?
            for case let version? in try Self.versions(of: model, db) {
                if let id = try Int64.fetchOne(db, sql: Self.newestIDOfVersionSQL, arguments: [model, version]), id > best?.id ?? .min {
                    best = (version, id)
                }
            }
            return best?.version
        }
    }

    /// Rows logged for `model` (every model when nil).
    public func count(model: String? = nil) throws(PredictionLogError) -> Int {
        try read { db in
            if let model { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction WHERE model = ?", arguments: [model]) ?? 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction") ?? 0
        }
    }

    static let selectColumns =
        "p.id, p.request_id, p.model, p.version, p.alias, p.arrived_at, p.status, p.latency_seconds, p.inputs, p.outputs, f.labels"

    /// Reads a row of ``selectColumns``, opening sealed cells.
    func prediction(_ row: Row) throws -> StoredPrediction {
        let id: Int64 = row[0]
        let inputs = try openCell(storedCell(row[8], id, "inputs"), "prediction", id, "inputs", with: sealer)
        let outputs = try openCell(storedCell(row[9], id, "outputs"), "prediction", id, "outputs", with: sealer)
        let entry = PredictionEntry(
            requestID: row[1], model: row[2], version: row[3], alias: row[4], arrivedAt: row[5], status: row[6], latencySeconds: row[7],
            inputs: try TensorBlob.decode(inputs), outputs: try TensorBlob.decode(outputs))
        var labels: [LabelValue]?
        let storedLabels: DatabaseValue = row[10]
        if !storedLabels.isNull {
            labels = LabelValue.decodeList(
                String(decoding: try openCell(Self.bytes(storedLabels), "feedback", id, "labels", with: sealer), as: UTF8.self))
        }
        return StoredPrediction(rowID: id, entry: entry, labels: labels)
    }

    /// A prediction cell's stored bytes: from its payload segment when the row holds a reference, else the row's own.
    func storedCell(_ value: DatabaseValue, _ id: Int64, _ column: String) throws(PredictionLogError) -> [UInt8] {
        let bytes = Self.bytes(value)
        guard let reference = PayloadReference(cell: bytes) else { return bytes }
        do {
            return try payloads.read(reference)
        } catch {
            throw PredictionLogError(.corrupt, "prediction \(id) (\(column)): \(error.message)")
        }
    }

    /// A cell's bytes, whether SQLite holds it as a blob or as text (plain labels).
    static func bytes(_ value: DatabaseValue) -> [UInt8] {
        switch value.storage {
        case .blob(let data): [UInt8](data)
        case .string(let text): Array(text.utf8)
        default: []
        }
    }

    /// The latest prediction logged under `requestID` for `model`, with its labels.
    public func prediction(model: String, requestID: String) throws(PredictionLogError) -> StoredPrediction? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.selectColumns) FROM prediction p LEFT JOIN feedback f ON f.prediction_id = p.id
                    WHERE p.model = ? AND p.request_id = ? ORDER BY p.id DESC LIMIT 1
                    """, arguments: [model, requestID]
            ).map { try self.prediction($0) }
        }
    }

    /// The query of ``labeledPredictions(model:version:window:)``: the model's labels, newest first, through the
    /// (model, prediction id) index, each joined to its prediction by row id and kept when it is of the version; never a
    /// sort. The walk stays within the version's rows, from its first row id to its last (two steps into the (model,
    /// version) index), and a time window starts it no lower than the first row id of that time (``firstIDSinceSQL``),
    /// so it ends where the window does (`+p.arrived_at` keeps the time index out of the walk).
    ///
    /// The walk goes over the labels rather than over the version's predictions (`CROSS JOIN` fixes that order): a
    /// model's labels are at most as many as its predictions and usually far fewer, and walking the predictions to find
    /// a few labels read every prediction of the version — on each periodic quality refresh, a walk that grew with the
    /// log (0.7 s a refresh at 3M unlabelled rows). Other models' labels are not on the walk at all.
    static func labeledSQL(since: Bool) -> String {
        """
        SELECT \(selectColumns) FROM feedback f CROSS JOIN prediction p ON p.id = f.prediction_id
        WHERE f.model = ? AND f.prediction_id BETWEEN ? AND ? AND p.model = ? AND p.version = ? AND p.status = 'ok'\(since ? " AND +p.arrived_at >= ?" : "")
        ORDER BY f.prediction_id DESC
        """
    }

    /// Where a time window's walk in row-id order starts: the first id of the first time mark (``TimeMarks``) of
    /// `model` whose latest arrival is at or after the time. Every row of the window has this id or a larger one (the
    /// mark holding it has a latest arrival at least its own, and latest arrivals grow with the ids); the time filter
    /// still applies to each row (rows are written in completion order, so a larger id may have arrived earlier).
    /// One step into the (model, latest arrival) index, whatever the log's size. A row stamped later than the clock of
    /// its write counts as written at that clock (see ``TimeMarks``).
    static let firstIDSinceSQL = """
        SELECT first_id FROM prediction_time_mark WHERE model = ? AND latest_arrival >= ? ORDER BY latest_arrival, first_id LIMIT 1
        """

    /// See ``firstIDSinceSQL``; nil when no row of `model` arrived at or after `time`. Rows above the highest id marked
    /// (written by an older binary since the last write of this one) may hold the window too: the walk then starts
    /// at the first of them at the latest.
    static func firstID(_ db: Database, model: String, since time: Double) throws -> Int64? {
        let marked = try Int64.fetchOne(db.cachedStatement(sql: firstIDSinceSQL), arguments: [model, time])
        let through = try Int64.fetchOne(db.cachedStatement(sql: TimeMarks.markedThroughSQL)) ?? 0
        guard let highest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM prediction")), highest > through else { return marked }
        return min(marked ?? through + 1, through + 1)
    }

    /// The versions `model` has rows of (nil for rows without one), each found by one step into the (model, version)
    /// index.
    static func versions(of model: String, _ db: Database) throws -> [Int?] {
        var versions: [Int?] = []
        if try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM prediction WHERE model = ? AND version IS NULL LIMIT 1"), arguments: [model])
            != nil
        {
            versions.append(nil)
        }
        var below = Int.min
        while let version = try Int.fetchOne(db.cachedStatement(sql: nextVersionSQL), arguments: [model, below]) {
            versions.append(version)
            below = version
        }
        return versions
    }

    /// Successful predictions of one model version that have labels, newest first, within `window`.
    public func labeledPredictions(model: String, version: Int, window: QualityWindow) throws(PredictionLogError) -> [StoredPrediction] {
        try read { db in
            // The version's first and last row ids bound the walk over the model's labels (other versions' labels
            // outside them are never read).
            guard let oldest = try Int64.fetchOne(db.cachedStatement(sql: Self.oldestIDOfVersionSQL), arguments: [model, version]),
                let newest = try Int64.fetchOne(db.cachedStatement(sql: Self.newestIDOfVersionSQL), arguments: [model, version])
            else { return [] }
            var lowest = oldest
            var since: Double? = nil
            if case .since(let time) = window {
                guard let first = try Self.firstID(db, model: model, since: time) else { return [] }
                lowest = max(oldest, first)
                since = time
            }
            var arguments: StatementArguments = [model, lowest, newest, model, version]
            if let since { arguments += [since] }
            var result: [StoredPrediction] = []
            var examples = 0
            let cursor = try Row.fetchCursor(db, sql: Self.labeledSQL(since: since != nil), arguments: arguments)
            while let row = try cursor.next() {
                let prediction = try self.prediction(row)
                result.append(prediction)
                examples += prediction.labels?.count ?? 0
                if case .last(let n) = window, examples >= n { break }
            }
            return result
        }
    }

    /// The query of ``recentPredictions(model:version:examples:)``: newest first through (model, version), no sort.
    static let recentSQL = """
        SELECT \(selectColumns) FROM prediction p LEFT JOIN feedback f ON f.prediction_id = p.id
        WHERE p.model = ? AND p.version = ? AND p.status = 'ok' ORDER BY p.id DESC
        """

    /// The newest successful predictions of one model version, newest first, until they hold `examples` rows
    /// (a request may carry several): the "last N rows" window of drift checks.
    public func recentPredictions(model: String, version: Int, examples: Int) throws(PredictionLogError) -> [StoredPrediction] {
        try read { db in
            var result: [StoredPrediction] = []
            var rows = 0
            let cursor = try Row.fetchCursor(db, sql: Self.recentSQL, arguments: [model, version])
            while rows < examples, let row = try cursor.next() {
                let prediction = try self.prediction(row)
                result.append(prediction)
                rows += max(prediction.entry.rows, 1)
            }
            return result
        }
    }

    /// One page of ``forEachPrediction(_:pageSize:_:)``: rows after a row id, in row-id order, never a sort. With a
    /// version it walks (model, version); without, the table itself from that id (`+p.model`: an index on the model
    /// would make every page sort all of the model's rows — quadratic over an export).
    static func exportPageSQL(_ filter: ExportFilter) -> String {
        var sql = """
            SELECT \(selectColumns) FROM prediction p LEFT JOIN feedback f ON f.prediction_id = p.id
            WHERE \(filter.version == nil ? "+p.model" : "p.model") = ? AND p.id > ?
            """
        if filter.version != nil { sql += " AND p.version = ?" }
        if filter.since != nil { sql += " AND +p.arrived_at >= ?" }
        if filter.until != nil { sql += " AND +p.arrived_at < ?" }
        if filter.labeledOnly { sql += " AND f.labels IS NOT NULL" }
        return sql + " ORDER BY p.id LIMIT ?"
    }

    /// The arguments of ``exportPageSQL(_:)`` for the page after row `after`.
    static func exportPageArguments(_ filter: ExportFilter, after: Int64, pageSize: Int) -> StatementArguments {
        var arguments: StatementArguments = [filter.model, after]
        if let version = filter.version { arguments += [version] }
        if let since = filter.since { arguments += [since] }
        if let until = filter.until { arguments += [until] }
        arguments += [max(1, pageSize)]
        return arguments
    }

    /// Calls `body` for every prediction of `filter`, oldest first, reading `pageSize` rows at a time by
    /// increasing row id (keyset pages: memory stays bounded by one page however large the log is).
    public func forEachPrediction(
        _ filter: ExportFilter, pageSize: Int = 500, _ body: (StoredPrediction) throws -> Void
    ) throws(PredictionLogError) {
        try forEachPage(filter, pageSize: pageSize, reading: { try self.prediction($0) }) { page in
            for prediction in page { try body(prediction) }
        }
    }

    /// The rows of `filter`, oldest first, `pageSize` at a time by increasing row id (keyset pages: memory stays
    /// bounded by one page however large the log is): each row of a page (``selectColumns``) goes through `reading`
    /// inside the page's read, then the page goes to `body`.
    func forEachPage<T>(
        _ filter: ExportFilter, pageSize: Int, reading: (Row) throws -> T, _ body: ([T]) throws -> Void
    ) throws(PredictionLogError) {
        var after: Int64 = 0
        if let since = filter.since {
            // A time window starts at its first row id instead of walking the rows before it.
            guard let first = try read({ db in try Self.firstID(db, model: filter.model, since: since) }) else { return }
            after = first - 1
        }
        let sql = Self.exportPageSQL(filter)
        while true {
            let (page, last): ([T], Int64?) = try read { db in
                let arguments = Self.exportPageArguments(filter, after: after, pageSize: pageSize)
                let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
                return (try rows.map(reading), rows.last.map { $0[0] })
            }
            guard let last else { return }
            do {
                try body(page)
            } catch let error as PredictionLogError {
                throw error
            } catch {
                throw PredictionLogError(.storage, "\(error)")
            }
            after = last
        }
    }

    /// SQLite's plan for `sql` (one line per step), its parameters bound to NULL: how tests pin that the read
    /// queries walk an index or the table in order instead of sorting.
    func queryPlan(_ sql: String) throws(PredictionLogError) -> [String] {
        try read { db in
            // Our queries have no `?` inside literals: each one is a parameter.
            let nulls = [(any DatabaseValueConvertible)?](repeating: nil, count: sql.utf8.count(where: { $0 == UInt8(ascii: "?") }))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(nulls)).map { $0["detail"] as String }
        }
    }

    // MARK: Retention

    /// The time marks of `model` that may hold a row that arrived before a time: every such row lies in a mark whose
    /// earliest arrival is before it. Retention deletes the marks it empties, so this reads the marks of the rows to
    /// delete and the few at the boundary.
    static let marksBeforeSQL = "SELECT first_id, last_id FROM prediction_time_mark WHERE model = ? AND earliest_arrival < ?"

    /// The rows of one model version that arrived before a time within one mark's id range: a range of the
    /// (model, version) index, so the other models' rows interleaved in the range are not read.
    static let deleteInMarkSQL = "DELETE FROM prediction WHERE model = ? AND version IS ? AND id BETWEEN ? AND ? AND +arrived_at < ?"

    /// Deletes `model`'s predictions that arrived before `cutoff` (seconds since 1970); their feedback goes
    /// with them (`ON DELETE CASCADE`). Returns the number of predictions deleted. Rows an older binary left unmarked
    /// are marked first; then only the id ranges of the time marks that may hold such rows (``marksBeforeSQL``) are
    /// read, per version through the (model, version) index; marks left without rows of the model go too, the others
    /// are narrowed to the rows left.
    @discardableResult
    public func deletePredictions(model: String, before cutoff: Double) throws(PredictionLogError) -> Int {
        let deleted = try write { db -> Int in
            try TimeMarks.markUnmarkedRows(db, now: Date().timeIntervalSince1970)
            let marks = try Row.fetchAll(db, sql: Self.marksBeforeSQL, arguments: [model, cutoff]).map {
                (first: $0[0] as Int64, last: $0[1] as Int64)
            }
            guard !marks.isEmpty else { return 0 }
            let versions = try Self.versions(of: model, db)
            let delete = try db.cachedStatement(sql: Self.deleteInMarkSQL)
            var deleted = 0
            for mark in marks {
                for version in versions {
                    try delete.execute(arguments: [model, version, mark.first, mark.last, cutoff])
                    deleted += db.changesCount
                }
            }
            try TimeMarks.refresh(db, model: model, marks: marks.map(\.first), versions: versions)
            return deleted
        }
        return deleted
    }

    /// Deletes the payload segments no row refers to any more (older than ``PayloadSegments/reclaimAge``), after
    /// overwriting any places an interrupted erasure or re-encryption left; retention calls it once per pass. Returns
    /// how many segment files were deleted.
    @discardableResult
    public func reclaimPayloadSegments(now: Double = Date().timeIntervalSince1970) throws(PredictionLogError) -> Int {
        try payloads.overwritePending(pool)
        let files = try write { db in try payloads.reclaimable(db, now: now) }
        payloads.deleteFiles(files)
        return files.count
    }

    /// Runs `body` in one transaction that is on disk when this returns (`synchronous = FULL` for it: the log's
    /// commits are otherwise only flushed at checkpoints), for changes that must not come back after a crash once
    /// the bytes they release are overwritten (erasure, re-encryption). With `secureDelete`, the pages it frees are
    /// zeroed (SQLite's `secure_delete`).
    func durableWrite<T>(secureDelete: Bool = false, _ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            if secureDelete { try db.execute(sql: "PRAGMA secure_delete = ON") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer {
                if secureDelete { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
                try? db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            guard let result else { throw PredictionLogError(.storage, "the transaction returned nothing") }
            return result
        }
    }
}

/// Which predictions a quality computation looks at.
public enum QualityWindow: Sendable, Hashable {
    /// Every labeled prediction.
    case all
    /// The newest N labeled examples.
    case last(Int)
    /// Predictions that arrived at or after this time (seconds since 1970).
    case since(Double)
}

/// Which predictions an export reads.
public struct ExportFilter: Sendable {
    public var model: String
    public var version: Int?
    /// Seconds since 1970, inclusive.
    public var since: Double?
    /// Seconds since 1970, exclusive.
    public var until: Double?
    /// Only predictions with feedback.
    public var labeledOnly: Bool

    public init(model: String, version: Int? = nil, since: Double? = nil, until: Double? = nil, labeledOnly: Bool = false) {
        self.model = model
        self.version = version
        self.since = since
        self.until = until
        self.labeledOnly = labeledOnly
    }
}

import Foundation
import GRDB

/// Drift checks and retraining events in their own SQLite file (`drift.sqlite` in the data directory): one
/// `DatabasePool` for the file, named migrations, invariants as constraints. Blocking calls run on a
/// dedicated thread (GRDB's async API), never on an event loop.
public final class DriftHistoryStore: Sendable {
    let database: DatabasePool

    /// Opens (creating when needed) the history at `path`.
    public init(path: String) throws(DriftError) {
        do {
            database = try DatabasePool(path: path)
            try Self.migrator.migrate(database)
        } catch {
            throw DriftError(.invalidInput, "cannot open the drift history '\(path)': \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("drift-v1: checks and feature scores") { db in
            try db.execute(
                sql: """
                    CREATE TABLE drift_check (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        model TEXT NOT NULL CHECK (length(model) > 0),
                        version TEXT NOT NULL CHECK (length(version) > 0),
                        time REAL NOT NULL,
                        window TEXT NOT NULL,
                        rows INTEGER NOT NULL CHECK (rows >= 0),
                        share REAL NOT NULL CHECK (share >= 0 AND share <= 1),
                        dataset_drift INTEGER NOT NULL CHECK (dataset_drift IN (0, 1)),
                        prediction_drift INTEGER CHECK (prediction_drift IN (0, 1)),
                        report TEXT NOT NULL
                    );
                    CREATE INDEX drift_check_by_version ON drift_check (model, version, time);
                    CREATE TABLE feature_score (
                        check_id INTEGER NOT NULL REFERENCES drift_check (id) ON DELETE CASCADE,
                        kind TEXT NOT NULL CHECK (kind IN ('input', 'prediction')),
                        feature TEXT NOT NULL,
                        stattest TEXT NOT NULL,
                        score REAL,
                        threshold REAL NOT NULL,
                        drift_detected INTEGER NOT NULL CHECK (drift_detected IN (0, 1)),
                        PRIMARY KEY (check_id, kind, feature)
                    );
                    """)
        }
        migrator.registerMigration("drift-v1: retraining events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE retraining_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        time REAL NOT NULL,
                        model TEXT NOT NULL CHECK (length(model) > 0),
                        version TEXT NOT NULL,
                        reason TEXT NOT NULL CHECK (reason IN ('dataset_drift', 'concept_drift', 'quality')),
                        action TEXT NOT NULL CHECK (action IN ('webhook', 'command', 'none')),
                        outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'suppressed_by_cooldown', 'recorded')),
                        detail TEXT NOT NULL,
                        payload TEXT NOT NULL
                    );
                    CREATE INDEX retraining_event_by_time ON retraining_event (time);
                    """)
        }
        migrator.registerMigration("drift-v2: reference profiles") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reference_profile (
                        model TEXT NOT NULL CHECK (length(model) > 0),
                        version TEXT NOT NULL CHECK (length(version) > 0),
                        digest TEXT NOT NULL CHECK (length(digest) > 0),
                        built_at REAL NOT NULL,
                        row_count INTEGER NOT NULL CHECK (row_count >= 0),
                        PRIMARY KEY (model, version, digest)
                    );
                    CREATE TABLE reference_profile_column (
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        position INTEGER NOT NULL CHECK (position >= 0),
                        name TEXT NOT NULL,
                        dtype TEXT NOT NULL CHECK (dtype IN ('int64', 'float64', 'bool', 'object')),
                        encoding TEXT NOT NULL CHECK (encoding IN ('numeric', 'text', 'categories')),
                        data BLOB NOT NULL,
                        levels BLOB,
                        PRIMARY KEY (model, version, digest, position),
                        FOREIGN KEY (model, version, digest) REFERENCES reference_profile (model, version, digest) ON DELETE CASCADE
                    );
                    """)
        }
        return migrator
    }

    /// Stores one check and its per-feature scores.
    public func record(_ check: DriftCheck) async throws {
        let json = check.json()
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO drift_check (model, version, time, window, rows, share, dataset_drift, prediction_drift, report)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    check.model, check.version, check.time, check.window, check.rows, check.inputs.share,
                    check.inputs.datasetDrift, check.predictions?.datasetDrift, json,
                ])
            let id = db.lastInsertedRowID
            func scores(_ report: DatasetDriftReport, kind: String) throws {
                for c in report.columns {
                    try db.execute(
                        sql: """
                            INSERT INTO feature_score (check_id, kind, feature, stattest, score, threshold, drift_detected)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            id, kind, c.column, c.result.test.rawValue, c.result.score.isFinite ? c.result.score : nil,
                            c.result.threshold, c.result.driftDetected,
                        ])
                }
            }
            try scores(check.inputs, kind: "input")
            if let p = check.predictions { try scores(p, kind: "prediction") }
        }
    }

    /// Input feature scores of the last `limit` checks of a version, per feature, oldest first.
    public func timelines(model: String, version: String, limit: Int) async throws -> [String: [DriftTimelinePoint]] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.time AS time, f.feature AS feature, f.score AS score, f.threshold AS threshold,
                           f.drift_detected AS drift
                    FROM feature_score f JOIN (
                        SELECT id, time FROM drift_check WHERE model = ? AND version = ? ORDER BY time DESC, id DESC LIMIT ?
                    ) c ON c.id = f.check_id
                    WHERE f.kind = 'input'
                    ORDER BY c.time, c.id
                    """,
                arguments: [model, version, limit])
            var out: [String: [DriftTimelinePoint]] = [:]
            for row in rows {
                let feature: String = row["feature"]
                let score: Double? = row["score"]
                out[feature, default: []].append(
                    DriftTimelinePoint(time: row["time"], score: score ?? .nan, threshold: row["threshold"], driftDetected: row["drift"]))
            }
            return out
        }
    }

    /// The stored JSON of the last `limit` checks of a model (any version), newest first.
    public func recentChecks(model: String, limit: Int) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(
                db, sql: "SELECT report FROM drift_check WHERE model = ? ORDER BY time DESC, id DESC LIMIT ?", arguments: [model, limit])
        }
    }

    /// Records a retraining event; returns its id.
    @discardableResult
    public func record(_ event: RetrainingEvent) async throws -> Int64 {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO retraining_event (time, model, version, reason, action, outcome, detail, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.time, event.model, event.version, event.reason.rawValue, event.action, event.outcome.rawValue,
                    event.detail, event.payload,
                ])
            return db.lastInsertedRowID
        }
    }

    /// Events, newest first; only `model`'s when given.
    public func events(model: String? = nil, limit: Int = 100) async throws -> [RetrainingEvent] {
        try await database.read { db in try Self.events(db, model: model, limit: limit) }
    }

    /// Events, newest first, read on the calling thread (for the CLI).
    public func readEvents(model: String? = nil, limit: Int = 100) throws -> [RetrainingEvent] {
        try database.read { db in try Self.events(db, model: model, limit: limit) }
    }

    private static func events(_ db: Database, model: String?, limit: Int) throws -> [RetrainingEvent] {
        let rows: [Row]
        if let model {
            rows = try Row.fetchAll(
                db, sql: "SELECT * FROM retraining_event WHERE model = ? ORDER BY time DESC, id DESC LIMIT ?", arguments: [model, limit])
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM retraining_event ORDER BY time DESC, id DESC LIMIT ?", arguments: [limit])
        }
        return rows.map { row in
            RetrainingEvent(
                id: row["id"], time: row["time"], model: row["model"], version: row["version"],
                reason: RetrainingReason(rawValue: row["reason"]) ?? .datasetDrift, action: row["action"],
                outcome: RetrainingOutcome(rawValue: row["outcome"]) ?? .recorded, detail: row["detail"], payload: row["payload"])
        }
    }
}

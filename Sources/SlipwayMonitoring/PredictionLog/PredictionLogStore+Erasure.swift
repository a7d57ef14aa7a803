import GRDB

/// What an erasure removed from the prediction log.
public struct ErasedRows: Sendable, Equatable {
    public var predictions = 0
    public var feedback = 0
    /// Rows of the model whose logged values could not be read (their payload segment is missing or damaged): they
    /// could not be checked against the subject and are kept.
    public var unreadable = 0

    public init(predictions: Int = 0, feedback: Int = 0, unreadable: Int = 0) {
        self.predictions = predictions
        self.feedback = feedback
        self.unreadable = unreadable
    }
}

extension PredictionLogStore {
    /// Deletes `model`'s predictions for which `matches` is true, with their feedback. Reads the model's rows
    /// a page at a time (opening sealed cells), then deletes the matches in one transaction with SQLite's
    /// `secure_delete` on (freed pages are zeroed), overwrites their cells kept in payload segments with zeros and
    /// checkpoints the write-ahead log, so the erased values do not linger in the files; the time marks of the erased
    /// rows are narrowed to the rows left. Rows logged while it runs are not considered; rows whose values cannot be
    /// read are counted (``ErasedRows/unreadable``) and kept.
    public func erasePredictions(model: String, where matches: (StoredPrediction) throws -> Bool) throws(PredictionLogError) -> ErasedRows {
        var ids: [Int64] = []
        var unreadable = 0
        // A row whose values cannot be read (a payload segment gone or damaged) is counted and kept rather than
        // stopping the erasure of the others.
        let readable = { (row: Row) throws -> StoredPrediction? in
            do {
                return try self.prediction(row)
            } catch let error as PredictionLogError where error.code == .corrupt {
                return nil
            }
        }
        try forEachPage(ExportFilter(model: model), pageSize: 500, reading: readable) { page in
            for prediction in page {
                guard let prediction else {
                    unreadable += 1
                    continue
                }
                if try matches(prediction) { ids.append(prediction.rowID) }
            }
        }
        guard !ids.isEmpty else { return ErasedRows(unreadable: unreadable) }
        var erased: ErasedRows
        do {
            // On disk before the segment bytes are overwritten: the rows must not come back after a crash.
            erased = try durableWrite(secureDelete: true) { db in
                var erased = ErasedRows()
                for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                    let list = chunk.map(String.init).joined(separator: ",")
                    let cells = try DatabaseValue.fetchAll(
                        db,
                        sql: "SELECT inputs FROM prediction WHERE id IN (\(list)) UNION ALL SELECT outputs FROM prediction WHERE id IN (\(list))")
                    try payloads.queueOverwrite(db, cells.compactMap { PayloadReference(cell: Self.bytes($0)) })
                    try db.execute(sql: "DELETE FROM feedback WHERE prediction_id IN (\(list))")
                    erased.feedback += db.changesCount
                    try db.execute(sql: "DELETE FROM prediction WHERE id IN (\(list))")
                    erased.predictions += db.changesCount
                }
                // The time marks of the erased rows are narrowed to the rows left (or deleted): no erased row's
                // arrival time stays behind in them.
                try TimeMarks.refresh(
                    db, model: model, marks: TimeMarks.marks(db, model: model, holding: ids), versions: PredictionLogStore.versions(of: model, db)
                )
                return erased
            }
        } catch {
            throw PredictionLogError(.storage, "cannot erase from the prediction log: \(error)")
        }
        // The erased rows' cells kept in payload segments are overwritten with zeros (the rows are gone; places left
        // by a failure here stay recorded, and the next erasure, re-encryption or retention pass overwrites them).
        try payloads.overwritePending(pool)
        erased.unreadable = unreadable
        // Best effort: readers may hold the log; the next automatic checkpoint then moves the pages.
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        return erased
    }
}

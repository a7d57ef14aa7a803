import Foundation
import GRDB
import Synchronization

/// How many cells of the prediction log are plain or sealed, by key.
public struct SealingStatus: Sendable, Equatable {
    /// Prediction rows by the key that sealed them (`""`: plain).
    public var predictions: [String: Int] = [:]
    /// Feedback rows by the key that sealed them (`""`: plain).
    public var feedback: [String: Int] = [:]

    public init() {}
}

extension PredictionLogStore {
    /// Rows not sealed by `keyID` (plain ones included), found through the `sealed_with` index (feedback).
    static let notSealedBy = "(sealed_with IS NULL OR sealed_with < ? OR sealed_with > ?)"
    /// Prediction rows sealed by another key than `keyID`, found through the partial `sealed_with` index.
    static let sealedByAnother = "sealed_with IS NOT NULL AND (sealed_with < ? OR sealed_with > ?)"

    /// Re-encrypts up to `limit` rows (predictions, then feedback) that are plain or sealed by another key
    /// than `sealer.currentKeyID`, in one transaction; returns how many rows changed (0 when none are left).
    /// `sealer` must hold every key that sealed a row (the whole ring): a row whose key is missing stops the
    /// batch with an error naming the key.
    public func resealBatch(with sealer: any RecordSealer, limit: Int) throws(PredictionLogError) -> Int {
        let current = sealer.currentKeyID
        let payloads = self.payloads
        let (changed, plainFrom): (Int, Int64?)
        do {
            (changed, plainFrom) = try durableWrite { db -> (Int, Int64?) in
                var changed = 0
                var plainFrom: Int64? = nil
                // Rows under older keys through the partial index; then plain rows, walking row ids from the watermark
                // (plain rows are not in the index), so the walk over a large plain log stays linear across batches.
                var predictions = try Int64.fetchAll(
                    db, sql: "SELECT id FROM prediction WHERE \(Self.sealedByAnother) LIMIT ?", arguments: [current, current, max(1, limit)])
                if predictions.count < limit {
                    let from = plainRowsFrom.withLock { $0 }
                    let wanted = limit - predictions.count
                    let plain = try Int64.fetchAll(
                        db, sql: "SELECT id FROM prediction WHERE id >= ? AND sealed_with IS NULL ORDER BY id LIMIT ?", arguments: [from, wanted])
                    // All plain rows up to the last one taken are being sealed here; with fewer than asked, none is left
                    // below the end of the table.
                    let next =
                        plain.count == wanted ? (plain.last ?? from) + 1 : (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM prediction") ?? 0) + 1
                    plainFrom = next
                    predictions += plain
                }
                for id in predictions {
                    guard let row = try Row.fetchOne(db, sql: "SELECT inputs, outputs FROM prediction WHERE id = ?", arguments: [id]) else {
                        continue
                    }
                    // Cells in a payload segment come back into the row sealed; their old bytes are overwritten after the commit.
                    try payloads.queueOverwrite(
                        db, [row[0], row[1]].compactMap { (value: DatabaseValue) in PayloadReference(cell: Self.bytes(value)) })
                    let inputs = try openCell(storedCell(row[0], id, "inputs"), "prediction", id, "inputs", with: sealer)
                    let outputs = try openCell(storedCell(row[1], id, "outputs"), "prediction", id, "outputs", with: sealer)
                    let sealedInputs = try sealCell(inputs, "prediction", id, "inputs", with: sealer)
                    let sealedOutputs = try sealCell(outputs, "prediction", id, "outputs", with: sealer)
                    try db.execute(
                        sql: "UPDATE prediction SET inputs = ?, outputs = ?, sealed_with = ? WHERE id = ?",
                        arguments: [Data(sealedInputs.bytes), Data(sealedOutputs.bytes), sealedInputs.keyID, id])
                    changed += 1
                }
                guard changed < limit else { return (changed, plainFrom) }
                let feedback = try Int64.fetchAll(
                    db, sql: "SELECT prediction_id FROM feedback WHERE \(Self.notSealedBy) LIMIT ?", arguments: [current, current, limit - changed])
                for id in feedback {
                    guard let value = try DatabaseValue.fetchOne(db, sql: "SELECT labels FROM feedback WHERE prediction_id = ?", arguments: [id])
                    else { continue }
                    let labels = try openCell(Self.bytes(value), "feedback", id, "labels", with: sealer)
                    let sealed = try sealCell(labels, "feedback", id, "labels", with: sealer)
                    try db.execute(
                        sql: "UPDATE feedback SET labels = ?, sealed_with = ? WHERE prediction_id = ?",
                        arguments: [Data(sealed.bytes), sealed.keyID, id])
                    changed += 1
                }
                return (changed, plainFrom)
            }
        } catch let error as PredictionLogError {
            throw error
        } catch {
            throw PredictionLogError(.storage, "prediction log write failed: \(error)")
        }
        // Moved only once the batch is committed: a failed batch leaves its plain rows to the next one.
        if let plainFrom { plainRowsFrom.withLock { $0 = max($0, plainFrom) } }
        // The rows now hold their cells sealed: the copies left in payload segments are overwritten.
        try payloads.overwritePending(pool)
        return changed
    }

    /// Rows by the key that sealed them.
    public func sealingStatus() throws(PredictionLogError) -> SealingStatus {
        try read { db in
            var status = SealingStatus()
            for row in try Row.fetchAll(db, sql: "SELECT COALESCE(sealed_with, ''), COUNT(*) FROM prediction GROUP BY 1") {
                status.predictions[row[0]] = row[1]
            }
            for row in try Row.fetchAll(db, sql: "SELECT COALESCE(sealed_with, ''), COUNT(*) FROM feedback GROUP BY 1") {
                status.feedback[row[0]] = row[1]
            }
            return status
        }
    }
}

import Foundation
import GRDB

/// One posted outcome: the request id and its label (a list, one per example, for a batch request).
public struct FeedbackItem: Sendable {
    public var requestID: String
    public var labels: [LabelValue]

    public init(requestID: String, labels: [LabelValue]) {
        self.requestID = requestID
        self.labels = labels
    }
}

/// What happened to posted feedback: how many were joined, which ids matched no prediction, which were invalid.
public struct FeedbackResult: Sendable, Equatable {
    public var accepted = 0
    /// Ids with no logged prediction of that model (not yet written, never logged, or deleted by retention).
    public var unknownIDs: [String] = []
    /// Items refused, with the reason (a label count that does not match the request's examples).
    public var invalid: [(id: String, reason: String)] = []

    public init() {}

    public static func == (a: FeedbackResult, b: FeedbackResult) -> Bool {
        a.accepted == b.accepted && a.unknownIDs == b.unknownIDs && a.invalid.map(\.id) == b.invalid.map(\.id)
    }
}

extension PredictionLogStore {
    /// Joins labels to `model`'s predictions by request id (the latest prediction with that id), in one
    /// transaction. A second label for the same prediction replaces the first. With a sealer, the labels are
    /// encrypted, bound to the prediction's row id.
    public func recordFeedback(model: String, _ items: [FeedbackItem], receivedAt: Double) throws(PredictionLogError) -> FeedbackResult {
        let sealer = self.sealer
        return try write { db in
            var result = FeedbackResult()
            let find = try db.cachedStatement(sql: "SELECT id, rows FROM prediction WHERE model = ? AND request_id = ? ORDER BY id DESC LIMIT 1")
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO feedback (prediction_id, labels, received_at, sealed_with, model) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(prediction_id) DO UPDATE SET labels = excluded.labels, received_at = excluded.received_at,
                        sealed_with = excluded.sealed_with
                    """)
            for item in items {
                guard let row = try Row.fetchOne(find, arguments: [model, item.requestID]) else {
                    result.unknownIDs.append(item.requestID)
                    continue
                }
                let rows: Int = row[1]
                guard item.labels.count == rows else {
                    result.invalid.append(
                        (item.requestID, "the prediction has \(rows) example(s) but \(item.labels.count) label(s) were given"))
                    continue
                }
                let id: Int64 = row[0]
                let labels = LabelValue.encodeList(item.labels)
                if sealer == nil {
                    try upsert.execute(arguments: [id, labels, receivedAt, nil, model])
                } else {
                    let sealed = try sealCell(Array(labels.utf8), "feedback", id, "labels", with: sealer)
                    try upsert.execute(arguments: [id, Data(sealed.bytes), receivedAt, sealed.keyID, model])
                }
                result.accepted += 1
            }
            return result
        }
    }
}

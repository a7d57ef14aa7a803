import Foundation
import Testing

@testable import SlipwayMonitoring

/// Re-encryption of the prediction log: rows under older keys come through the partial `sealed_with` index, plain
/// rows (not in it) through a walk of row ids that resumes where the last batch stopped.
@Suite struct PredictionLogResealTests {
    /// A stand-in cipher with the sealed-record header: the payload follows the key id and 28 filler bytes.
    struct HeaderSealer: RecordSealer {
        let currentKeyID: String

        func seal(_ plaintext: [UInt8], context: [UInt8]) throws -> [UInt8] {
            Array("SWE1".utf8) + [UInt8(currentKeyID.utf8.count)] + Array(currentKeyID.utf8) + [UInt8](repeating: 7, count: 28) + plaintext
        }

        func open(_ record: [UInt8], context: [UInt8]) throws -> [UInt8] {
            guard let key = SealedRecord.keyID(of: record) else { return record }
            return Array(record.dropFirst(5 + key.utf8.count + 28))
        }
    }

    static func resealAll(_ store: PredictionLogStore, key: String, limit: Int) throws -> (batches: Int, rows: Int) {
        var batches = 0
        var rows = 0
        while true {
            batches += 1
            let changed = try store.resealBatch(with: HeaderSealer(currentKeyID: key), limit: limit)
            rows += changed
            if changed == 0 { return (batches, rows) }
        }
    }

    @Test func plainRowsThenNewPlainRowsThenARotationAreAllResealedOnce() throws {
        let plainStore = try PredictionLogStoreTests.temporaryStore()
        try plainStore.insert((0..<50).map { PredictionLogStoreTests.entry("r\($0)", at: Double($0)) })
        let store = try PredictionLogStore(path: plainStore.path, sealer: HeaderSealer(currentKeyID: "k1"))

        // 50 plain rows, 7 a batch: 8 batches that change rows and one that finds none; each row sealed once.
        #expect(try Self.resealAll(store, key: "k1", limit: 7) == (9, 50))
        #expect(try store.sealingStatus().predictions == ["k1": 50])

        // Rows written plain later (a server without the key) lie past the walk's mark and are found.
        try plainStore.insert((50..<55).map { PredictionLogStoreTests.entry("r\($0)", at: Double($0)) })
        #expect(try Self.resealAll(store, key: "k1", limit: 7) == (2, 5))
        #expect(try store.sealingStatus().predictions == ["k1": 55])

        // A new key: every row comes through the partial index, and the payloads still open.
        #expect(try Self.resealAll(store, key: "k2", limit: 10).rows == 55)
        #expect(try store.sealingStatus().predictions == ["k2": 55])
        let reader = try PredictionLogStore(path: plainStore.path, sealer: HeaderSealer(currentKeyID: "k2"))
        let recent = try reader.recentPredictions(model: "iris", version: 1, examples: 55)
        #expect(recent.count == 55)
        #expect(recent.allSatisfy { $0.entry.inputs.first?.data == PredictionLogStoreTests.entry("x").inputs.first?.data })

        // Sealed rows are found through the partial index, plain ones are not in it.
        let plan = try store.queryPlan("SELECT id FROM prediction WHERE \(PredictionLogStore.sealedByAnother) LIMIT 5")
        #expect(plan.contains { $0.contains("prediction_by_sealed_key") }, "\(plan)")
    }
}

import Foundation
import SlipwayMonitoring
import Testing

/// The prediction log's write rate alone (no server): rows of the iris request (X FP32 [1, 4] → label,
/// probabilities [1, 3]) inserted in transactions of 512. A benchmark, not a test: it runs only with
/// `SLIPWAY_BENCH=1` (bench/monitoring.sh) and prints rows/s; nothing is asserted about speed.
@Suite struct PredictionLogThroughputBench {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SLIPWAY_BENCH"] == "1", "a benchmark: set SLIPWAY_BENCH=1"))
    func rowsPerSecond() throws {
        let store = try PredictionLogStoreTests.temporaryStore()
        let rows = 200_000
        let row = PredictionEntry(
            requestID: "", model: "iris", version: 1, alias: nil, arrivedAt: 0, status: "ok", latencySeconds: 0.0002,
            inputs: [PredictionLogStoreTests.floats("X", [1, 4], [5.1, 2.5, 3.0, 1.1])],
            outputs: [
                LoggedTensor(name: "label", datatype: "INT64", shape: [1], data: [1, 0, 0, 0, 0, 0, 0, 0]),
                PredictionLogStoreTests.floats("probabilities", [1, 3], [0.15, 0.6, 0.25]),
            ])
        let started = ContinuousClock.now
        var batch: [PredictionEntry] = []
        for i in 0..<rows {
            var entry = row
            entry.requestID = "r\(i)"
            entry.arrivedAt = Double(i)
            batch.append(entry)
            if batch.count == 512 {
                try store.insert(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try store.insert(batch)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("prediction log: \(rows) rows in \(String(format: "%.2f", seconds)) s = \(Int(Double(rows) / seconds)) rows/s")
        #expect(try store.count() == rows)
    }
}

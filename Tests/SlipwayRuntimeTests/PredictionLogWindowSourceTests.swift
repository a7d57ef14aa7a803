import Foundation
import SlipwayMonitoring
import SlipwayRuntime
import Testing

/// Drift windows read from the prediction log: the newest N rows (requests may carry several), or every row
/// since a time; a lone `[N, F]` input takes the reference's feature names; other versions and failed
/// requests stay out.
@Suite struct PredictionLogWindowSourceTests {
    static func floats(_ name: String, _ shape: [Int], _ values: [Float]) -> LoggedTensor {
        var bytes: [UInt8] = []
        for v in values { for b in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32(b)))) } }
        return LoggedTensor(name: name, datatype: "FP32", shape: shape, data: bytes)
    }

    /// Request `i` carries `rows` rows whose first feature is `i*10 + row`.
    static func entry(_ i: Int, rows: Int, version: Int = 1, status: String = "ok") -> PredictionEntry {
        let x = (0..<rows).flatMap { r in [Float(i * 10 + r), Float(-r)] }
        return PredictionEntry(
            requestID: "r\(i)", model: "iris", version: version, alias: nil, arrivedAt: Double(1000 + i), status: status,
            latencySeconds: 0.001, inputs: [floats("X", [rows, 2], x)], outputs: [floats("score", [rows, 1], (0..<rows).map { Float($0) })])
    }

    @Test func lastAndSinceWindowsWithReferenceNames() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-window-\(UUID().uuidString)")
        let store = try PredictionLogStore.open(dataDirectory: dir)
        try store.insert([
            Self.entry(1, rows: 2), Self.entry(2, rows: 3), Self.entry(3, rows: 1, version: 2), Self.entry(4, rows: 2, status: "bad_request"),
            Self.entry(5, rows: 2),
        ])
        let source = PredictionLogWindowSource(store: store) { _, _ in ["a", "b"] }
        let last = try await source.rows(model: "iris", version: "1", window: .last(4))
        #expect(last.count == 4)
        // Oldest first: the newest 4 rows of version 1 are request 2's last two and request 5's two.
        #expect(last.inputs.column(named: "a")?.numbers == [21, 22, 50, 51])
        #expect(last.inputs.column(named: "b")?.numbers == [-1, -2, 0, -1])
        #expect(last.outputs.column(named: "score")?.numbers == [1, 2, 0, 1])
        let since = try await source.rows(model: "iris", version: "1", window: .since(1002))
        #expect(since.inputs.column(named: "a")?.numbers == [20, 21, 22, 50, 51])
        let unnamed = PredictionLogWindowSource(store: store) { _, _ in nil }
        let plain = try await unnamed.rows(model: "iris", version: "2", window: .last(10))
        #expect(plain.inputs.column(named: "X[0]")?.numbers == [30])
        #expect(try await unnamed.rows(model: "iris", version: "9", window: .last(10)).count == 0)
    }
}

extension DataColumn {
    fileprivate var numbers: [Double]? {
        if case .numeric(let values) = values { return values }
        return nil
    }
}

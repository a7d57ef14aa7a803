import Logging
import SlipwayEngine
import SlipwayMonitoring
import SlipwayTensor
import Testing

@testable import SlipwayRuntime

/// The request thread encodes prediction-log blobs straight from the tensors; they must be byte for byte the
/// blobs of the ``LoggedTensor`` path (which the store's readers decode), for every datatype.
@Suite struct PredictionRowEncodingTests {
    static func values() throws -> [(name: String, value: Value)] {
        [
            ("f32", .tensor(try Tensor(shape: [2, 2], elements: [Float(1.5), -2, .infinity, 0]))),
            ("f64", .tensor(Tensor(vector: [Double(3.25), -0.0]))),
            ("i64", .tensor(Tensor(vector: [Int64.min, 7, Int64.max]))),
            ("i32", .tensor(Tensor(vector: [Int32(-5), 6]))),
            ("u8", .tensor(Tensor(vector: [UInt8(0), 255]))),
            ("b", .tensor(Tensor(vector: [true, false, true]))),
            ("s", .tensor(try Tensor(shape: [2], elements: ["a \"quoted\" é", ""]))),
            ("scalar", .tensor(try Tensor(shape: [], elements: [Float(4)]))),
            ("empty", .tensor(try Tensor(shape: [0, 3], elements: [Float]()))),
        ]
    }

    @Test func blobsMatchTheLoggedTensorPath() throws {
        let values = try Self.values()
        for excluded in [Set<String>(), ["f32"], ["s", "i64"], Set(values.map(\.name))] {
            let direct = TensorBlob.encode(values, excluding: excluded)
            #expect(direct == TensorBlob.encode(LoggedTensor.tensors(values, excluding: excluded)), "excluding \(excluded)")
            #expect(try TensorBlob.decode(direct) == LoggedTensor.tensors(values, excluding: excluded))
        }
        #expect(TensorBlob.encode(nil) == TensorBlob.encode([LoggedTensor]()))
    }

    @Test func randomTensorsMatchTheLoggedTensorPath() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let rows = Int.random(in: 0...5, using: &generator)
            let columns = Int.random(in: 1...7, using: &generator)
            let floats = (0..<(rows * columns)).map { _ in Float.random(in: -1e6...1e6, using: &generator) }
            let ints = (0..<rows).map { _ in Int64.random(in: .min ... .max, using: &generator) }
            let values: [(name: String, value: Value)] = [
                ("x", .tensor(try Tensor(shape: [rows, columns], elements: floats))), ("y", .tensor(try Tensor(shape: [rows], elements: ints))),
            ]
            #expect(TensorBlob.encode(values) == TensorBlob.encode(LoggedTensor.tensors(values)))
        }
    }

    @Test func rowsCountLikeTheEntry() throws {
        let values = try Self.values()
        let outputs: [(name: String, value: Value)] = [("label", .tensor(Tensor(vector: [Int64(1), 2, 3, 4])))]
        for excluded in [Set<String>(), ["f32"], ["f32", "f64", "i64", "i32", "u8", "b", "s"], Set(values.map(\.name))] {
            let entry = PredictionEntry(
                requestID: "r", model: "m", version: 1, alias: nil, arrivedAt: 0, status: "ok", latencySeconds: 0,
                inputs: LoggedTensor.tensors(values, excluding: excluded), outputs: LoggedTensor.tensors(outputs))
            #expect(TensorBlob.rows(inputs: values, excluding: excluded, outputs: outputs) == entry.rows, "excluding \(excluded)")
        }
        #expect(TensorBlob.rows(inputs: nil, excluding: [], outputs: nil) == 0)
    }

    @Test func theObserverQueuesTheSameRowAsTheEntryPath() throws {
        let queue = PredictionLogQueue(capacity: 4)
        let observer = MonitoringObserver(
            queue: queue, settings: SlipwayConfiguration(), window: ServingWindow(horizon: 60), logger: Logger(label: "test"))
        let inputs = try Self.values()
        let outputs: [(name: String, value: Value)] = [("label", .tensor(Tensor(vector: [Int64(1), 2])))]
        observer.record(
            InferenceRecord(
                requestID: "r1", arrivedAt: 1000, model: "m", version: 3, alias: "production", inputs: inputs, outputs: outputs,
                status: .success, queueSeconds: 0, computeSeconds: 0, totalSeconds: 0.002, batchSize: 2, cacheHit: false))
        let row = try #require(queue.drain().first)
        let expected = PredictionRow(
            PredictionEntry(
                requestID: "r1", model: "m", version: 3, alias: "production", arrivedAt: 1000, status: "ok", latencySeconds: 0.002,
                inputs: LoggedTensor.tensors(inputs), outputs: LoggedTensor.tensors(outputs)))
        #expect(row.inputs == expected.inputs)
        #expect(row.outputs == expected.outputs)
        #expect(row.rows == expected.rows)
        #expect(row.requestID == "r1" && row.version == 3 && row.alias == "production" && row.status == "ok")
    }

    /// The writer counts written rows per model for the metrics: runs of one model, interleaved models and an
    /// empty batch all count like grouping the rows.
    @Test func rowsArePerModelCountedLikeGrouping() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let models = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                ["a", "b", "long-model-name-é"].randomElement(using: &generator) ?? "a"
            }
            let rows = models.enumerated().map {
                PredictionRow(
                    requestID: "r\($0.offset)", model: $0.element, version: 1, alias: nil, arrivedAt: 0, status: "ok", latencySeconds: 0, rows: 1,
                    inputs: [], outputs: [])
            }
            #expect(PredictionLogWriter.rowsPerModel(rows) == Dictionary(grouping: rows, by: \.model).mapValues(\.count))
        }
    }
}

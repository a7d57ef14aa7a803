import Logging
import SlipwayEngine
import SlipwayMonitoring
import SlipwayRuntime
import SlipwaySecurity
import SlipwayTensor
import Testing

/// PII input fields never reach the prediction log: dropped, or replaced by a keyed hash per element.
@Suite struct PredictionRedactionTests {
    @Test func droppedAndHashedFieldsAreNeverQueued() throws {
        let queue = PredictionLogQueue(capacity: 8)
        let redactor = PIIRedactor(key: Array(repeating: 7, count: 32), fields: ["email": .hash, "ssn": .drop])
        let observer = MonitoringObserver(
            queue: queue, settings: SlipwayConfiguration(), window: ServingWindow(horizon: 60), logger: Logger(label: "test"),
            redactor: { $0 == "credit" ? redactor : nil })
        func record(_ model: String) throws -> InferenceRecord {
            InferenceRecord(
                requestID: "r-\(model)", arrivedAt: 1000, model: model, version: 1, alias: nil,
                inputs: [
                    ("email", .tensor(try Tensor(shape: [2], elements: ["a@b.c", "d@e.f"]))),
                    ("ssn", .tensor(try Tensor(shape: [2], elements: ["123", "456"]))),
                    ("amount", .tensor(Tensor(vector: [Float(1), 2]))),
                ],
                outputs: [("score", .tensor(Tensor(vector: [Float(0.5), 0.25])))], status: .success, queueSeconds: 0, computeSeconds: 0,
                totalSeconds: 0, batchSize: 2, cacheHit: false)
        }
        observer.record(try record("credit"))
        observer.record(try record("other"))
        let entries = try queue.drain().map { try $0.entry() }
        #expect(entries.count == 2)
        let credit = try #require(entries.first { $0.model == "credit" })
        #expect(credit.inputs.map(\.name) == ["email", "amount"])
        let email = try #require(credit.inputs.first)
        #expect(email.strings == [redactor.hash("a@b.c"), redactor.hash("d@e.f")])
        #expect(!email.strings.contains("a@b.c"))
        let other = try #require(entries.first { $0.model == "other" })
        #expect(other.inputs.map(\.name) == ["email", "ssn", "amount"])
    }
}

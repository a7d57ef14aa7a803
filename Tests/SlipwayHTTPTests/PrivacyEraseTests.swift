import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRuntime
import SlipwaySecurity
import Testing

/// Erasure of a data subject: the matching rows (plain fields, keyed-hash fields, numbers; sealed or plain
/// rows) and their feedback go, the others stay, the audit trail records the hash and never the value;
/// over HTTP for admins only, with errors naming the field at fault.
@Suite struct PrivacyEraseTests {
    static let hashKey = Array(repeating: UInt8(7), count: 32)

    static func entry(_ id: String, model: String = "credit", customer: String, email: String, age: Int64) -> PredictionEntry {
        let redactor = PIIRedactor(key: hashKey, fields: [:])
        return PredictionEntry(
            requestID: id, model: model, version: 1, alias: nil, arrivedAt: 1000, status: "ok", latencySeconds: 0.001,
            inputs: [
                LoggedTensor(name: "customer_id", datatype: "BYTES", shape: [1], data: [], strings: [customer]),
                // Kept as a keyed hash (pii: {email: hash}), as the monitoring observer stores it.
                LoggedTensor(name: "email", datatype: "BYTES", shape: [1], data: [], strings: [redactor.hash(email)]),
                LoggedTensor(name: "age", datatype: "INT64", shape: [1], data: withUnsafeBytes(of: age.littleEndian) { Array($0) }),
            ],
            outputs: [LoggedTensor(name: "score", datatype: "FP32", shape: [1], data: [0, 0, 128, 63])])
    }

    static func store(sealed: Bool) throws -> PredictionLogStore {
        let dir = try EncryptionAtRestTests.directory()
        let sealer = sealed ? DataSealer(cipher: try EncryptionAtRestTests.ring(["k1"])) : nil
        let store = try PredictionLogStore.open(dataDirectory: dir, sealer: sealer)
        try store.insert([
            entry("a", customer: "C-1", email: "alice@example.com", age: 41),
            entry("b", customer: "C-2", email: "bob@example.com", age: 42),
            entry("c", customer: "C-1", email: "alice@example.com", age: 43),
            entry("d", model: "other", customer: "C-1", email: "alice@example.com", age: 41),
        ])
        _ = try store.recordFeedback(
            model: "credit", [FeedbackItem(requestID: "a", labels: [.number(1)]), FeedbackItem(requestID: "b", labels: [.number(0)])],
            receivedAt: 2)
        return store
    }

    static func remaining(_ store: PredictionLogStore, model: String = "credit") throws -> [String] {
        var ids: [String] = []
        try store.forEachPrediction(ExportFilter(model: model)) { ids.append($0.entry.requestID) }
        return ids
    }

    @Test(arguments: [false, true])
    func erasureRemovesMatchingRowsAndFeedbackOnly(sealed: Bool) throws {
        let store = try Self.store(sealed: sealed)
        let erasure = SubjectErasure(registry: nil, predictionLog: store, hashKey: Self.hashKey)
        var audit: [AuditEvent] = []
        // A plain field.
        let report = try erasure.erase(try erasure.request(model: "credit", field: "customer_id", value: "C-1"), actor: "test") { audit.append($0) }
        #expect(report.erased == ["predictions": 2, "feedback": 1])
        #expect(try Self.remaining(store) == ["b"])
        #expect(try Self.remaining(store, model: "other") == ["d"], "another model's rows stay")
        #expect(audit.map(\.action) == ["privacy.erase.begin", "privacy.erase"])
        #expect(audit.last?.detail?.contains("feedback=1 predictions=2") == true)
        #expect(audit.allSatisfy { !($0.detail ?? "").contains("C-1") }, "the audit trail never holds the value")
        // A field kept as a keyed hash matches by the hash of the value.
        let hashed = try erasure.erase(try erasure.request(model: "credit", field: "email", value: "bob@example.com"), actor: "test") { _ in }
        #expect(hashed.erased == ["predictions": 1, "feedback": 1])
        #expect(try Self.remaining(store).isEmpty)
        // A number matches by value.
        let number = try erasure.erase(try erasure.request(model: "other", field: "age", value: "41"), actor: "test") { _ in }
        #expect(number.erased["predictions"] == 1)
    }

    @Test func erasedPlainValuesDoNotLingerInTheFile() throws {
        let dir = try EncryptionAtRestTests.directory()
        do {
            let store = try PredictionLogStore.open(dataDirectory: dir)
            try store.insert([
                Self.entry("a", customer: "ERASE-ME-4b1d", email: "x@example.com", age: 1),
                Self.entry("b", customer: "KEEP-ME-77aa", email: "y@example.com", age: 2),
            ])
            #expect(EncryptionAtRestTests.contains(try EncryptionAtRestTests.fileBytes(dir), "ERASE-ME-4b1d"))
            let erasure = SubjectErasure(registry: nil, predictionLog: store, hashKey: Self.hashKey)
            _ = try erasure.erase(try erasure.request(model: "credit", field: "customer_id", value: "ERASE-ME-4b1d"), actor: "test") { _ in }
        }
        let bytes = try EncryptionAtRestTests.fileBytes(dir)
        #expect(!EncryptionAtRestTests.contains(bytes, "ERASE-ME-4b1d"))
        #expect(EncryptionAtRestTests.contains(bytes, "KEEP-ME-77aa"))
    }

    @Test func badRequestsNameTheFieldAndNothingIsErasedUnaudited() throws {
        let store = try Self.store(sealed: true)
        let erasure = SubjectErasure(registry: try V2Fixtures.registry(), predictionLog: store, hashKey: Self.hashKey)
        #expect(throws: InferenceError.self) { try erasure.request(model: "", field: "x", value: "1") }
        let unknown = #expect(throws: InferenceError.self) { try erasure.check(try erasure.request(model: "nope", field: "x", value: "1")) }
        #expect(unknown?.code == .notFound)
        #expect(unknown?.message.contains("'nope'") == true)
        // iris is registered with input X only.
        let field = #expect(throws: InferenceError.self) { try erasure.check(try erasure.request(model: "iris", field: "email", value: "1")) }
        #expect(field?.code == .badRequest)
        #expect(field?.message.contains("field 'email'") == true)
        #expect(field?.message.contains("X") == true)
        // An audit trail that cannot be written stops the erasure before anything is removed.
        struct AuditDown: Error {}
        #expect(throws: AuditDown.self) {
            try erasure.erase(try erasure.request(model: "credit", field: "customer_id", value: "C-1"), actor: "test") { _ in throw AuditDown() }
        }
        #expect(try Self.remaining(store) == ["a", "b", "c"])
    }

    @Test func eraseOverHTTPIsForAdminsAndAudited() async throws {
        let fixture = try SecurityFixture()
        let system = try MonitoringFixtures.system()
        // Arrived now: the retention pass the application runs keeps them.
        let now = Date().timeIntervalSince1970
        try system.store.insert([
            PredictionEntry(
                requestID: "r1", model: "iris", version: 1, alias: nil, arrivedAt: now, status: "ok", latencySeconds: 0.01,
                inputs: [MonitoringTestTensors.floats("X", [1, 4], [5.1, 2.5, 3.0, 1.1])], outputs: []),
            PredictionEntry(
                requestID: "r2", model: "iris", version: 1, alias: nil, arrivedAt: now, status: "ok", latencySeconds: 0.01,
                inputs: [MonitoringTestTensors.floats("X", [1, 4], [6.1, 2.8, 4.0, 1.3])], outputs: []),
        ])
        let app = buildApplication(
            configuration: .init(port: 0, inferenceThreads: 1, settings: system.configuration),
            models: RegistryModelProvider(service: try V2Fixtures.registry()), logger: Logger(label: "slipway-test"), security: fixture.security,
            monitoring: MonitoringEndpoints(system: system))
        try await app.test(.router) { client in
            func post(_ body: String, role: Role = .admin) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/privacy/erase", method: .post, headers: SecurityFixture.headers(fixture.keys[role]), body: ByteBuffer(string: body))
            }
            #expect(try await post(#"{"model":"iris","field":"X","value":5.1}"#, role: .predictor).status == .forbidden)
            #expect(try await post(#"{"model":"iris","field":"X","value":5.1}"#, role: .deployer).status == .forbidden)
            let missing = try await post(#"{"field":"X","value":"5.1"}"#)
            #expect(missing.status == .badRequest)
            #expect(V2Fixtures.errorMessage(missing)?.hasPrefix("model:") == true)
            let emptyValue = try await post(#"{"model":"iris","field":"X","value":""}"#)
            #expect(emptyValue.status == .badRequest)
            #expect(V2Fixtures.errorMessage(emptyValue)?.hasPrefix("value:") == true)
            let unknown = try await post(#"{"model":"nope","field":"X","value":"1"}"#)
            #expect(unknown.status == .notFound)
            let field = try await post(#"{"model":"iris","field":"email","value":"1"}"#)
            #expect(field.status == .badRequest)
            #expect(V2Fixtures.errorMessage(field)?.contains("field 'email'") == true)

            let done = try await post(#"{"model":"iris","field":"X","value":5.1}"#)
            #expect(done.status == .ok)
            let json = try V2Fixtures.json(done)
            #expect(json["erased"]?["predictions"] == .int(1))
            #expect(json["stores"]?.arrayValue?.first?.stringValue == "prediction log")
        }
        #expect(try system.store.count(model: "iris") == 1)
        #expect(try system.store.prediction(model: "iris", requestID: "r2") != nil)
        var actions: [String] = []
        try fixture.database.audit.export(since: nil) { entry in
            actions.append(entry.action)
            #expect(!(entry.detail ?? "").contains("5.1"), "the audit trail never holds the value")
        }
        #expect(actions.contains("privacy.erase.begin"))
        #expect(actions.contains("privacy.erase"))
    }
}

/// Tensors for the tests that write the prediction log directly.
enum MonitoringTestTensors {
    static func floats(_ name: String, _ shape: [Int], _ values: [Float]) -> LoggedTensor {
        var bytes: [UInt8] = []
        for v in values { for b in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32(b)))) } }
        return LoggedTensor(name: name, datatype: "FP32", shape: shape, data: bytes)
    }
}

import Foundation
import Logging
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRegistry
import SlipwayRuntime
import SlipwaySecurity
import Testing

/// Encryption at rest with the real data cipher: prediction-log payloads, feedback labels and reference
/// datasets are sealed per record (the plaintext is not in the files), read back transparently, refused
/// with the missing key's id without the key, and moved to a new key by the rotation pass.
@Suite struct EncryptionAtRestTests {
    /// A key-ring line with a fixed key per id, so a ring with the same id opens what another ring with that id sealed.
    static func line(_ id: String) -> String {
        let key = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ id.utf8.count &+ Int(id.utf8.last ?? 0)) }
        return "\(id) \(Data(key).base64EncodedString())"
    }

    static func ring(_ ids: [String]) throws -> DataCipher { try DataCipher(keyRing: ids.map(line).joined(separator: "\n")) }

    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-encryption-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func entry(_ id: String, customer: String, x: Float = 5.25, model: String = "credit") -> PredictionEntry {
        PredictionEntry(
            requestID: id, model: model, version: 1, alias: nil, arrivedAt: 1000, status: "ok", latencySeconds: 0.001,
            inputs: [
                LoggedTensor(name: "customer_id", datatype: "BYTES", shape: [1], data: [], strings: [customer]),
                LoggedTensor(name: "x", datatype: "FP32", shape: [1], data: withUnsafeBytes(of: x.bitPattern.littleEndian) { Array($0) }),
            ],
            outputs: [LoggedTensor(name: "score", datatype: "BYTES", shape: [1], data: [], strings: ["out-\(customer)"])])
    }

    /// Every byte of the database (main file and write-ahead log).
    static func fileBytes(_ dir: URL) throws -> Data {
        var all = Data()
        for suffix in ["", "-wal"] {
            let url = dir.appendingPathComponent(PredictionLogStore.fileName + suffix)
            if let data = FileManager.default.contents(atPath: url.path) { all.append(data) }
        }
        return all
    }

    static func contains(_ data: Data, _ marker: String) -> Bool { data.range(of: Data(marker.utf8)) != nil }

    @Test func sealedRowsHideThePlaintextAndReadBackEqual() throws {
        // Given a plain log and a sealed log holding the same markers
        let plainDir = try Self.directory()
        let plain = try PredictionLogStore.open(dataDirectory: plainDir)
        try plain.insert([Self.entry("r1", customer: "MARKER-PLAIN-7f3a")])
        #expect(Self.contains(try Self.fileBytes(plainDir), "MARKER-PLAIN-7f3a"), "the marker check must see plain rows")

        let dir = try Self.directory()
        let store = try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: try Self.ring(["k1"])))
        let entry = Self.entry("r1", customer: "MARKER-SEALED-91c2")
        try store.insert([entry])
        _ = try store.recordFeedback(model: "credit", [FeedbackItem(requestID: "r1", labels: [.text("LABEL-MARKER-5d0e")])], receivedAt: 2)
        // Then the file does not hold them, and they read back equal
        let bytes = try Self.fileBytes(dir)
        for marker in ["MARKER-SEALED-91c2", "out-MARKER-SEALED-91c2", "LABEL-MARKER-5d0e"] {
            #expect(!Self.contains(bytes, marker), "\(marker) is readable in the database file")
        }
        let read = try #require(try store.prediction(model: "credit", requestID: "r1"))
        #expect(read.entry.inputs == entry.inputs)
        #expect(read.entry.outputs == entry.outputs)
        #expect(read.labels == [.text("LABEL-MARKER-5d0e")])
        #expect(try store.sealingStatus().predictions == ["k1": 1])
        #expect(try store.sealingStatus().feedback == ["k1": 1])
    }

    @Test func withoutTheKeyOrWithAnotherRingReadingFailsNamingTheKey() throws {
        let dir = try Self.directory()
        // Rows written before the key was configured stay readable.
        try PredictionLogStore.open(dataDirectory: dir).insert([Self.entry("old", customer: "C-0")])
        try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: try Self.ring(["k1"]))).insert([Self.entry("new", customer: "C-1")]
        )
        let sealed = try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: try Self.ring(["k1"])))
        #expect(try sealed.prediction(model: "credit", requestID: "old")?.entry.inputs.first?.strings == ["C-0"])
        #expect(try sealed.prediction(model: "credit", requestID: "new")?.entry.inputs.first?.strings == ["C-1"])

        let noKey = try PredictionLogStore.open(dataDirectory: dir)
        #expect(try noKey.prediction(model: "credit", requestID: "old")?.entry.inputs.first?.strings == ["C-0"])
        let missing = #expect(throws: PredictionLogError.self) { try noKey.prediction(model: "credit", requestID: "new") }
        #expect(missing?.message.contains("data key 'k1'") == true, "\(missing?.message ?? "")")
        #expect(missing?.code == .corrupt)

        let wrongRing = try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: try Self.ring(["k9"])))
        let wrong = #expect(throws: PredictionLogError.self) {
            try wrongRing.forEachPrediction(ExportFilter(model: "credit")) { _ in }
        }
        #expect(wrong?.message.contains("'k1'") == true, "\(wrong?.message ?? "")")
        // The server maps it to an integrity error (HTTP 500, exit 6) with the same message.
        if let wrong { #expect(InferenceError(wrong).code == .integrity) }
    }

    @Test func rotationMovesEveryRecordToTheNewKeyAndTheOldKeyCanGo() async throws {
        let dir = try Self.directory()
        // Plain rows and feedback, then rows under k1.
        let plain = try PredictionLogStore.open(dataDirectory: dir)
        try plain.insert((0..<3).map { Self.entry("p\($0)", customer: "P-\($0)") })
        _ = try plain.recordFeedback(model: "credit", [FeedbackItem(requestID: "p1", labels: [.number(1)])], receivedAt: 1)
        let k1 = try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: try Self.ring(["k1"])))
        try k1.insert((0..<4).map { Self.entry("s\($0)", customer: "S-\($0)") })
        _ = try k1.recordFeedback(model: "credit", [FeedbackItem(requestID: "s2", labels: [.text("yes")])], receivedAt: 1)
        var before: [String: StoredPrediction] = [:]
        try k1.forEachPrediction(ExportFilter(model: "credit")) { before[$0.entry.requestID] = $0 }

        // A rotation pass in batches of 2 under the ring k1 + k2.
        let rotated = try Self.ring(["k1", "k2"])
        let outcomes = await DataKeyRotation.reseal([PredictionLogPrivacy(store: k1)], with: rotated, batchSize: 2)
        #expect(outcomes == [DataKeyRotation.Outcome(store: "prediction log", records: 9, failure: nil)])
        #expect(try k1.sealingStatus().predictions == ["k2": 7])
        #expect(try k1.sealingStatus().feedback == ["k2": 2])
        // Another pass has nothing to do.
        let again = await DataKeyRotation.reseal([PredictionLogPrivacy(store: k1)], with: rotated)
        #expect(again.first?.records == 0)

        // Only k2 left in the ring: everything still reads back equal.
        let k2Only = try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: try Self.ring(["k2"])))
        var after: [String: StoredPrediction] = [:]
        try k2Only.forEachPrediction(ExportFilter(model: "credit")) { after[$0.entry.requestID] = $0 }
        #expect(after.count == 7)
        for (id, old) in before {
            #expect(after[id]?.entry.inputs == old.entry.inputs, "\(id)")
            #expect(after[id]?.entry.outputs == old.entry.outputs, "\(id)")
            #expect(after[id]?.labels == old.labels, "\(id)")
        }
        #expect(after["s2"]?.labels == [.text("yes")])
        #expect(after["p1"]?.labels == [.number(1)])
    }

    @Test func referenceDatasetsAreSealedReadBackExportedAndRotated() async throws {
        let dir = try Self.directory()
        var csv = "sepal_length,sepal_width,petal_length,petal_width\n"
        for i in 0..<50 { csv += "4.918273645,\(2.0 + Double(i) / 100),1.4,0.2\n" }
        let reference = dir.appendingPathComponent("reference.csv")
        try csv.write(to: reference, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("data")
        let service = try ModelRegistryService.open(dataDirectory: data, sealer: DataSealer(cipher: try Self.ring(["k1"])))
        let version = try service.register(.init(name: "iris", model: V2Fixtures.irisModel, reference: reference, actor: "test"))
        let ref = try #require(version.reference?.artifact)
        // On disk: sealed under k1, named by the plaintext's hash, without the marker value.
        let file = try Data(contentsOf: service.registry.artifacts.url(for: ref.sha256))
        #expect(ArtifactStore.sealingKeyID(of: file) == "k1")
        #expect(!Self.contains(file, "4.918273645"))
        #expect(ref.sha256 == ArtifactStore.digest(of: Data(csv.utf8)))
        // Read back transparently: drift's source, verify, bundles.
        let columns = try await RegistryReferenceSource(service: service).referenceDataset(model: "iris", version: "1")
        #expect(columns?.rows.count == 50)
        #expect(columns?.rows.first?.first == "4.918273645")
        #expect(try service.registry.check().problems.isEmpty)
        let bundle = dir.appendingPathComponent("iris.zip")
        try service.export("iris:1", to: bundle)
        let other = try ModelRegistryService.open(
            dataDirectory: dir.appendingPathComponent("other"), sealer: DataSealer(cipher: try Self.ring(["k7"])))
        let imported = try other.importBundle(bundle, actor: "test")
        #expect(imported.reference?.artifact == ref)
        #expect(ArtifactStore.sealingKeyID(of: try Data(contentsOf: other.registry.artifacts.url(for: ref.sha256))) == "k7")

        // Without the key: an error naming it.
        let noKey = try ModelRegistryService.open(dataDirectory: data)
        let error = await #expect(throws: InferenceError.self) {
            try await RegistryReferenceSource(service: noKey).referenceDataset(model: "iris", version: "1")
        }
        #expect(error?.message.contains("data key 'k1'") == true, "\(error?.message ?? "")")

        // Rotation to k2, then k1 can go.
        let outcomes = await DataKeyRotation.reseal([ReferenceDatasetSealing(registry: service.registry)], with: try Self.ring(["k1", "k2"]))
        #expect(outcomes.first?.records == 1)
        #expect(ArtifactStore.sealingKeyID(of: try Data(contentsOf: service.registry.artifacts.url(for: ref.sha256))) == "k2")
        let k2Only = try ModelRegistryService.open(dataDirectory: data, sealer: DataSealer(cipher: try Self.ring(["k2"])))
        #expect(try await RegistryReferenceSource(service: k2Only).referenceDataset(model: "iris", version: "1")?.rows.count == 50)
    }

    @Test func plainReferenceDatasetsAreSealedByTheRotationPass() async throws {
        let dir = try Self.directory()
        let reference = dir.appendingPathComponent("reference.csv")
        try "a,b,c,d\n1,2,3,4\n5,6,7,8\n".write(to: reference, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("data")
        let version = try ModelRegistryService.open(dataDirectory: data).register(
            .init(name: "iris", model: V2Fixtures.irisModel, reference: reference, actor: "test"))
        let ref = try #require(version.reference?.artifact)
        let service = try ModelRegistryService.open(dataDirectory: data, sealer: DataSealer(cipher: try Self.ring(["k1"])))
        #expect(ArtifactStore.sealingKeyID(of: try Data(contentsOf: service.registry.artifacts.url(for: ref.sha256))) == nil)
        let outcomes = await DataKeyRotation.reseal([ReferenceDatasetSealing(registry: service.registry)], with: try Self.ring(["k1"]))
        #expect(outcomes.first?.records == 1)
        #expect(ArtifactStore.sealingKeyID(of: try Data(contentsOf: service.registry.artifacts.url(for: ref.sha256))) == "k1")
        #expect(try service.registry.artifacts.data(ref, label: "reference") == Data("a,b,c,d\n1,2,3,4\n5,6,7,8\n".utf8))
        // The model file itself is never sealed.
        #expect(ArtifactStore.sealingKeyID(of: try Data(contentsOf: service.registry.artifacts.url(for: version.artifact.sha256))) == nil)
    }

    @Test func aRunningServerPicksUpARotatedRingAndReencryptsInTheBackground() async throws {
        let dir = try Self.directory()
        let file = dir.appendingPathComponent("ring.key")
        let k1 = try Self.ring(["k1"])
        try (Self.line("k1") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let sealer = DataSealer(cipher: k1)
        let store = try PredictionLogStore.open(dataDirectory: dir, sealer: sealer)
        try store.insert((0..<5).map { Self.entry("r\($0)", customer: "C-\($0)") })
        let service = DataKeyRotationService(
            sealer: sealer, stores: [PredictionLogPrivacy(store: store)], keyRingFile: file, checkInterval: .milliseconds(20), batchSize: 2,
            logger: Logger(label: "rotation-test"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        // `slipway keys rotate-data-key` appends a key to the file.
        try (Self.line("k1") + "\n" + Self.line("k2") + "\n").write(to: file, atomically: true, encoding: .utf8)
        var status = SealingStatus()
        for _ in 0..<1000 {
            status = try store.sealingStatus()
            if status.predictions == ["k2": 5] { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status.predictions == ["k2": 5])
        #expect(sealer.currentKeyID == "k2")
        // New rows use the new key; everything reads with k2 alone.
        try store.insert([Self.entry("r9", customer: "C-9")])
        #expect(try store.sealingStatus().predictions == ["k2": 6])
        let k2Only = try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: try Self.ring(["k2"])))
        #expect(try k2Only.prediction(model: "credit", requestID: "r3")?.entry.inputs.first?.strings == ["C-3"])
    }
}

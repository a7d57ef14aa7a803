import Foundation
import SlipwayMonitoring
import SlipwayRuntime
import SlipwaySecurity
import SlipwayTestSupport
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Encryption at rest and erasure from the command line (the built binary), with the key ring where
/// `slipway keys rotate-data-key` puts it by default (`DATA_DIR/data.key`): exports read sealed rows,
/// `reencrypt` moves them to a new key, the old key can then leave the ring, and without the ring the export
/// fails naming the key.
@Suite(.enabled(if: CLIRunner.binary != nil, "the slipway binary is not built"))
struct EncryptionCLITests {
    static func keyID(_ output: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        return try #require(object?["key_id"] as? String)
    }

    @Test func rotateReencryptExportAndEraseWithTheDefaultRing() throws {
        let dir = try EncryptionAtRestTests.directory()
        let first = try CLIRunner.run(["keys", "rotate-data-key", "--data-dir", dir.path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        _ = try Self.keyID(first.stdout)
        // Rows written by a server with that ring.
        let ring = try #require(try DataKeyRing.load(dataDirectory: dir, environment: [:]))
        #expect(ring.file?.lastPathComponent == "data.key")
        // (Each store is closed before other processes use the file: reading the file's bytes in this process
        // while a connection is open would drop this process's SQLite locks.)
        try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: ring.cipher)).insert([
            EncryptionAtRestTests.entry("r1", customer: "CLI-MARKER-1", model: "credit"),
            EncryptionAtRestTests.entry("r2", customer: "CLI-MARKER-2", model: "credit"),
        ])
        #expect(!EncryptionAtRestTests.contains(try EncryptionAtRestTests.fileBytes(dir), "CLI-MARKER-1"))

        let export = try CLIRunner.run(["logs", "export", "credit", "--data-dir", dir.path, "--format", "jsonl", "-o", "-"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("CLI-MARKER-1"))

        // Rotate, re-encrypt now, drop the old key: everything still reads.
        let second = try CLIRunner.run(["keys", "rotate-data-key", "--data-dir", dir.path, "--json"])
        let k2 = try Self.keyID(second.stdout)
        let reencrypt = try CLIRunner.run(["keys", "reencrypt", "--data-dir", dir.path])
        #expect(reencrypt.status == 0, "\(reencrypt.stderr)")
        #expect(reencrypt.stdout.contains("prediction log: 2 record(s) re-encrypted under data key \(k2)"), "\(reencrypt.stdout)")
        #expect(reencrypt.stdout.contains("older keys may now be removed"))
        #expect(try PredictionLogStore.open(dataDirectory: dir).sealingStatus().predictions == [k2: 2])
        let file = dir.appendingPathComponent("data.key")
        let lines = String(decoding: try Data(contentsOf: file), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        try (String(lines[1]) + "\n").write(to: file, atomically: true, encoding: .utf8)
        let afterRotation = try CLIRunner.run(["logs", "export", "credit", "--data-dir", dir.path, "--format", "csv", "-o", "-"])
        #expect(afterRotation.status == 0, "\(afterRotation.stderr)")
        #expect(afterRotation.stdout.contains("CLI-MARKER-2"))

        // Erase one subject (its rows are sealed: they are opened to match).
        let erase = try CLIRunner.run([
            "privacy", "erase", "--data-dir", dir.path, "--model", "credit", "--field", "customer_id", "--value", "CLI-MARKER-1",
        ])
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(erase.stdout.contains("predictions=1"), "\(erase.stdout)")
        let unknownModel = try CLIRunner.run(["privacy", "erase", "--data-dir", dir.path, "--model", "nope", "--field", "x", "--value", "1"])
        #expect(unknownModel.status == 4)
        let audit = try CLIRunner.run(["audit", "export", "--data-dir", dir.path])
        #expect(audit.stdout.contains("\"keys.reencrypt\""))
        #expect(audit.stdout.contains("predictions=1"))
        #expect(!audit.stdout.contains("CLI-MARKER-1"))

        // Without the ring: a clear error naming the key, exit 6.
        try FileManager.default.removeItem(at: file)
        let locked = try CLIRunner.run(["logs", "export", "credit", "--data-dir", dir.path, "--format", "csv", "-o", "-"])
        #expect(locked.status == 6)
        #expect(locked.stderr.contains("data key '\(k2)'"), "\(locked.stderr)")
        #expect(!locked.stdout.contains("CLI-MARKER-2"))
    }

    /// `slipway serve` with the default ring: payloads and feedback posted over HTTP are sealed, a rotation
    /// made while it runs is picked up and the stored rows move to the new key, and the file never holds the label.
    @Test func aLiveServerSealsWhatItLogsAndFollowsARotation() async throws {
        guard let binary = CLIRunner.binary else { return }
        let dir = try EncryptionAtRestTests.directory()
        #expect(try CLIRunner.run(["keys", "rotate-data-key", "--data-dir", dir.path]).status == 0)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--demo", "--data-dir", dir.path, "--port", "0"]
        process.currentDirectoryURL = SharedFixtures.packageRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let stdout = Mutex("")
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            stdout.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            out.fileHandleForReading.readabilityHandler = nil
        }
        var base: String?
        for _ in 0..<600 where base == nil {
            base = stdout.withLock { text in
                text.split(separator: "\n").first { $0.hasPrefix("slipway serving on ") }.map { String($0.dropFirst("slipway serving on ".count)) }
            }
            if base == nil {
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let server = try #require(base, "the server did not start")
        func post(_ path: String, _ body: String) async throws -> (Int, String) {
            var request = URLRequest(url: try #require(URL(string: server + path)))
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let (status, _) = try await post(
            "/v2/models/iris/infer", #"{"id":"live-1","inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[[5.1,2.5,3.0,1.1]]}]}"#)
        #expect(status == 200)
        var accepted = false
        for _ in 0..<300 where !accepted {
            let (_, answer) = try await post("/api/v1/models/iris/feedback", #"{"id":"live-1","label":"LIVE-LABEL-MARKER"}"#)
            accepted = answer.contains("\"accepted\":1")
            if !accepted { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(accepted)

        // Rotate while it runs: the stored rows move to the new key in the background.
        let rotated = try CLIRunner.run(["keys", "rotate-data-key", "--data-dir", dir.path, "--json"])
        let k2 = try Self.keyID(rotated.stdout)
        var sealing = SealingStatus()
        for _ in 0..<600 {
            sealing = try PredictionLogStore.open(dataDirectory: dir).sealingStatus()
            if sealing.predictions == [k2: 1] && sealing.feedback == [k2: 1] { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(sealing.predictions == [k2: 1])
        #expect(sealing.feedback == [k2: 1])
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()

        #expect(!EncryptionAtRestTests.contains(try EncryptionAtRestTests.fileBytes(dir), "LIVE-LABEL-MARKER"))
        let ring = try #require(try DataKeyRing.load(dataDirectory: dir, environment: [:]))
        let read = try PredictionLogStore.open(dataDirectory: dir, sealer: DataSealer(cipher: ring.cipher)).prediction(
            model: "iris", requestID: "live-1")
        #expect(read?.labels == [.text("LIVE-LABEL-MARKER")])
        #expect(read?.entry.inputs.first?.formatted(at: 0) == "5.1")
    }
}

import Foundation
import SlipwayMonitoring
import SlipwayRuntime
import SlipwaySecurity
import SlipwayTestSupport
import Testing

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
}

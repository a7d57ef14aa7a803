import Foundation
import SlipwayMonitoring
import SlipwayTestSupport
import Testing

/// `slipway drift` and `slipway drift stream` run as a user would.
struct DriftCommandTests {
    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func datasetDriftOnAnOracleCase() throws {
        guard CLIRunner.binary != nil else { return }
        guard let root = SharedFixtures.driftOracle else {
            print(SharedFixtures.skipMessage("the drift oracle"))
            return
        }
        let dir = root.appendingPathComponent("cases/binary")
        let result = try CLIRunner.run([
            "drift", "--reference", dir.appendingPathComponent("reference.csv").path,
            "--current", dir.appendingPathComponent("current.csv").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let dataset = json?["dataset"] as? [String: Any]
        #expect(dataset?["n_columns"] as? Int == 3)
        #expect(dataset?["n_drifted"] as? Int == 2)
        #expect(dataset?["dataset_drift"] as? Bool == true)
        let columns = json?["columns"] as? [[String: Any]] ?? []
        #expect(columns.map { $0["stattest"] as? String } == ["z", "z", "z"])
        #expect(columns.map { $0["type"] as? String } == ["cat", "cat", "num"])
    }

    @Test func chosenTestThresholdAndColumns() throws {
        guard CLIRunner.binary != nil else { return }
        var ref = "a,b\n"
        var cur = "a,b\n"
        for i in 0..<50 {
            ref += "\(Double(i) * 0.5),x\n"
            cur += "\(Double(i) * 0.5 + 3),\(i % 2 == 0 ? "x" : "y")\n"
        }
        let refPath = try temporaryFile("ref.csv", ref)
        let curPath = try temporaryFile("cur.csv", cur)
        let result = try CLIRunner.run([
            "drift", "--reference", refPath, "--current", curPath, "--test", "psi", "--threshold", "0.2", "--columns", "a",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let columns = json?["columns"] as? [[String: Any]] ?? []
        #expect(columns.count == 1)
        #expect(columns.first?["stattest"] as? String == "psi")
        #expect(columns.first?["threshold"] as? Double == 0.2)
    }

    @Test func htmlReportToAFile() throws {
        guard CLIRunner.binary != nil, let root = SharedFixtures.driftOracle else { return }
        let case_ = root.appendingPathComponent("cases/binary")
        guard FileManager.default.fileExists(atPath: case_.path) else { return }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-drift-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLIRunner.run([
            "drift", "--reference", case_.appendingPathComponent("reference.csv").path, "--current",
            case_.appendingPathComponent("current.csv").path, "--format", "html", "-o", out.path,
        ])
        #expect(r.status == 0)
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<table id=\"drift-table\">"))
        #expect(html.components(separatedBy: "<svg class=\"histogram\"").count - 1 == 3)
    }

    @Test func eventsWithoutHistoryAndWithOne() async throws {
        guard CLIRunner.binary != nil else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try CLIRunner.run(["events", "--data-dir", dir.path])
        #expect(none.status == 0)
        #expect(none.stdout == "no events\n")
        let store = try DriftHistoryStore(path: dir.appendingPathComponent("drift.sqlite").path)
        try await store.record(
            RetrainingEvent(
                time: 1_795_712_911, model: "iris", version: "2", reason: .datasetDrift, action: "webhook", outcome: .sent,
                detail: "3 of 4 columns drifted", payload: "{\"model\":\"iris\"}"))
        let table = try CLIRunner.run(["events", "--data-dir", dir.path])
        #expect(table.stdout.contains("2026-11-26 17:08:31  iris v2  dataset_drift  webhook → sent  3 of 4 columns drifted"))
        let json = try CLIRunner.run(["events", "--data-dir", dir.path, "--model", "iris", "--json"])
        #expect(json.stdout.hasPrefix("{\"events\":[{\"id\":1,"))
        #expect(json.stdout.contains("\"payload\":{\"model\":\"iris\"}"))
        let bad = try CLIRunner.run(["events", "--data-dir", dir.path, "--limit", "0"])
        #expect(bad.status == 3)
    }

    @Test func badInputs() throws {
        guard CLIRunner.binary != nil else { return }
        let good = try temporaryFile("good.csv", "a,b\n1,2\n3,4\n")
        let ragged = try temporaryFile("ragged.csv", "a,b\n1,2\n3\n")
        let missing = try CLIRunner.run(["drift", "--reference", "/nonexistent.csv", "--current", good])
        #expect(missing.status == 4)
        let bad = try CLIRunner.run(["drift", "--reference", good, "--current", ragged])
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("line 3"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
        let unknownTest = try CLIRunner.run(["drift", "--reference", good, "--current", good, "--test", "nope"])
        #expect(unknownTest.status == 3)
        let format = try CLIRunner.run(["drift", "--reference", good, "--current", good, "--format", "xml"])
        #expect(format.status == 3)
        #expect(format.stderr.contains("use json or html"))
        let stream = try temporaryFile("s.json", "[0,1,0,1]")
        let unknownDetector = try CLIRunner.run(["drift", "stream", "--detector", "nope", "--input", stream])
        #expect(unknownDetector.status == 3)
        let badParam = try CLIRunner.run(["drift", "stream", "--detector", "adwin", "--param", "delta=abc", "--input", stream])
        #expect(badParam.status == 3)
        let unknownParam = try CLIRunner.run(["drift", "stream", "--detector", "ddm", "--param", "bogus=1", "--input", stream])
        #expect(unknownParam.status == 3)
        let badJSON = try temporaryFile("bad.json", "{\"values\": [1, \"x\"]}")
        let notNumbers = try CLIRunner.run(["drift", "stream", "--detector", "adwin", "--input", badJSON])
        #expect(notNumbers.status == 3)
    }

    @Test func streamMatchesTheOracle() throws {
        guard CLIRunner.binary != nil else { return }
        guard let root = SharedFixtures.driftOracle else {
            print(SharedFixtures.skipMessage("the drift oracle"))
            return
        }
        let path = root.appendingPathComponent("streams/bin_abrupt.json").path
        let result = try CLIRunner.run(["drift", "stream", "--detector", "adwin", "--param", "clock=1", "--input", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "{\"drift_indices\":[2566],\"warning_indices\":[]}")
        let ks = try CLIRunner.run(["drift", "stream", "--detector", "kswin", "--param", "seed=7", "--input", path])
        #expect(ks.stdout.contains("\"drift_indices\":[]"))
    }
}

import Foundation
import SlipwayRegistry
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// `slipway models …` end to end on the built binary.
@Suite struct ModelsCommandTests {
    let dir: URL
    let data: URL

    init() throws {
        dir = try RegistryFixtures.directory()
        data = dir.appendingPathComponent("data")
    }

    func slipway(_ arguments: [String], dataDir: URL? = nil) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments + ["--data-dir", (dataDir ?? data).path])
    }

    func object(_ text: String) -> [String: Any] { RegistryFixtures.json(text) as? [String: Any] ?? [:] }

    @Test func registerAliasPredictTagArchiveHistoryExportImport() throws {
        let model = try RegistryFixtures.model(in: dir, seed: 1)
        let reference = try RegistryFixtures.file(
            dir, "ref.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n")
        let card = try RegistryFixtures.file(dir, "card.md", "# Iris\n\nIdentity stand-in.\n")
        let request = try RegistryFixtures.file(dir, "req.json", #"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#)
        let digest = String(repeating: "ab", count: 32)

        // register → prints the version number
        let r1 = try slipway([
            "models", "register", "iris", model.path, "--reference", reference.path, "--card", card.path, "--param", "max_depth=3",
            "--param", "criterion=gini", "--metric", "accuracy=0.97", "--source", "git:abc123", "--data-digest", digest, "--alias",
            "staging", "--tag", "team=ml", "--example", request.path, "--description", "Iris classifier", "--actor", "alice",
        ])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(r1.stdout == "1\n")
        // a second version, with --json: the whole record
        let r2 = try slipway(["models", "register", "iris", try RegistryFixtures.model(in: dir, seed: 2).path, "--json", "--actor", "bob"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let v2 = object(r2.stdout)
        #expect(v2["version"] as? Int == 2)
        #expect(v2["status"] as? String == "ready")
        #expect(((v2["signature"] as? [String: Any])?["inputs"] as? [[String: Any]])?.first?["shape"] as? [Int] == [-1, 4])

        // list, list NAME, show
        let list = try slipway(["models", "list", "--json"])
        let models = RegistryFixtures.json(list.stdout) as? [[String: Any]]
        #expect(models?.first?["name"] as? String == "iris")
        #expect(models?.first?["version_count"] as? Int == 2)
        #expect(models?.first?["latest_version"] as? Int == 2)
        #expect(try slipway(["models", "list"]).stdout.contains("staging→1"))
        #expect(try slipway(["models", "list", "iris"]).stdout.contains("alice"))
        let show = object(try slipway(["models", "show", "iris@staging", "--json"]).stdout)
        #expect(show["version"] as? Int == 1)
        let lineage = show["lineage"] as? [String: Any]
        #expect(lineage?["data_digest"] as? String == digest)
        #expect(lineage?["source"] as? String == "git:abc123")
        #expect(lineage?["created_by"] as? String == "alice")
        #expect(lineage?["parameters"] as? [String: String] == ["max_depth": "3", "criterion": "gini"])
        #expect(lineage?["metrics"] as? [String: Double] == ["accuracy": 0.97])
        #expect((show["reference"] as? [String: Any])?["columns"] as? [String] == ["sepal_length", "sepal_width", "petal_length", "petal_width"])
        #expect((show["reference"] as? [String: Any])?["rows"] as? Int == 2)
        #expect(show["card"] as? String == "# Iris\n\nIdentity stand-in.\n")
        #expect((show["example"] as? [String: Any]) != nil)
        #expect(try slipway(["models", "show", "iris:2"]).stdout.contains("version     2 (ready)"))

        // alias set → predict by alias
        let alias = try slipway(["models", "alias", "set", "iris", "production", "2", "--actor", "carol"])
        #expect(alias.status == 0, "\(alias.stderr)")
        #expect(alias.stdout == "iris@production → 2 (new)\n")
        let predict = try slipway(["predict", "iris@production", "--input", request.path])
        #expect(predict.status == 0, "\(predict.stderr)")
        let response = object(predict.stdout)
        #expect(response["model_name"] as? String == "iris")
        #expect(response["model_version"] as? String == "2")
        #expect(try slipway(["predict", "iris:1", "--input", request.path]).stdout.contains(#""model_version":"1""#))

        // tag, archive, history
        #expect(try slipway(["models", "tag", "iris:1", "stage=qa", "owner=ml", "--actor", "dan"]).status == 0)
        #expect(try slipway(["models", "tag", "iris", "domain=botany"]).status == 0)
        #expect(
            object(try slipway(["models", "show", "iris:1", "--json"]).stdout)["tags"] as? [String: String] == [
                "team": "ml", "stage": "qa", "owner": "ml",
            ])
        #expect(try slipway(["models", "alias", "delete", "iris", "staging"]).status == 0)
        let archive = try slipway(["models", "archive", "iris:1", "--actor", "erin"])
        #expect(archive.status == 0, "\(archive.stderr)")
        #expect(archive.stdout == "archived iris:1\n")
        let history = RegistryFixtures.json(try slipway(["models", "history", "iris", "--json"]).stdout) as? [[String: Any]]
        #expect(
            history?.map { $0["kind"] as? String ?? "" } == [
                "model_created", "version_created", "alias_set", "version_created", "alias_set", "tags_set", "tags_set", "alias_deleted",
                "version_archived",
            ])
        #expect(history?.last?["actor"] as? String == "erin")

        // export → import into another environment: byte-identical artifact, lineage kept
        let bundle = dir.appendingPathComponent("iris-1.zip")
        let export = try slipway(["models", "export", "iris:1", "-o", bundle.path])
        #expect(export.status == 0, "\(export.stderr)")
        let other = dir.appendingPathComponent("other-env")
        let imported = try slipway(["models", "import", bundle.path, "--alias", "production", "--json", "--actor", "frank"], dataDir: other)
        #expect(imported.status == 0, "\(imported.stderr)")
        let record = object(imported.stdout)
        #expect(record["model"] as? String == "iris")
        #expect(record["version"] as? Int == 1)
        #expect(record["artifact"] as? [String: AnyHashable] == show["artifact"] as? [String: AnyHashable])
        #expect((record["lineage"] as? [String: Any])?["created_by"] as? String == "alice")
        #expect((record["lineage"] as? [String: Any])?["data_digest"] as? String == digest)
        #expect(record["card"] as? String == show["card"] as? String)
        let sha = (show["artifact"] as? [String: Any])?["sha256"] as? String ?? ""
        let path = "artifacts/sha256/\(sha.prefix(2))/\(sha)"
        let original = try Data(contentsOf: data.appendingPathComponent(path))
        #expect(try Data(contentsOf: other.appendingPathComponent(path)) == original)
        #expect(original == (try Data(contentsOf: model)))
        #expect(try slipway(["predict", "iris@production", "--input", request.path], dataDir: other).status == 0)
        // importing again under another name works; the same name again is a duplicate
        #expect(try slipway(["models", "import", bundle.path, "--as", "iris-copy"], dataDir: other).stdout == "1\n")
        let again = try slipway(["models", "import", bundle.path], dataDir: other)
        #expect(again.status == 3)
        #expect(again.stderr.contains("already holds this artifact as version 1"), "\(again.stderr)")
        let verify = try slipway(["models", "verify"], dataDir: other)
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func failedRegistrationsWriteNothing() throws {
        let model = try RegistryFixtures.model(in: dir, seed: 3)
        let cases: [([String], Int32, String)] = [
            (["models", "register", "Bad_Name", model.path], 3, "invalid model name 'Bad_Name'"),
            (["models", "register", "iris", "/nonexistent/model.onnx"], 4, "model file '/nonexistent/model.onnx' does not exist"),
            (["models", "register", "iris", model.path, "--reference", "/nonexistent/ref.csv"], 4, "does not exist"),
            (["models", "register", "iris", model.path, "--param", "novalue"], 3, "invalid parameter 'novalue': expected key=value"),
            (["models", "register", "iris", model.path, "--param", "a=1", "--param", "a=2"], 3, "parameter 'a' is given twice"),
            (["models", "register", "iris", model.path, "--metric", "auc=high"], 3, "metric 'auc': 'high' is not a finite number"),
            (["models", "register", "iris", model.path, "--tag", "bad key=1"], 3, "invalid tag key 'bad key'"),
            (["models", "register", "iris", model.path, "--data-digest", "xyz"], 3, "--data-digest 'xyz' is not a SHA-256 digest"),
            (["models", "register", "iris", model.path, "--alias", "Prod"], 3, "invalid alias 'Prod'"),
            (
                ["models", "register", "iris", model.path, "--reference", try RegistryFixtures.file(dir, "narrow.csv", "a,b\n1,2\n").path], 3,
                "reference dataset does not fit the model: input 'x' has shape [N, 4], so it takes 4 columns, but the dataset has 2 (a, b)"
            ),
            (
                ["models", "register", "iris", model.path, "--reference", try RegistryFixtures.file(dir, "ref.parquet", "x").path], 3,
                "unknown format"
            ),
            (
                ["models", "register", "iris", model.path, "--example", try RegistryFixtures.file(dir, "bad.json", #"{"inputs":[]}"#).path], 3,
                "the input example failed: missing input 'x'"
            ),
        ]
        for (arguments, status, message) in cases {
            let result = try slipway(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stdout.isEmpty)
        }
        #expect(try slipway(["models", "list", "--json"]).stdout == "[]\n")
        let stored = (try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("artifacts/sha256").path)) ?? []
        #expect(stored.isEmpty)
    }

    @Test func unsupportedOperatorsAreNamedAtRegistration() throws {
        var b = ONNXModelBuilder(opsets: ["": 17, "com.example": 1])
        b.input("x", .float32, [1])
        b.output("y", .float32, [1])
        b.node("FancyOp", domain: "com.example", inputs: ["x"], outputs: ["y"], name: "fancy")
        let result = try slipway(["models", "register", "fancy", try b.write().path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'fancy' (com.example:FancyOp)"), "\(result.stderr)")
        #expect(try slipway(["models", "list", "--json"]).stdout == "[]\n")
    }

    @Test func badInputForEveryCommand() throws {
        #expect(try slipway(["models", "register", "iris", try RegistryFixtures.model(in: dir, seed: 4).path, "--alias", "production"]).status == 0)
        let duplicate = try slipway(["models", "register", "iris", try RegistryFixtures.model(in: dir, seed: 4).path])
        #expect(duplicate.status == 3)
        #expect(duplicate.stderr.contains("model 'iris' already holds this artifact as version 1"), "\(duplicate.stderr)")
        let cases: [([String], Int32, String)] = [
            (["models", "show", "iris:9"], 4, "model 'iris' has no version 9 (it has version 1)"),
            (["models", "show", "iris@champion"], 4, "model 'iris' has no alias 'champion' (its aliases: production)"),
            (["models", "show", "rose"], 4, "no model named 'rose'"),
            (["models", "show", "iris:x"], 3, "invalid selector 'iris:x'"),
            (["models", "list", "rose"], 4, "no model named 'rose'"),
            (["models", "list", "iris", "--limit", "0"], 3, "--limit must be at least 1"),
            (["models", "history", "rose"], 4, "no model named 'rose'"),
            (["models", "history", "Rose"], 3, "invalid model name 'Rose'"),
            (["models", "alias", "set", "iris", "staging", "5"], 4, "model 'iris' has no version 5"),
            (["models", "alias", "set", "iris", "staging", "two"], 3, "invalid version 'two'"),
            (["models", "alias", "set", "iris", "1st", "1"], 3, "invalid alias '1st'"),
            (["models", "alias", "set", "rose", "staging", "1"], 4, "no model named 'rose'"),
            (["models", "alias", "delete", "iris", "staging"], 4, "model 'iris' has no alias 'staging'"),
            (["models", "tag", "iris:1", "novalue"], 3, "invalid tag 'novalue': expected key=value"),
            (["models", "tag", "iris:1"], 3, "no tags given"),
            (["models", "tag", "iris:7", "k=v"], 4, "has no version 7"),
            (["models", "archive", "iris"], 3, "archive needs an explicit version"),
            (["models", "archive", "iris:1"], 3, "alias 'production' points at it"),
            (["models", "archive", "iris:3"], 4, "has no version 3"),
            (["models", "export", "iris:4", "-o", dir.appendingPathComponent("x.zip").path], 4, "has no version 4"),
            (["models", "import", "/nonexistent/bundle.zip"], 4, "bundle '/nonexistent/bundle.zip' does not exist"),
            (["models", "import", try RegistryFixtures.file(dir, "notzip.zip", "hello").path], 3, "is not a valid bundle"),
            (["models", "import", try RegistryFixtures.file(dir, "b.zip", "hello").path, "--as", "Bad"], 3, "invalid model name 'Bad'"),
            (["predict", "rose@production", "--input", try RegistryFixtures.file(dir, "r.json", "{}").path], 4, "no model named 'rose'"),
            (["predict", "iris:0", "--input", try RegistryFixtures.file(dir, "r2.json", "{}").path], 3, "invalid selector 'iris:0'"),
        ]
        for (arguments, status, message) in cases {
            let result = try slipway(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }

    @Test func tamperedOrTruncatedArtifactsAreRefusedNamingTheVersion() throws {
        let model = try RegistryFixtures.model(in: dir, seed: 5, weights: 1000)
        #expect(try slipway(["models", "register", "iris", model.path]).status == 0)
        let request = try RegistryFixtures.file(dir, "req.json", #"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#)
        let sha =
            object(try slipway(["models", "show", "iris", "--json"]).stdout)["artifact"].flatMap { ($0 as? [String: Any])?["sha256"] as? String }
            ?? ""
        let artifact = data.appendingPathComponent("artifacts/sha256/\(sha.prefix(2))/\(sha)")
        var bytes = try Data(contentsOf: artifact)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: artifact)
        let tampered = try slipway(["predict", "iris:1", "--input", request.path])
        #expect(tampered.status == 6, "\(tampered.stderr)")
        #expect(tampered.stderr.contains("the artifact of model iris:1 is corrupt"), "\(tampered.stderr)")
        let verify = try slipway(["models", "verify"])
        #expect(verify.status == 6)
        #expect(try slipway(["models", "export", "iris:1", "-o", dir.appendingPathComponent("t.zip").path]).status == 6)

        try bytes.prefix(bytes.count / 2).write(to: artifact)
        let truncated = try slipway(["predict", "iris", "--input", request.path])
        #expect(truncated.status == 6)
        #expect(truncated.stderr.contains("model iris:1"), "\(truncated.stderr)")
        #expect(truncated.stderr.contains("truncated or tampered"), "\(truncated.stderr)")
    }

    @Test func tamperedBundlesAreRefused() throws {
        #expect(try slipway(["models", "register", "iris", try RegistryFixtures.model(in: dir, seed: 6, weights: 64).path]).status == 0)
        let bundle = dir.appendingPathComponent("b.zip")
        #expect(try slipway(["models", "export", "iris:1", "-o", bundle.path]).status == 0)
        // Flip one byte of the stored (uncompressed) model inside the ZIP: its CRC or the manifest hash catches it.
        var bytes = try Data(contentsOf: bundle)
        let marker = Data("copy_w".utf8)
        guard let range = bytes.range(of: marker) else {
            Issue.record("model bytes not found in the bundle")
            return
        }
        bytes[range.lowerBound] = UInt8(ascii: "C")
        try bytes.write(to: bundle)
        let result = try slipway(["models", "import", bundle.path, "--as", "iris2"], dataDir: dir.appendingPathComponent("other"))
        #expect(result.status == 6, "\(result.stderr)")
        #expect(result.stderr.contains("model.onnx"), "\(result.stderr)")
    }

    @Test func dataDirectoryComesFromTheEnvironmentToo() throws {
        let model = try RegistryFixtures.model(in: dir, seed: 7)
        let process = Process()
        guard let binary = CLIRunner.binary else { return }
        process.executableURL = binary
        process.arguments = ["models", "register", "envmodel", model.path]
        process.environment = ["SLIPWAY_DATA_DIR": data.path, "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try slipway(["models", "show", "envmodel:1"]).status == 0)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SlipwayHTTP
import SlipwayRegistry
import SlipwayRuntime
import SlipwayTestSupport
import Testing

/// The management API (`/api/v1`), in process: every operation of `slipway models` and its errors.
@Suite struct ManagementRoutesTests {
    /// A registry with the V2 fixtures (iris; echo 1, 2 with production → 1; echo2 1, 2) and a spare echo
    /// model file that is not registered yet.
    static func fixture() throws -> (service: ModelRegistryService, spare: Data) {
        let service = try V2Fixtures.registry()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (service, try Data(contentsOf: try V2Fixtures.echoModel(in: dir, seed: 99)))
    }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func listAndShowModels() async throws {
        try await V2Fixtures.app(service: try Self.fixture().service).test(.router) { client in
            let list = try await client.execute(uri: "/api/v1/models", method: .get)
            #expect(list.status == .ok)
            #expect(list.headers[.contentType] == "application/json")
            let names = try V2Fixtures.json(list)["models"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["echo", "echo2", "iris"])

            let show = try await client.execute(uri: "/api/v1/models/echo", method: .get)
            #expect(show.status == .ok)
            let body = try V2Fixtures.json(show)
            #expect(body["model"]?["aliases"]?["production"]?.int64Value == 1)
            #expect(body["versions"]?.arrayValue?.compactMap { $0["version"]?.int64Value } == [1, 2])

            let limited = try await client.execute(uri: "/api/v1/models/echo/versions?limit=1", method: .get)
            #expect(try V2Fixtures.json(limited)["versions"]?.arrayValue?.count == 1)

            let byAlias = try await client.execute(uri: "/api/v1/models/echo/versions/production", method: .get)
            #expect(byAlias.status == .ok)
            #expect(try V2Fixtures.json(byAlias)["version"]?.int64Value == 1)
            #expect(try V2Fixtures.json(byAlias)["signature"]?["inputs"]?.arrayValue?.first?["name"]?.stringValue == "x")
        }
    }

    @Test func unknownAndMalformedNamesAreErrorsWithABody() async throws {
        try await V2Fixtures.app(service: try Self.fixture().service).test(.router) { client in
            for (uri, status) in [
                ("/api/v1/models/nope", HTTPResponse.Status.notFound), ("/api/v1/models/nope/history", .notFound),
                ("/api/v1/models/echo/versions/9", .notFound), ("/api/v1/models/echo/versions/staging", .notFound),
                ("/api/v1/models/echo/versions/0", .badRequest), ("/api/v1/models/echo/versions/Bad!", .badRequest),
                ("/api/v1/models/echo?limit=0", .badRequest), ("/api/v1/models/Bad%20Name", .badRequest),
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == status, "\(uri)")
                #expect(V2Fixtures.errorMessage(response) != nil, "\(uri)")
            }
            let limit = try await client.execute(uri: "/api/v1/models/echo?limit=x", method: .get)
            #expect(V2Fixtures.errorMessage(limit)?.contains("'limit'") == true)
        }
    }

    @Test func uploadRawBodyRegistersAndServesTheNewVersion() async throws {
        let (service, spare) = try Self.fixture()
        try await V2Fixtures.app(service: service, refreshInterval: .zero).test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/models/fresh/versions?description=Fresh%20model&alias=staging,candidate&tag=team=ml&param=depth=3&metric=auc=0.9",
                method: .post, headers: [.contentType: "application/octet-stream"], body: ByteBuffer(bytes: spare))
            #expect(response.status == .created)
            #expect(response.headers[.location] == "/api/v1/models/fresh/versions/1")
            let version = try V2Fixtures.json(response)
            #expect(version["version"]?.int64Value == 1)
            #expect(version["aliases"]?.arrayValue?.compactMap(\.stringValue).sorted() == ["candidate", "staging"])
            #expect(version["tags"]?["team"]?.stringValue == "ml")
            #expect(version["lineage"]?["created_by"]?.stringValue == "api")
            #expect(version["lineage"]?["parameters"]?["depth"]?.stringValue == "3")
            #expect(version["lineage"]?["metrics"]?["auc"]?.doubleValue == 0.9)
            #expect(try service.model(named: "fresh").description == "Fresh model")

            // Served over V2 at once, by name and by alias.
            let infer = try await client.execute(
                uri: "/v2/models/fresh/versions/staging/infer", method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(infer.status == .ok)

            // The same file again: the registry refuses a duplicate version → 409.
            let again = try await client.execute(uri: "/api/v1/models/fresh/versions", method: .post, body: ByteBuffer(bytes: spare))
            #expect(again.status == .conflict)
            #expect(V2Fixtures.errorMessage(again)?.contains("already holds") == true)
        }
    }

    @Test func uploadErrorsNameTheFieldAndKeepNothing() async throws {
        let (service, spare) = try Self.fixture()
        try await V2Fixtures.app(service: service).test(.router) { client in
            let garbage = try await client.execute(uri: "/api/v1/models/fresh/versions", method: .post, body: ByteBuffer(string: "not onnx"))
            #expect(garbage.status == .badRequest)
            #expect(V2Fixtures.errorMessage(garbage)?.hasPrefix("field 'model'") == true)

            let empty = try await client.execute(uri: "/api/v1/models/fresh/versions", method: .post)
            #expect(empty.status == .badRequest)
            #expect(V2Fixtures.errorMessage(empty)?.contains("empty") == true)

            for (query, word) in [("color=red", "'color'"), ("alias=Bad!", "Bad!"), ("data_digest=abc", "digest"), ("metric=auc=high", "auc")] {
                let response = try await client.execute(
                    uri: "/api/v1/models/fresh/versions?\(query)", method: .post, body: ByteBuffer(bytes: spare))
                #expect(response.status == .badRequest, "\(query)")
                #expect(V2Fixtures.errorMessage(response)?.contains(word) == true, "\(query): \(V2Fixtures.errorMessage(response) ?? "")")
            }
            let badName = try await client.execute(uri: "/api/v1/models/Bad_Name/versions", method: .post, body: ByteBuffer(bytes: spare))
            #expect(badName.status == .badRequest)
        }
        #expect(throws: InferenceError.self) { try service.model(named: "fresh") }
    }

    static func multipart(_ parts: [(name: String, filename: String?, body: [UInt8])], boundary: String = "slipway-test-boundary") -> ByteBuffer {
        var bytes: [UInt8] = []
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { head += "; filename=\"\(filename)\"" }
            head += "\r\n\r\n"
            bytes += Array(head.utf8) + part.body + Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: bytes)
    }

    @Test func uploadMultipartWithMetadataCardAndReference() async throws {
        let (service, spare) = try Self.fixture()
        let metadata = #"""
            {"description":"Echo","parameters":{"seed":"99"},"metrics":{"rmse":0.5},"source":"git:abc","data_digest":"\#(String(repeating: "ab", count: 32))","tags":{"stage":"test"},"aliases":["production"]}
            """#
        let reference = "a,b,c,d\n1,2,3,4\n5,6,7,8\n"
        try await V2Fixtures.app(service: service).test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/models/multi/versions", method: .post, headers: [.contentType: "multipart/form-data; boundary=slipway-test-boundary"],
                body: Self.multipart([
                    ("model", "echo.onnx", [UInt8](spare)), ("metadata", nil, Array(metadata.utf8)),
                    ("card", "card.md", Array("# Echo\nCopies x.".utf8)),
                    ("reference", "reference.csv", Array(reference.utf8)),
                ]))
            #expect(response.status == .created, "\(V2Fixtures.errorMessage(response) ?? "")")
            let version = try V2Fixtures.json(response)
            #expect(version["card"]?.stringValue == "# Echo\nCopies x.")
            #expect(version["reference"]?["rows"]?.int64Value == 2)
            #expect(version["reference"]?["columns"]?.arrayValue?.compactMap(\.stringValue) == ["a", "b", "c", "d"])
            #expect(version["lineage"]?["source"]?.stringValue == "git:abc")
            #expect(version["lineage"]?["data_digest"]?.stringValue == String(repeating: "ab", count: 32))
            #expect(version["aliases"]?.arrayValue == [.string("production")])
            #expect(try service.model(named: "multi").description == "Echo")

            let cases: [([(name: String, filename: String?, body: [UInt8])], String)] = [
                ([("metadata", nil, Array(metadata.utf8))], "part 'model' is required"),
                ([("model", nil, [UInt8](spare)), ("metadata", nil, Array(#"{"aliases":"production"}"#.utf8))], "field 'aliases'"),
                ([("model", nil, [UInt8](spare)), ("metadata", nil, Array(#"{"colour":1}"#.utf8))], "unknown field 'colour'"),
                ([("model", nil, [UInt8](spare)), ("metadata", nil, Array("{".utf8))], "part 'metadata' is not valid JSON"),
                ([("model", nil, [UInt8](spare)), ("extra", nil, [1])], "part 'extra'"),
                ([("model", nil, [UInt8](spare)), ("reference", "r.csv", Array("a,b\n1,2\n".utf8))], "takes 4 columns"),
            ]
            for (parts, expected) in cases {
                let bad = try await client.execute(
                    uri: "/api/v1/models/multi2/versions", method: .post,
                    headers: [.contentType: "multipart/form-data; boundary=slipway-test-boundary"], body: Self.multipart(parts))
                #expect(bad.status == .badRequest, "\(expected)")
                #expect(V2Fixtures.errorMessage(bad)?.contains(expected) == true, "\(expected): \(V2Fixtures.errorMessage(bad) ?? "")")
            }
            let noBoundary = try await client.execute(
                uri: "/api/v1/models/multi2/versions", method: .post, headers: [.contentType: "multipart/form-data"], body: ByteBuffer(string: "x"))
            #expect(noBoundary.status == .badRequest)
        }
        #expect(throws: InferenceError.self) { try service.model(named: "multi2") }
    }

    @Test func aliasesSetMoveAndDelete() async throws {
        let (service, _) = try Self.fixture()
        try await V2Fixtures.app(service: service).test(.router) { client in
            let set = try await client.execute(uri: "/api/v1/models/echo/aliases/staging", method: .put, body: Self.body(#"{"version":2}"#))
            #expect(set.status == .ok)
            #expect(try V2Fixtures.json(set)["version"]?.int64Value == 2)
            #expect(try V2Fixtures.json(set)["previous"] == nil)
            let moved = try await client.execute(uri: "/api/v1/models/echo/aliases/production", method: .put, body: Self.body(#"{"version":2}"#))
            #expect(try V2Fixtures.json(moved)["previous"]?.int64Value == 1)
            #expect(try service.resolve("echo@production").version == 2)

            for (body, word) in [
                (#"{"version":"2"}"#, "'version'"), (#"{"version":0}"#, "'version'"), ("{}", "'version' is required"), (#"{"v":1}"#, "'v'"),
                ("[", "JSON"),
            ] {
                let bad = try await client.execute(uri: "/api/v1/models/echo/aliases/staging", method: .put, body: Self.body(body))
                #expect(bad.status == .badRequest, "\(body)")
                #expect(V2Fixtures.errorMessage(bad)?.contains(word) == true, "\(body): \(V2Fixtures.errorMessage(bad) ?? "")")
            }
            let unknownVersion = try await client.execute(
                uri: "/api/v1/models/echo/aliases/staging", method: .put, body: Self.body(#"{"version":7}"#))
            #expect(unknownVersion.status == .notFound)
            let badAlias = try await client.execute(uri: "/api/v1/models/echo/aliases/Bad!", method: .put, body: Self.body(#"{"version":1}"#))
            #expect(badAlias.status == .badRequest)

            let deleted = try await client.execute(uri: "/api/v1/models/echo/aliases/staging", method: .delete)
            #expect(deleted.status == .ok)
            #expect(try V2Fixtures.json(deleted)["previous"]?.int64Value == 2)
            let again = try await client.execute(uri: "/api/v1/models/echo/aliases/staging", method: .delete)
            #expect(again.status == .notFound)
        }
    }

    @Test func tagsArchiveAndHistory() async throws {
        let (service, _) = try Self.fixture()
        try await V2Fixtures.app(service: service).test(.router) { client in
            let modelTags = try await client.execute(uri: "/api/v1/models/echo2/tags", method: .patch, body: Self.body(#"{"tags":{"team":"ml"}}"#))
            #expect(modelTags.status == .ok)
            #expect(try V2Fixtures.json(modelTags)["tags"]?["team"]?.stringValue == "ml")
            let versionTags = try await client.execute(
                uri: "/api/v1/models/echo/versions/production/tags", method: .patch, body: Self.body(#"{"tags":{"checked":"yes"}}"#))
            #expect(try V2Fixtures.json(versionTags)["version"]?.int64Value == 1)
            #expect(try V2Fixtures.json(versionTags)["tags"]?["checked"]?.stringValue == "yes")
            let removed = try await client.execute(
                uri: "/api/v1/models/echo/versions/1/tags", method: .patch, body: Self.body(#"{"tags":{"checked":""}}"#))
            #expect(try V2Fixtures.json(removed)["tags"]?["checked"] == nil)
            for body in ["{}", #"{"tags":{}}"#, #"{"tags":{"k":1}}"#] {
                let bad = try await client.execute(uri: "/api/v1/models/echo/tags", method: .patch, body: Self.body(body))
                #expect(bad.status == .badRequest, "\(body)")
            }

            let archived = try await client.execute(uri: "/api/v1/models/echo2/versions/1/archive", method: .post)
            #expect(archived.status == .ok)
            #expect(try V2Fixtures.json(archived)["status"]?.stringValue == "archived")
            let again = try await client.execute(uri: "/api/v1/models/echo2/versions/1/archive", method: .post)
            #expect(again.status == .conflict)
            let aliasOnArchived = try await client.execute(uri: "/api/v1/models/echo2/aliases/old", method: .put, body: Self.body(#"{"version":1}"#))
            #expect(aliasOnArchived.status == .conflict)
            let byAlias = try await client.execute(uri: "/api/v1/models/echo/versions/production/archive", method: .post)
            #expect(byAlias.status == .badRequest)

            let history = try await client.execute(uri: "/api/v1/models/echo2/history", method: .get)
            let events = try V2Fixtures.json(history)["events"]?.arrayValue ?? []
            let kinds = events.compactMap { $0["kind"]?.stringValue }
            #expect(kinds.contains("tags_set") && kinds.contains("version_archived"))
            #expect(events.last?["actor"]?.stringValue == "api")
        }
    }

    @Test func uploadsAboveTheLimitGet413() async throws {
        let (service, spare) = try Self.fixture()
        let configuration = ServerConfiguration(port: 0, maxBodySize: 64, inferenceThreads: 1)
        try await V2Fixtures.app(configuration, service: service).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/models/big/versions", method: .post, body: ByteBuffer(bytes: spare))
            #expect(response.status == .contentTooLarge)
            #expect(V2Fixtures.errorMessage(response) != nil)
        }
    }
}

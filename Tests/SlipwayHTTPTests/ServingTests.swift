import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayRuntime
import Synchronization
import Testing

/// Keeps every record it is given.
final class RecordingObserver: InferenceObserver {
    let records = Mutex<[InferenceRecord]>([])
    func record(_ record: InferenceRecord) { records.withLock { $0.append(record) } }
    var all: [InferenceRecord] { records.withLock { $0 } }
}

enum ServingFixtures {
    static func app(
        yaml: String = "", configuration: ServerConfiguration = .init(port: 0, inferenceThreads: 2), service: ModelRegistryService? = nil,
        refreshInterval: Duration = .seconds(1), observer: any InferenceObserver = InferenceObservers()
    ) throws -> some ApplicationProtocol {
        var configuration = configuration
        configuration.settings = try SlipwayConfiguration(yaml: yaml)
        let models = RegistryModelProvider(service: try service ?? V2Fixtures.registry(), refreshInterval: refreshInterval)
        return buildApplication(configuration: configuration, models: models, logger: Logger(label: "slipway-test"), observer: observer)
    }

    static func irisRow(_ row: Int, id: String? = nil, parameters: String = "") -> String {
        let rows: [[Double]] = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3], [5.0, 3.4, 1.5, 0.2]]
        let data = rows[row % rows.count].map { "\($0)" }.joined(separator: ",")
        let idField = id.map { #""id":"\#($0)","# } ?? ""
        return #"{\#(idField)\#(parameters)"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[\#(data)]}]}"#
    }

    static func stat(_ body: JSONValue, _ path: String...) -> Int64? {
        var value: JSONValue? = body["model_stats"]?.arrayValue?.first
        for key in path { value = value?[key] }
        return value?.int64Value
    }
}

/// Statistics, repository, schedule policy, batching and cache over HTTP, in process.
@Suite struct ServingTests {
    @Test func statisticsFollowTritonsCountingRules() async throws {
        try await ServingFixtures.app().test(.router) { client in
            let two = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: V2Fixtures.irisRequest))
            #expect(two.status == .ok)
            let one = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: ServingFixtures.irisRow(0)))
            #expect(one.status == .ok)
            let bad = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post,
                body: ByteBuffer(string: #"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"nope"}]}"#))
            #expect(bad.status == .badRequest)
            for path in ["/v2/models/iris/stats", "/v2/models/iris/versions/1/stats"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
                let body = try V2Fixtures.json(response)
                #expect(body["model_stats"]?.arrayValue?.count == 1)
                #expect(body["model_stats"]?.arrayValue?.first?["name"]?.stringValue == "iris")
                #expect(body["model_stats"]?.arrayValue?.first?["version"]?.stringValue == "1")
                #expect(ServingFixtures.stat(body, "inference_count") == 3)
                #expect(ServingFixtures.stat(body, "execution_count") == 2)
                #expect(ServingFixtures.stat(body, "inference_stats", "success", "count") == 2)
                #expect(ServingFixtures.stat(body, "inference_stats", "fail", "count") == 1)
                #expect(ServingFixtures.stat(body, "inference_stats", "queue", "count") == 2)
                #expect(ServingFixtures.stat(body, "inference_stats", "compute_infer", "count") == 2)
                #expect((ServingFixtures.stat(body, "inference_stats", "success", "ns") ?? 0) > 0)
                #expect((ServingFixtures.stat(body, "last_inference") ?? 0) > 0)
                let batches = body["model_stats"]?.arrayValue?.first?["batch_stats"]?.arrayValue ?? []
                #expect(batches.compactMap { $0["batch_size"]?.int64Value } == [1, 2])
            }
            let all = try V2Fixtures.json(try await client.execute(uri: "/v2/models/stats", method: .get))
            let names = all["model_stats"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("iris") && names.contains("echo") && names.contains("echo2"))
            let unknown = try await client.execute(uri: "/v2/models/nope/stats", method: .get)
            #expect(unknown.status == .notFound)
            #expect(V2Fixtures.errorMessage(unknown)?.contains("nope") == true)
            let archived = try await client.execute(uri: "/v2/models/iris/versions/7/stats", method: .get)
            #expect(archived.status == .notFound)
        }
    }

    @Test func repositoryIndexUnloadAndLoad() async throws {
        try await ServingFixtures.app().test(.router) { client in
            // tritonclient posts an empty body.
            let index = try await client.execute(uri: "/v2/repository/index", method: .post)
            #expect(index.status == .ok)
            let rows = try V2Fixtures.json(index).arrayValue ?? []
            #expect(rows.compactMap { $0["name"]?.stringValue } == ["echo", "echo2", "iris"])
            #expect(rows.allSatisfy { $0["state"]?.stringValue == "READY" })
            #expect(rows.first?["version"]?.stringValue == "1")

            let unload = try await client.execute(uri: "/v2/repository/models/echo/unload", method: .post)
            #expect(unload.status == .ok)
            let refused = try await client.execute(uri: "/v2/models/echo/infer", method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(refused.status == .badRequest)
            #expect(refused.headers[.retryAfter] == nil)
            #expect(V2Fixtures.errorMessage(refused)?.contains("unloaded") == true)
            let notReady = try await client.execute(uri: "/v2/models/echo/ready", method: .get)
            #expect(notReady.status == .badRequest)

            let after = try V2Fixtures.json(try await client.execute(uri: "/v2/repository/index", method: .post)).arrayValue ?? []
            let echo = after.first { $0["name"]?.stringValue == "echo" }
            #expect(echo?["state"]?.stringValue == "UNAVAILABLE")
            #expect(echo?["reason"]?.stringValue == "unloaded")
            let ready = try await client.execute(uri: "/v2/repository/index", method: .post, body: ByteBuffer(string: #"{"ready": true}"#))
            #expect((try V2Fixtures.json(ready).arrayValue ?? []).compactMap { $0["name"]?.stringValue } == ["echo2", "iris"])

            let load = try await client.execute(uri: "/v2/repository/models/echo/load", method: .post, body: ByteBuffer(string: "{}"))
            #expect(load.status == .ok)
            let served = try await client.execute(uri: "/v2/models/echo/infer", method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(served.status == .ok)
            #expect(try V2Fixtures.json(served)["model_version"]?.stringValue == "1")
        }
    }

    @Test(arguments: [
        ("/v2/repository/models/nope/load", "", HTTPResponse.Status.notFound, "nope"),
        ("/v2/repository/models/nope/unload", "", .notFound, "nope"),
        ("/v2/repository/models/echo/load", #"{"parameters":{"config":"{}"}}"#, .badRequest, "'config' is not supported"),
        ("/v2/repository/models/echo/load", "[1]", .badRequest, "JSON object"),
        ("/v2/repository/index", #"{"ready": "yes"}"#, .badRequest, "'ready'"),
        ("/v2/repository/index", "{", .badRequest, "not valid JSON"),
    ])
    func repositoryErrors(path: String, body: String, status: HTTPResponse.Status, message: String) async throws {
        try await ServingFixtures.app().test(.router) { client in
            let response = try await client.execute(uri: path, method: .post, body: body.isEmpty ? nil : ByteBuffer(string: body))
            #expect(response.status == status)
            #expect(V2Fixtures.errorMessage(response)?.contains(message) == true, "\(V2Fixtures.errorMessage(response) ?? "no body")")
        }
    }

    @Test(arguments: [
        (#""parameters":{"priority":"high"},"#, "'priority' must be a non-negative integer"),
        (#""parameters":{"priority":3},"#, "priority levels 1 to 2"),
        (#""parameters":{"timeout":-5},"#, "'timeout' must be a non-negative integer"),
    ])
    func schedulePolicyParametersAreChecked(parameters: String, message: String) async throws {
        try await ServingFixtures.app().test(.router) { client in
            let response = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: ServingFixtures.irisRow(0, parameters: parameters)))
            #expect(response.status == .badRequest)
            #expect(V2Fixtures.errorMessage(response)?.contains(message) == true, "\(V2Fixtures.errorMessage(response) ?? "")")
        }
    }

    @Test func validPriorityAndTimeoutAreServed() async throws {
        try await ServingFixtures.app().test(.router) { client in
            let response = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post,
                body: ByteBuffer(string: ServingFixtures.irisRow(1, id: "p1", parameters: #""parameters":{"priority":1,"timeout":60000000},"#)))
            #expect(response.status == .ok)
            #expect(try V2Fixtures.json(response)["id"]?.stringValue == "p1")
        }
    }

    @Test func everyResponseCarriesAnIdAndEveryRequestIsRecordedOnce() async throws {
        let observer = RecordingObserver()
        try await ServingFixtures.app(observer: observer).test(.router) { client in
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: ServingFixtures.irisRow(2)))
            #expect(response.status == .ok)
            let id = try V2Fixtures.json(response)["id"]?.stringValue ?? ""
            #expect(id.count == 36)
            let failed = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: "{"))
            #expect(failed.status == .badRequest)
            let unknown = try await client.execute(uri: "/v2/models/nope/infer", method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
            #expect(unknown.status == .notFound)
            let records = observer.all
            #expect(records.count == 3)
            let ok = records.first { $0.requestID == id }
            #expect(ok?.status == .success)
            #expect(ok?.model == "iris")
            #expect(ok?.version == 1)
            #expect(ok?.outputs?.map(\.name) == ["label", "probabilities"])
            #expect(ok?.inputs?.map(\.name) == ["X"])
            #expect(ok?.batchSize == 1)
            #expect(records.filter { $0.status == .failure(.badRequest) }.count == 1)
            #expect(records.filter { $0.status == .failure(.notFound) && $0.model == "nope" && $0.version == nil }.count == 1)
        }
    }

    /// Four single-row requests held by a long delay are joined into one execution of 4 rows; each gets its
    /// own row back (compared with the same rows run alone).
    @Test func dynamicBatchingJoinsConcurrentRequests() async throws {
        let yaml = "models:\n  iris:\n    batching: {max_batch_size: 4, max_queue_delay_us: 30000000}\n"
        let alone = try await ServingFixtures.app().test(.router) { client in
            var alone: [String: JSONValue] = [:]
            for row in 0..<4 {
                let response = try await client.execute(
                    uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: ServingFixtures.irisRow(row, id: "r\(row)")))
                alone["r\(row)"] = try V2Fixtures.json(response)["outputs"]
            }
            return alone
        }
        try await ServingFixtures.app(yaml: yaml).test(.router) { client in
            let results = try await withThrowingTaskGroup(of: (String, JSONValue?).self) { group in
                for row in 0..<4 {
                    group.addTask {
                        let response = try await client.execute(
                            uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: ServingFixtures.irisRow(row, id: "r\(row)")))
                        #expect(response.status == .ok)
                        return ("r\(row)", try V2Fixtures.json(response)["outputs"])
                    }
                }
                var out: [String: JSONValue?] = [:]
                for try await (id, outputs) in group { out[id] = outputs }
                return out
            }
            for (id, outputs) in results {
                #expect(outputs == alone[id], "\(id)")
            }
            let stats = try V2Fixtures.json(try await client.execute(uri: "/v2/models/iris/stats", method: .get))
            #expect(ServingFixtures.stat(stats, "inference_count") == 4)
            #expect(ServingFixtures.stat(stats, "execution_count") == 1)
            let batches = stats["model_stats"]?.arrayValue?.first?["batch_stats"]?.arrayValue ?? []
            #expect(batches.compactMap { $0["batch_size"]?.int64Value } == [4])
        }
    }

    @Test func responseCacheAnswersRepeatsWithoutRunningTheModel() async throws {
        let yaml = "models:\n  iris:\n    cache: {max_bytes: 1MiB}\n"
        try await ServingFixtures.app(yaml: yaml).test(.router) { client in
            var bodies: [JSONValue?] = []
            for id in ["first", "second"] {
                let response = try await client.execute(
                    uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: ServingFixtures.irisRow(3, id: id)))
                #expect(response.status == .ok)
                let body = try V2Fixtures.json(response)
                #expect(body["id"]?.stringValue == id)
                bodies.append(body["outputs"])
            }
            #expect(bodies[0] == bodies[1])
            let stats = try V2Fixtures.json(try await client.execute(uri: "/v2/models/iris/stats", method: .get))
            #expect(ServingFixtures.stat(stats, "inference_stats", "cache_hit", "count") == 1)
            #expect(ServingFixtures.stat(stats, "inference_stats", "cache_miss", "count") == 1)
            #expect(ServingFixtures.stat(stats, "inference_stats", "success", "count") == 2)
            #expect(ServingFixtures.stat(stats, "inference_count") == 2)
            #expect(ServingFixtures.stat(stats, "execution_count") == 1)
        }
    }

    @Test func classificationReturnsTheTopClassesOfEachRow() async throws {
        try await ServingFixtures.app().test(.router) { client in
            let request =
                #"{"inputs":[{"name":"X","shape":[2,4],"datatype":"FP32","data":[[5.1,2.5,3.0,1.1],[6.1,2.8,4.0,1.3]]}],"outputs":[{"name":"probabilities","parameters":{"classification":2}}]}"#
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: request))
            #expect(response.status == .ok)
            let output = try V2Fixtures.json(response)["outputs"]?.arrayValue?.first
            #expect(output?["datatype"]?.stringValue == "BYTES")
            #expect(output?["shape"]?.arrayValue?.compactMap(\.int64Value) == [2, 2])
            let classes = output?["data"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(classes.count == 4)
            #expect(classes.first?.hasSuffix(":1") == true)
            #expect(classes.first?.hasPrefix("0.837") == true)
            #expect(classes[1].hasSuffix(":0"))
        }
    }

    @Test func binaryOutputsArePerOutput() async throws {
        try await ServingFixtures.app().test(.router) { client in
            let request =
                #"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[5.1,2.5,3.0,1.1]}],"outputs":[{"name":"label"},{"name":"probabilities","parameters":{"binary_data":true}}]}"#
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: request))
            #expect(response.status == .ok)
            let length = try #require(response.headers[.inferenceHeaderContentLength].flatMap { Int($0) })
            let bytes = [UInt8](buffer: response.body)
            let head = try JSONScanner.parse(Array(bytes[..<length]))
            let outputs = head["outputs"]?.arrayValue ?? []
            #expect(outputs.first?["data"]?.arrayValue?.count == 1)
            #expect(outputs.last?["parameters"]?["binary_data_size"]?.int64Value == 12)
            #expect(bytes.count - length == 12)
        }
    }
}

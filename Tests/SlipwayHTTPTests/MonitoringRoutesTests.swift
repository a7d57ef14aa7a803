import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRuntime
import Testing

/// Predictions are logged (with the request id returned), labels join them, live quality comes back over
/// HTTP, `/metrics` answers, and bad feedback is refused with the item at fault.
@Suite struct MonitoringRoutesTests {
    @Test func predictionsAreLoggedWithTheirRequestID() async throws {
        let system = try MonitoringFixtures.system("models:\n  iris:\n    never_log: [X]\n")
        try await MonitoringFixtures.app(system: system).test(.router) { client in
            let named = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post, body: MonitoringFixtures.irisRequest(id: "mine", rows: [[5.1, 2.5, 3.0, 1.1]]))
            #expect(try V2Fixtures.json(named)["id"]?.stringValue == "mine")
            let anonymous = try await client.execute(
                uri: "/v2/models/echo/infer", method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
            let generated = try #require(try V2Fixtures.json(anonymous)["id"]?.stringValue)
            #expect(generated.count >= 16)
            let failed = try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: #"{"inputs":[]}"#))
            #expect(failed.status == .badRequest)
            try await MonitoringFixtures.waitForRows(system, model: "iris", count: 2)
            try await MonitoringFixtures.waitForRows(system, model: "echo", count: 1)
            let logged = try #require(try system.store.prediction(model: "iris", requestID: "mine"))
            #expect(logged.entry.version == 1)
            #expect(logged.entry.status == "ok")
            // never_log: [X] keeps the input out of the log; the outputs are there.
            #expect(logged.entry.inputs.isEmpty)
            #expect(logged.entry.outputs.map(\.name) == ["label", "probabilities"])
            #expect(try system.store.prediction(model: "echo", requestID: generated)?.entry.inputs.map(\.name) == ["x"])
            #expect(try system.store.count(model: "iris") == 2)  // the failed request is logged too, with its status
        }
    }

    @Test func feedbackThenQualityOverHTTP() async throws {
        let system = try MonitoringFixtures.system()
        try await MonitoringFixtures.app(system: system).test(.router) { client in
            // Two requests: the example rows are class 1 (versicolor) for the iris example model.
            _ = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post,
                body: MonitoringFixtures.irisRequest(id: "a", rows: [[5.1, 2.5, 3.0, 1.1], [6.1, 2.8, 4.0, 1.3]]))
            _ = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post, body: MonitoringFixtures.irisRequest(id: "b", rows: [[5.0, 3.4, 1.5, 0.2]]))
            try await MonitoringFixtures.waitForRows(system, model: "iris", count: 2)

            let feedback = try await client.execute(
                uri: "/api/v1/models/iris/feedback", method: .post,
                body: ByteBuffer(
                    string: #"{"feedback":[{"id":"a","label":[1,2]},{"id":"b","label":0},{"id":"ghost","label":1},{"id":"b","label":[0,1]}]}"#))
            #expect(feedback.status == .ok)
            let result = try V2Fixtures.json(feedback)
            #expect(result["accepted"]?.int64Value == 2)
            #expect(result["unknown_ids"] == .array([.string("ghost")]))
            #expect(result["invalid"]?.arrayValue?.count == 1)

            let quality = try await client.execute(uri: "/api/v1/models/iris/quality", method: .get)
            #expect(quality.status == .ok)
            let report = try V2Fixtures.json(quality)
            #expect(report["model"]?.stringValue == "iris")
            #expect(report["version"]?.stringValue == "1")
            #expect(report["task"]?.stringValue == "classification")
            #expect(report["n_labeled"]?.int64Value == 3)
            let metrics = try #require(report["metrics"])
            #expect(metrics["accuracy"]?.doubleValue.map { abs($0 - 2.0 / 3.0) < 1e-12 } == true)
            for name in ["precision_macro", "recall_macro", "f1_macro", "log_loss"] { #expect(metrics[name]?.doubleValue != nil, "\(name)") }
            #expect(metrics["roc_auc"] == nil)  // three classes: roc_auc is for binary problems

            let last = try V2Fixtures.json(try await client.execute(uri: "/api/v1/models/iris/quality?last=1", method: .get))
            #expect(last["n_labeled"]?.int64Value == 1)
            #expect(last["metrics"]?["accuracy"]?.doubleValue == 1)

            let bad = try await client.execute(uri: "/api/v1/models/iris/quality?last=1&since=1h", method: .get)
            #expect(bad.status == .badRequest)
            let none = try await client.execute(uri: "/api/v1/models/nope/quality", method: .get)
            #expect(none.status == .notFound)
            let future = try await client.execute(uri: "/api/v1/models/iris/quality?since=2999-01-01T00:00:00Z", method: .get)
            #expect(future.status == .notFound)
        }
    }

    @Test(arguments: [
        (#"not json"#, "JSON"), (#"{"label":1}"#, "body.id"), (#"{"id":"a"}"#, "body.label"),
        (#"{"feedback":[{"id":"a","label":{"x":1}}]}"#, "feedback[0].label"), (#"{"feedback":3}"#, "feedback"),
    ])
    func badFeedbackIsRefusedNamingTheField(body: String, field: String) async throws {
        let system = try MonitoringFixtures.system()
        try await MonitoringFixtures.app(system: system).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/models/iris/feedback", method: .post, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            #expect(V2Fixtures.errorMessage(response)?.contains(field) == true, "\(V2Fixtures.errorMessage(response) ?? "")")
        }
    }

    @Test func metricsRouteServesTheRenderer() async throws {
        let system = try MonitoringFixtures.system()
        try await MonitoringFixtures.app(system: system).test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(String(buffer: response.body) == "# metrics\n")
        }
    }
}

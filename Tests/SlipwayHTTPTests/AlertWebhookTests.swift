import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import SlipwayHTTP
import SlipwayMonitoring
import SlipwayRuntime
import Synchronization
import Testing

/// An alert rule fires and resolves on a local webhook receiver (a Hummingbird app on port 0), and the
/// history shows both over `GET /api/v1/alerts`. Evaluation is driven with explicit times (no waiting).
@Suite struct AlertWebhookTests {
    /// A webhook receiver: answers 500 to the first `failFirst` posts (to exercise the retries), then 200.
    final class Receiver: Sendable {
        let bodies = Mutex<[String]>([])
        let attempts = Mutex(0)
        let failFirst: Int

        init(failFirst: Int) { self.failFirst = failFirst }

        func run(_ body: @Sendable (Int) async throws -> Void) async throws {
            let router = Router()
            router.post("/hook") { request, _ -> HTTPResponse.Status in
                let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
                let attempt = self.attempts.withLock { n in
                    n += 1
                    return n
                }
                if attempt <= self.failFirst { return .internalServerError }
                self.bodies.withLock { $0.append(text) }
                return .ok
            }
            let (port, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: Logger(label: "receiver"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                let serviceGroup = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "receiver"))
                group.addTask { try await serviceGroup.run() }
                var iterator = port.makeAsyncIterator()
                let bound = await iterator.next() ?? 0
                do {
                    try await body(bound)
                } catch {
                    await serviceGroup.triggerGracefulShutdown()
                    throw error
                }
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test func latencyAlertFiresThenResolvesOnTheWebhook() async throws {
        let receiver = Receiver(failFirst: 1)
        try await receiver.run { port in
            let yaml = """
                alerts:
                  interval: 1h
                  channels:
                    hook: {webhook: "http://127.0.0.1:\(port)/hook", retries: 2, timeout: 5s}
                  rules:
                    - name: iris-slow
                      model: iris
                      metric: latency_p99
                      window: 30s
                      comparison: ">="
                      threshold: 0
                      severity: critical
                      channels: [hook, log]
                """
            let system = try MonitoringFixtures.system(yaml)
            let notifier = AlertNotifier(logger: Logger(label: "test"), backoff: .milliseconds(10))
            try await MonitoringFixtures.app(system: system, notifier: notifier).test(.router) { client in
                let response = try await client.execute(
                    uri: "/v2/models/iris/infer", method: .post, body: MonitoringFixtures.irisRequest(id: "a", rows: [[5.1, 2.5, 3.0, 1.1]]))
                #expect(response.status == .ok)
                let evaluator = AlertEvaluationService(system: system, interval: .seconds(3600), notifier: notifier, logger: Logger(label: "test"))
                let now = Date().timeIntervalSince1970
                let fired = await evaluator.evaluateOnce(now: now)
                #expect(fired.map(\.state) == [.firing])
                #expect(system.alerts.firing.map(\.rule) == ["iris-slow"])
                let whileFiring = try V2Fixtures.json(try await client.execute(uri: "/api/v1/alerts", method: .get))
                let entry = whileFiring["firing"]?.arrayValue?.first
                #expect(entry?["rule"]?.stringValue == "iris-slow")
                #expect(entry?["model"]?.stringValue == "iris")
                #expect(entry?["since"]?.stringValue != nil)
                #expect(entry?["value"] != nil)
                #expect(whileFiring["pending"]?.arrayValue?.isEmpty == true)
                // A minute later the window holds no request: no data resolves the alert.
                let resolved = await evaluator.evaluateOnce(now: now + 60)
                #expect(resolved.map(\.state) == [.resolved])

                let received = receiver.bodies.withLock { $0 }
                #expect(received.count == 2)
                #expect(received.first?.contains(#""state":"firing""#) == true)
                #expect(received.first?.contains(#""severity":"critical""#) == true)
                #expect(received.last?.contains(#""state":"resolved""#) == true)
                #expect(receiver.attempts.withLock { $0 } == 3)  // the first post failed and was retried

                let alerts = try V2Fixtures.json(try await client.execute(uri: "/api/v1/alerts", method: .get))
                #expect(alerts["rules"]?.arrayValue?.first?["name"]?.stringValue == "iris-slow")
                #expect(alerts["firing"]?.arrayValue?.isEmpty == true)
                #expect(alerts["history"]?.arrayValue?.compactMap { $0["state"]?.stringValue } == ["resolved", "firing"])
            }
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import SlipwayHTTP
import SlipwayRuntime
import Synchronization
import Testing

/// Moving the `production` alias (as `slipway models alias set` does, on the same data directory) while
/// clients keep sending requests: every request succeeds, and after each swap the new version answers.
@Suite struct HotSwapTests {
    struct Tally: Sendable {
        var ok = 0
        var failed: [String] = []
    }

    final class Clients: Sendable {
        let tally = Mutex(Tally())
        let stop = Atomic<Bool>(false)
    }

    @Test func twentySwapsUnderConcurrentLoadFailNoRequest() async throws {
        let service = try V2Fixtures.registry()
        let app = try ServingFixtures.app(service: service, refreshInterval: .milliseconds(20))
        try await app.test(.router) { client in
            let clients = Clients()

            /// The version that answered and the seed its constant output `w` carries (1 for echo:1, 2 for echo:2).
            @Sendable func call() async -> (version: String, seed: Double)? {
                do {
                    let response = try await client.execute(
                        uri: "/v2/models/echo/infer", method: .post, body: ByteBuffer(string: V2Fixtures.echoRequest))
                    let body = try V2Fixtures.json(response)
                    guard response.status == .ok, let version = body["model_version"]?.stringValue,
                        let w = body["outputs"]?.arrayValue?.first(where: { $0["name"]?.stringValue == "w" })?["data"]?.arrayValue?.first?.doubleValue
                    else {
                        clients.tally.withLock { $0.failed.append("\(response.status): \(V2Fixtures.errorMessage(response) ?? "")") }
                        return nil
                    }
                    clients.tally.withLock { $0.ok += 1 }
                    return (version, w)
                } catch {
                    clients.tally.withLock { $0.failed.append("\(error)") }
                    return nil
                }
            }

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while !clients.stop.load(ordering: .relaxed) { _ = await call() }
                    }
                }
                var current = 1
                for swap in 1...20 {
                    let target = current == 1 ? 2 : 1
                    _ = try service.setAlias("production", model: "echo", version: target, actor: "test")
                    // Wait (bounded) until the new version answers; then it keeps answering.
                    var answered: (version: String, seed: Double)? = nil
                    for _ in 0..<1000 {
                        answered = await call()
                        if answered?.version == String(target) { break }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    #expect(answered?.version == String(target), "swap \(swap)")
                    #expect(answered?.seed == Double(target), "swap \(swap): version \(target) answered with another model's output")
                    let next = await call()
                    #expect(next?.version == String(target), "swap \(swap): the old version answered after the new one")
                    current = target
                }
                clients.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
            let final = clients.tally.withLock { $0 }
            #expect(final.failed.isEmpty, "\(final.failed.prefix(5))")
            #expect(final.ok > 40)
        }
    }
}

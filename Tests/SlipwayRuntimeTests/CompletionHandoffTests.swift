import SlipwayRuntime
import Testing

@Suite struct CompletionHandoffTests {
    /// A value completed before it is asked for comes back at once.
    static func response(_ n: Int) -> Result<EncodedResponse, InferenceError> { .success(EncodedResponse(body: [UInt8(n & 0xFF), UInt8(n >> 8)])) }

    static func number(_ result: Result<EncodedResponse, InferenceError>) -> Int? {
        guard case .success(let response) = result, response.body.count == 2 else { return nil }
        return Int(response.body[0]) | Int(response.body[1]) << 8
    }

    @Test func aCompletedValueReturnsAtOnce() async {
        let handoff = CompletionHandoff()
        handoff.complete(Self.response(7))
        #expect(Self.number(await handoff.result()) == 7)
    }

    /// A caller that asks first waits for the completion from another task.
    @Test func aWaitingCallerIsResumedByTheCompletion() async {
        let handoff = CompletionHandoff()
        let waiter = Task { await handoff.result() }
        try? await Task.sleep(for: .milliseconds(20))
        handoff.complete(.failure(InferenceError(.unavailable, "late")))
        guard case .failure(let error) = await waiter.value else {
            Issue.record("expected the failure")
            return
        }
        #expect(error.message == "late")
    }

    /// Completion and request racing from different threads deliver every value exactly once, whichever wins;
    /// a second completion does not replace the first.
    @Test func racingCompletionsDeliverEachValueOnce() async {
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<2_000 {
                group.addTask {
                    let handoff = CompletionHandoff()
                    let completer = Task.detached {
                        handoff.complete(Self.response(i))
                        handoff.complete(Self.response(0xFFFF))
                    }
                    let value = await handoff.result()
                    await completer.value
                    return Self.number(value) == i
                }
            }
            var all = true
            for await ok in group { all = all && ok }
            #expect(all)
        }
    }
}

import SlipwayRuntime
import Testing

@Suite struct CompletionHandoffTests {
    /// A value completed before it is asked for comes back at once.
    @Test func aCompletedValueReturnsAtOnce() async {
        let handoff = CompletionHandoff<Int>()
        handoff.complete(7)
        #expect(await handoff.result() == 7)
    }

    /// A caller that asks first waits for the completion from another task.
    @Test func aWaitingCallerIsResumedByTheCompletion() async {
        let handoff = CompletionHandoff<String>()
        let waiter = Task { await handoff.result() }
        try? await Task.sleep(for: .milliseconds(20))
        handoff.complete("late")
        #expect(await waiter.value == "late")
    }

    /// Completion and request racing from different threads deliver every value exactly once, whichever wins;
    /// a second completion does not replace the first.
    @Test func racingCompletionsDeliverEachValueOnce() async {
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<2_000 {
                group.addTask {
                    let handoff = CompletionHandoff<Int>()
                    let completer = Task.detached {
                        handoff.complete(i)
                        handoff.complete(-1)
                    }
                    let value = await handoff.result()
                    await completer.value
                    return value == i
                }
            }
            var all = true
            for await ok in group { all = all && ok }
            #expect(all)
        }
    }
}

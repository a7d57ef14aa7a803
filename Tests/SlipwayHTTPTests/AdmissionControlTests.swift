import SlipwayRuntime
import Testing

@Suite struct AdmissionControlTests {
    @Test func refusesPastTheLimitAndReleasesAfterwards() async throws {
        let admission = AdmissionControl(limit: 1)
        let inner: Int = try await admission.admit("m") { () async throws(InferenceError) -> Int in
            #expect(admission.inFlight("m") == 1)
            do {
                _ = try await admission.admit("m") { () async throws(InferenceError) in 0 }
                Issue.record("a second request was admitted past the limit")
            } catch {
                #expect((error as? InferenceError)?.code == .unavailable)
            }
            // Another model has its own bound.
            return try await admission.admit("other") { () async throws(InferenceError) in 7 }
        }
        #expect(inner == 7)
        #expect(admission.inFlight("m") == 0)
    }
}

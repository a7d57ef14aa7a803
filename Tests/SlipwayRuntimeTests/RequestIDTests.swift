import Testing

@testable import SlipwayRuntime

@Suite struct RequestIDTests {
    /// Two words as 8-4-4-4-12 lowercase hex digits, the first word's 16 digits before the second's.
    @Test func formatsTwoWordsAsAUUID() {
        #expect(RequestID.format(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210) == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(RequestID.format(0, .max) == "00000000-0000-0000-ffff-ffffffffffff")
        let made = RequestID.make()
        #expect(made.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(made.utf8.allSatisfy { "0123456789abcdef-".utf8.contains($0) })
    }
}

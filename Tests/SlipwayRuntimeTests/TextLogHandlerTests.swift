import Logging
import Synchronization
import Testing

@testable import SlipwayRuntime

/// The text log handler: StreamLogHandler's line layout (`level label: metadata [source] message`, the time in UTC),
/// metadata formatted when a line is written.
@Suite struct TextLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ lines: Lines, level: Logger.Level = .info, provider: Logger.MetadataProvider? = nil) -> Logger {
        var handler = TextLogHandler(label: "slipway", metadataProvider: provider) { bytes in
            lines.lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
        }
        handler.logLevel = level
        return Logger(label: "slipway") { _ in handler }
    }

    @Test func writesTheStreamLayoutWithSortedMetadata() throws {
        let lines = Lines()
        var log = logger(lines)
        log[metadataKey: "zeta"] = "last"
        log[metadataKey: "alpha"] = .stringConvertible(42)
        log.info("serving", metadata: ["model": "iris"], source: "SlipwayHTTP")
        let line = try #require(lines.all.first)
        let parts = line.split(separator: " ", maxSplits: 1)
        #expect(parts.count == 2)
        // The time: ISO 8601 in UTC, to the second.
        #expect(parts.first.map { $0.count == 20 && $0.hasSuffix("Z") && $0.contains("T") } == true, "\(line)")
        #expect(parts.last == "info slipway: alpha=42 model=iris zeta=last [SlipwayHTTP] serving\n")
    }

    @Test func explicitMetadataWinsAndNothingBelowTheLevelIsWritten() {
        let lines = Lines()
        var log = logger(lines, level: .warning, provider: Logger.MetadataProvider { ["request": "from-provider", "id": "p"] })
        log[metadataKey: "id"] = "handler"
        log.info("dropped")
        log.warning("kept", metadata: ["request": "explicit"], source: "S")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.hasSuffix(" warning slipway: id=p request=explicit [S] kept\n") == true, "\(lines.all)")
    }

    @Test func aLineWithoutMetadataKeepsTheLayout() {
        let lines = Lines()
        logger(lines).error("failed", source: "M")
        #expect(lines.all.first?.hasSuffix(" error slipway: [M] failed\n") == true, "\(lines.all)")
    }
}

import Foundation

/// Where the log handlers write their lines.
enum StandardError {
    /// Writes `bytes` to standard error. A line that cannot be written (stderr closed, a pipe whose reader went
    /// away, a full disk) is dropped: logging must never stop the server (`FileHandle.write(_:)` traps on a failed
    /// write, and NIO ignores SIGPIPE, so a closed pipe is such a failure).
    @Sendable static func write(_ bytes: [UInt8]) {
        try? FileHandle.standardError.write(contentsOf: Data(bytes))
    }
}

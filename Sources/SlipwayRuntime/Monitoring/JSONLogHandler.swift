import Foundation
public import Logging

/// A swift-log handler that writes one JSON object per line (`--log-format json`):
/// `{"ts":"2026-11-26T21:40:00.123Z","level":"info","label":"slipway","message":"…","request_id":"…",…}`.
/// Metadata become top-level string fields (nested values as their text).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error.
    public init(label: String) {
        self.init(label: label, write: StandardError.write)
    }

    /// - Parameters:
    ///   - label: the logger's label.
    ///   - write: where each line goes.
    public init(label: String, write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String,
        line: UInt
    ) {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"ts\":")
        w.string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        w.raw(",\"level\":")
        w.string(level.rawValue)
        w.raw(",\"label\":")
        w.string(label)
        w.raw(",\"message\":")
        w.string(message.description)
        var merged = metadata
        if let explicit { merged.merge(explicit) { $1 } }
        for key in merged.keys.sorted() where !["ts", "level", "label", "message"].contains(key) {
            w.raw(",")
            w.string(key)
            w.raw(":")
            w.string(merged[key].map { "\($0)" } ?? "")
        }
        w.raw("}\n")
        write(w.bytes)
    }
}

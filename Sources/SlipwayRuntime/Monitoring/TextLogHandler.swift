import Foundation
public import Logging

/// Plain-text log lines on stderr, in swift-log's `StreamLogHandler` layout with the time in UTC:
/// `2026-11-27T14:03:05Z info slipway: key=value other=value [Module] message`.
///
/// Unlike `StreamLogHandler`, metadata is formatted when a line is written, not when it is set: the HTTP
/// server sets a request id on every request's logger, and formatting all metadata then cost every request
/// about 1% of its instructions while almost no request logs anything.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable ([UInt8]) -> Void

    /// A handler that writes to standard error.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, metadataProvider: metadataProvider, write: StandardError.write)
    }

    /// A handler that hands each line (newline included) to `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
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
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit { merged.merge(explicit) { $1 } }
        var text = Self.timestamp(Date()) + " \(level)" + (label.isEmpty ? "" : " ") + label + ":"
        for key in merged.keys.sorted() {
            text += " \(key)=\(merged[key].map { "\($0)" } ?? "")"
        }
        text += " [\(source)] \(message)\n"
        write(Array(text.utf8))
    }

    /// `2026-11-27T14:03:05Z`: ISO 8601 in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}

import ArgumentParser
import Foundation
import SlipwayMonitoring
import SlipwayRuntime

/// `slipway logs`: the prediction log.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Read the prediction log (predictions.sqlite in the data directory).",
        subcommands: [LogsExportCommand.self])
}

/// `slipway logs export NAME --format csv|jsonl -o FILE`: one row per example, for retraining.
struct LogsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a model's logged predictions as CSV or JSON lines, one row per example.",
        discussion: """
            Columns: request_id, row (the example's index in its request), time, model, version, alias, status, latency_ms, \
            then every input by name (X_0, X_1, … for several values per example), every output by name, and true_label with \
            --with-feedback. Reads page by page: memory stays bounded however large the log is. Times: ISO 8601, seconds \
            since 1970, or a duration ago (24h, 7d).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl
    }

    @OptionGroup var data: DataDirOptions

    @Argument(help: "The model's name.")
    var model: String

    @Option(help: "Only this version.")
    var version: Int?

    @Option(help: "Only predictions that arrived at or after this time.")
    var since: String?

    @Option(help: "Only predictions that arrived before this time.")
    var until: String?

    @Flag(help: "Add the label joined from feedback (empty when none arrived).")
    var withFeedback = false

    @Flag(help: "Only predictions that have a label (implies --with-feedback).")
    var labeledOnly = false

    @Option(help: "csv or jsonl.")
    var format: Format

    @Option(name: .shortAndLong, help: "The file to write ('-' for standard output).")
    var output: String

    func run() throws {
        let count = try CLIExit.reporting { () throws -> Int in
            let now = Date().timeIntervalSince1970
            let filter = ExportFilter(
                model: model, version: version, since: try since.map { try TimeArgument.parse($0, now: now) },
                until: try until.map { try TimeArgument.parse($0, now: now) }, labeledOnly: labeledOnly)
            let path = data.url.appendingPathComponent(PredictionLogStore.fileName).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw InferenceError(.notFound, "no prediction log at \(path): start 'slipway serve' with this data directory first")
            }
            let sealer = try DataKeyRing.sealer(dataDirectory: data.url)
            let store = try wrap { () throws(PredictionLogError) in try PredictionLogStore(path: path, sealer: sealer) }
            let sink = try ExportSink(path: output)
            var writer = PredictionExportWriter(format: format == .csv ? .csv : .jsonl, withLabels: withFeedback || labeledOnly)
            try wrap { () throws(PredictionLogError) in
                try store.forEachPrediction(filter) { prediction in
                    writer.write(prediction, to: sink)
                    if sink.failed { throw PredictionLogError(.storage, "cannot write '\(output)'") }
                }
            }
            sink.flush()
            return writer.rows
        }
        if output != "-" { FileHandle.standardError.write(Data("exported \(count) row(s) to \(output)\n".utf8)) }
    }

    func wrap<T>(_ body: () throws(PredictionLogError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw InferenceError(error)
        }
    }
}

/// A buffered file (or standard output) written in 64 KiB chunks.
final class ExportSink {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var failed = false

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
                throw InferenceError(.badRequest, "cannot create '\(path)'")
            }
            handle = file
        }
        buffer.reserveCapacity(1 << 16)
    }

    func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            failed = true
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Turns stored predictions into CSV or JSON lines, one line per example. The CSV header comes from the
/// first prediction's inputs and outputs.
struct PredictionExportWriter {
    enum Format { case csv, jsonl }

    let format: Format
    let withLabels: Bool
    var rows = 0
    /// (name, values per example) of inputs and outputs, from the first prediction (CSV).
    var columns: (inputs: [(String, Int)], outputs: [(String, Int)])?

    init(format: Format, withLabels: Bool) {
        self.format = format
        self.withLabels = withLabels
    }

    mutating func write(_ prediction: StoredPrediction, to sink: ExportSink) {
        let entry = prediction.entry
        let time = Date(timeIntervalSince1970: entry.arrivedAt).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        if format == .csv && columns == nil {
            let layout = (entry.inputs.map { ($0.name, $0.elementsPerRow) }, entry.outputs.map { ($0.name, $0.elementsPerRow) })
            columns = layout
            var header = ["request_id", "row", "time", "model", "version", "alias", "status", "latency_ms"]
            for (name, k) in layout.0 + layout.1 { header += k == 1 ? [name] : (0..<k).map { "\(name)_\($0)" } }
            if withLabels { header.append("true_label") }
            sink.append(header.map(Self.csvField).joined(separator: ",") + "\n")
        }
        for row in 0..<max(entry.rows, 1) {
            let label = prediction.labels.flatMap { row < $0.count ? $0[row] : nil }
            let fixed = [
                entry.requestID, String(row), time, entry.model, entry.version.map(String.init) ?? "", entry.alias ?? "", entry.status,
                String(entry.latencySeconds * 1000),
            ]
            switch format {
            case .csv:
                var fields = fixed
                let layout = columns ?? ([], [])
                for (name, k) in layout.inputs { fields += Self.cells(entry.inputs.first { $0.name == name }, row: row, count: k) }
                for (name, k) in layout.outputs { fields += Self.cells(entry.outputs.first { $0.name == name }, row: row, count: k) }
                if withLabels { fields.append(label?.classKey ?? "") }
                sink.append(fields.map(Self.csvField).joined(separator: ",") + "\n")
            case .jsonl:
                var line = "{"
                let keys = ["request_id", "row", "time", "model", "version", "alias", "status", "latency_ms"]
                for (i, (key, value)) in zip(keys, fixed).enumerated() {
                    if i > 0 { line += "," }
                    let isNumber = ["row", "version", "latency_ms"].contains(key) && !value.isEmpty
                    let shown: String
                    if value.isEmpty && key != "request_id" {
                        shown = "null"
                    } else if isNumber {
                        shown = value
                    } else {
                        shown = Self.jsonString(value)
                    }
                    line += Self.jsonString(key) + ":" + shown
                }
                line += ",\"inputs\":" + Self.jsonTensors(entry.inputs, row: row)
                line += ",\"outputs\":" + Self.jsonTensors(entry.outputs, row: row)
                if withLabels { line += ",\"true_label\":" + (label.map(Self.jsonLabel) ?? "null") }
                sink.append(line + "}\n")
            }
            rows += 1
        }
    }

    static func cells(_ tensor: LoggedTensor?, row: Int, count: Int) -> [String] {
        guard let tensor else { return Array(repeating: "", count: count) }
        let k = tensor.elementsPerRow
        return (0..<count).map { i in i < k ? tensor.formatted(at: row * k + i) ?? "" : "" }
    }

    static func jsonTensors(_ tensors: [LoggedTensor], row: Int) -> String {
        var parts: [String] = []
        for tensor in tensors {
            let k = tensor.elementsPerRow
            let values = (0..<k).map { i -> String in
                guard let text = tensor.formatted(at: row * k + i) else { return "null" }
                if tensor.datatype == "BYTES" { return jsonString(text) }
                return ["nan", "inf", "-inf"].contains(text.lowercased()) ? "null" : text
            }
            let shown: String = tensor.shape.count <= 1 ? (values.first ?? "null") : "[\(values.joined(separator: ","))]"
            parts.append(jsonString(tensor.name) + ":" + shown)
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    static func jsonLabel(_ label: LabelValue) -> String {
        switch label {
        case .number: label.classKey
        case .text(let s): jsonString(s)
        }
    }

    static func jsonString(_ s: String) -> String {
        var w = JSONWriter()
        w.string(s)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

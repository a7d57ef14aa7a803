import ArgumentParser
import Dispatch
import Foundation
import SlipwayMonitoring
import SlipwayRuntime
import Synchronization

struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Data drift between two CSV files (Evidently's tests), or concept drift on a stream (River's detectors).",
        subcommands: [DriftStreamCommand.self])

    @Option(help: "The reference CSV file (header row; an empty field is missing).")
    var reference: String?

    @Option(help: "The current CSV file.")
    var current: String?

    @Option(
        help:
            "One test for every column it fits (ks, chisquare, z, wasserstein, psi, jensenshannon, kl_div, hellinger, anderson, cramer_von_mises, mannw, t_test, ed, es, empirical_mmd, fisher_exact, g_test, TVD)."
    )
    var test: String?

    @Option(help: "A threshold for every column (default: each test's own).")
    var threshold: Double?

    @Option(help: "Only these columns, comma separated.")
    var columns: String?

    @Option(help: "Output format: json, or html (a self-contained page with histograms per column).")
    var format: String = "json"

    @Option(name: .shortAndLong, help: "Write the report here instead of standard output.")
    var output: String?

    func run() throws {
        try CLIExit.reporting {
            try DriftErrors.translating {
                guard format == "json" || format == "html" else {
                    throw InferenceError(.badRequest, "unknown --format '\(format)'; use json or html")
                }
                guard let reference, let current else {
                    throw InferenceError(.badRequest, "drift needs --reference REF.csv and --current CUR.csv (or the 'stream' subcommand)")
                }
                var options = DriftOptions(threshold: threshold)
                if let test {
                    guard let kind = StatTestKind(name: test) else {
                        throw InferenceError(
                            .badRequest, "unknown test '\(test)'; known: \(StatTestKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    options.test = kind
                }
                if let threshold, !threshold.isFinite {
                    throw InferenceError(.badRequest, "--threshold must be a finite number, got \(threshold)")
                }
                if let columns {
                    options.columns = columns.split(separator: ",").map { String($0) }
                }
                options.histograms = format == "html"
                let (ref, cur) = try DriftCSVFiles.read(reference: reference, current: current)
                let report = try DatasetDrift.run(
                    reference: ref, current: cur, options: options,
                    parallel: { count, body in DispatchQueue.concurrentPerform(iterations: count, execute: body) })
                if format == "html" {
                    let context = DriftReportContext(
                        title: "Data drift report",
                        details: [
                            "reference: \(reference) (\(ref.columns.first?.count ?? 0) rows)",
                            "current: \(current) (\(cur.columns.first?.count ?? 0) rows)",
                        ])
                    try writeOutput(Array(DriftReportHTML.render(report, context: context).utf8), to: output)
                } else {
                    try writeOutput(Array((report.json() + "\n").utf8), to: output)
                }
            }
        }
    }
}

struct DriftStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Run a concept-drift detector over a stream of values; prints the drift and warning indices.")

    @Option(help: "adwin, ddm, eddm, hddm_a, hddm_w, fhddm, page_hinkley or kswin.")
    var detector: String

    @Option(name: .customLong("param"), help: "A River constructor parameter, name=value (repeatable).")
    var params: [String] = []

    @Option(help: "A JSON array of numbers, or an object with \"values\" ('-' for standard input).")
    var input: String

    @Option(name: .shortAndLong, help: "Write the result here instead of standard output.")
    var output: String?

    func run() throws {
        try CLIExit.reporting {
            try DriftErrors.translating {
                guard let kind = DetectorKind(rawValue: detector) else {
                    throw InferenceError(
                        .badRequest, "unknown detector '\(detector)'; known: \(DetectorKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var parameters: [String: String] = [:]
                for p in params {
                    let parts = p.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, !parts[0].isEmpty else {
                        throw InferenceError(.badRequest, "--param must be name=value, got '\(p)'")
                    }
                    parameters[parts[0]] = parts[1]
                }
                let values = try StreamInput.parse(readInput(input), source: input)
                let trace = try kind.run(values, parameters: parameters)
                try writeOutput(Array((trace.json() + "\n").utf8), to: output)
            }
        }
    }
}

/// Maps the monitoring library's errors to `InferenceError` (and so to exit codes).
enum DriftErrors {
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DriftError {
            switch error.code {
            case .invalidInput, .unsupported: throw InferenceError(.badRequest, error.message)
            case .notFound: throw InferenceError(.notFound, error.message)
            }
        }
    }
}

/// Reads and parses the two CSV files of `slipway drift` at the same time (one thread each).
enum DriftCSVFiles {
    static func read(reference: String, current: String) throws -> (DataTable, DataTable) {
        let paths = [reference, current]
        let tables = ParsedTables()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let path = paths[index]
            do {
                let bytes = try readFile(path)
                tables.set(index, .success(try DataTable.parseCSV(bytes, source: path)))
            } catch {
                tables.set(index, .failure(error))
            }
        }
        return (try tables.get(0), try tables.get(1))
    }

    /// The whole file in one array, read in 16 MiB pieces (no second whole-file copy); '-' reads standard input.
    static func readFile(_ path: String) throws -> [UInt8] {
        if path == "-" { return try readInput(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InferenceError(.notFound, "cannot read '\(path)': no such file or not readable")
        }
        defer { try? handle.close() }
        do {
            let size = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(size)
            while let chunk = try handle.read(upToCount: 16 << 20), !chunk.isEmpty { bytes.append(contentsOf: chunk) }
            return bytes
        } catch {
            throw InferenceError(.badRequest, "cannot read '\(path)': \(error.localizedDescription)")
        }
    }
}

private final class ParsedTables: Sendable {
    private let slots = Mutex<[Result<DataTable, any Error>?]>([nil, nil])

    func set(_ index: Int, _ value: Result<DataTable, any Error>) { slots.withLock { $0[index] = value } }

    func get(_ index: Int) throws -> DataTable {
        guard let slot = slots.withLock({ $0[index] }) else { throw InferenceError(.badRequest, "file \(index) was not read") }
        return try slot.get()
    }
}

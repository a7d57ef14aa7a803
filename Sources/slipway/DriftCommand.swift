import ArgumentParser
import SlipwayMonitoring
import SlipwayRuntime

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

    @Option(help: "Output format: json (html is not supported yet).")
    var format: String = "json"

    @Option(name: .shortAndLong, help: "Write the report here instead of standard output.")
    var output: String?

    func run() throws {
        try CLIExit.reporting {
            try DriftErrors.translating {
                guard format == "json" else {
                    if format == "html" { throw InferenceError(.badRequest, "--format html is not supported yet; use json") }
                    throw InferenceError(.badRequest, "unknown --format '\(format)'; use json")
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
                let ref = try DataTable.parseCSV(readInput(reference), source: reference)
                let cur = try DataTable.parseCSV(readInput(current), source: current)
                let report = try DatasetDrift.run(reference: ref, current: cur, options: options)
                try writeOutput(Array((report.json() + "\n").utf8), to: output)
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

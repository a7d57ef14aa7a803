import ArgumentParser
import Foundation
import SlipwayRuntime

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a model's in-process latency on one V2 request (median, p90, p99, mean, rows/s, peak RSS).")

    @Argument(help: "The .onnx model file.")
    var model: String

    @Option(name: .shortAndLong, help: "The V2 inference request body to run (JSON file, or - for stdin).")
    var input: String

    @Option(help: "Timed runs.")
    var iterations = 1000

    @Option(help: "Untimed runs before timing.")
    var warmup = 100

    @Option(help: "Threads a kernel may use for one run (intra-op parallelism).")
    var threads = 1

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try CLIExit.reporting {
            guard FileManager.default.fileExists(atPath: model) else {
                throw InferenceError(.notFound, "model file '\(model)' does not exist")
            }
            let benchmark = try EngineBenchmark(iterations: iterations, warmup: warmup, threads: threads)
            let loaded = try LoadedModel.load(contentsOf: URL(fileURLWithPath: model))
            let request = try InferenceRequest.decode(json: try readInput(input))
            let result = try benchmark.run(loaded, request: request)
            print(json ? result.json() : result.text())
        }
    }
}

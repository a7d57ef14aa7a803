import ArgumentParser
import Foundation
import SlipwayRuntime

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run a model on a KServe V2 inference request and print the V2 response.")

    @Argument(help: "The .onnx model file.")
    var model: String

    @Option(name: .shortAndLong, help: "The V2 inference request body (JSON file, or - for stdin).")
    var input: String

    @Option(name: .shortAndLong, help: "Write the response here instead of stdout.")
    var output: String?

    func run() throws {
        try CLIExit.reporting {
            guard FileManager.default.fileExists(atPath: model) else {
                throw InferenceError(.notFound, "model file '\(model)' does not exist")
            }
            let loaded = try LoadedModel.load(contentsOf: URL(fileURLWithPath: model))
            let request = try InferenceRequest.decode(json: try readInput(input))
            var body = try loaded.infer(request).encodeJSON()
            if output == nil { body.append(UInt8(ascii: "\n")) }
            try writeOutput(body, to: output)
        }
    }
}

import ArgumentParser
import Foundation
import SlipwayRegistry
import SlipwayRuntime

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run a model on a KServe V2 inference request and print the V2 response.")

    @Argument(help: "A .onnx model file, or a registered model: NAME, NAME:VERSION or NAME@ALIAS.")
    var model: String

    @Option(name: .shortAndLong, help: "The V2 inference request body (JSON file, or - for stdin).")
    var input: String

    @Option(name: .shortAndLong, help: "Write the response here instead of stdout.")
    var output: String?

    @OptionGroup var data: DataDirOptions

    func run() throws {
        try CLIExit.reporting {
            let loaded: LoadedModel
            if model.hasSuffix(".onnx") || model.contains("/") {
                guard FileManager.default.fileExists(atPath: model) else {
                    throw InferenceError(.notFound, "model file '\(model)' does not exist")
                }
                loaded = try LoadedModel.load(contentsOf: URL(fileURLWithPath: model))
            } else {
                _ = try ModelSelector(parsing: model)
                loaded = try data.open().load(model)
            }
            let request = try InferenceRequest.decode(json: try readInput(input))
            var body = try loaded.infer(request).encodeJSON()
            if output == nil { body.append(UInt8(ascii: "\n")) }
            try writeOutput(body, to: output)
        }
    }
}

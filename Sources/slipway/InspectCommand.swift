import ArgumentParser
import Foundation
import SlipwayRuntime

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's inputs, outputs, opsets, operators, size and producer.")

    @Argument(help: "The .onnx model file.")
    var model: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try CLIExit.reporting {
            guard FileManager.default.fileExists(atPath: model) else {
                throw InferenceError(.notFound, "model file '\(model)' does not exist")
            }
            let loaded = try LoadedModel.load(contentsOf: URL(fileURLWithPath: model))
            let report = ModelReport(loaded)
            print(json ? report.json() : report.text())
        }
    }
}

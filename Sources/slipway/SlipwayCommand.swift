import ArgumentParser
import SlipwayRuntime

@main
struct SlipwayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Serve, version, watch and protect machine-learning models.",
        version: SlipwayRuntime.version,
        subcommands: [
            InspectCommand.self, PredictCommand.self, BenchCommand.self, ModelsCommand.self, DriftCommand.self,
        ])
}

import ArgumentParser
import SlipwayRuntime

@main
struct SlipwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Serve, version, watch and protect machine-learning models.",
        version: SlipwayRuntime.version,
        subcommands: [
            ServeCommand.self, InspectCommand.self, PredictCommand.self, BenchCommand.self, ModelsCommand.self,
            DriftCommand.self,
            KeysCommand.self, AuditCommand.self, PrivacyCommand.self,
            EventsCommand.self,
            LogsCommand.self, AlertsCommand.self,
        ])
}

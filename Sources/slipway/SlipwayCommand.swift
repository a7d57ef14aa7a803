import ArgumentParser

@main
struct SlipwayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Serve, version, watch and protect machine-learning models.",
        subcommands: [])
}

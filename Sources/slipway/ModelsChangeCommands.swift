import ArgumentParser
import Foundation
import SlipwayRegistry
import SlipwayRuntime

/// `slipway models alias set|delete`
struct ModelsAliasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias", abstract: "Point an alias (production, staging, champion…) at a version, or delete it.",
        subcommands: [Set.self, Delete.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Point ALIAS at VERSION of NAME (creating or moving it, in one transaction).")

        @Argument(help: "The model name.")
        var name: String

        @Argument(help: "The alias: [a-z][a-z0-9_-]{0,62}.")
        var alias: String

        @Argument(help: "The version number.")
        var version: String

        @OptionGroup var options: RegistryOptions

        func run() throws {
            try CLIExit.reporting {
                guard let number = Int(version), number >= 1 else {
                    throw InferenceError.badRequest("invalid version '\(version)': it must be a positive integer")
                }
                let service = try options.open()
                let previous = try service.setAlias(alias, model: name, version: number, actor: options.who)
                if options.json {
                    try options.printJSON(try service.resolve("\(name)@\(alias)"))
                } else {
                    print("\(name)@\(alias) → \(number)" + (previous.map { $0 == number ? " (unchanged)" : " (was \($0))" } ?? " (new)"))
                }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete ALIAS of NAME.")

        @Argument(help: "The model name.")
        var name: String

        @Argument(help: "The alias.")
        var alias: String

        @OptionGroup var options: RegistryOptions

        func run() throws {
            try CLIExit.reporting {
                let previous = try options.open().deleteAlias(alias, model: name, actor: options.who)
                if options.json {
                    print("{\"model\":\"\(name)\",\"alias\":\"\(alias)\",\"deleted\":true,\"was\":\(previous)}")
                } else {
                    print("deleted \(name)@\(alias) (was \(previous))")
                }
            }
        }
    }
}

/// `slipway models tag NAME[:VERSION] k=v…`
struct ModelsTagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Set tags on a model (NAME) or a version (NAME:VERSION or NAME@ALIAS); k= removes tag k.")

    @Argument(help: "NAME, NAME:VERSION or NAME@ALIAS.")
    var selector: String

    @Argument(help: "One or more key=value.")
    var tags: [String] = []

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            let parsed = try ModelSelector(parsing: selector)
            let assignments = try RegistryNames.parseAssignments(tags, kind: "tag")
            let service = try options.open()
            let version = try service.tag(parsed, tags: assignments, actor: options.who)?.version
            if options.json {
                if let version {
                    try options.printJSON(try service.resolve("\(parsed.model):\(version)"))
                } else {
                    try options.printJSON(try service.model(named: parsed.model))
                }
            } else {
                print("tagged \(version.map { "\(parsed.model):\($0)" } ?? parsed.model): \(RegistryText.pairs(assignments))")
            }
        }
    }
}

/// `slipway models archive NAME:VERSION`
struct ModelsArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Archive a version: kept, but skipped by NAME selectors and never an alias target.")

    @Argument(help: "NAME:VERSION.")
    var selector: String

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            let parsed = try ModelSelector(parsing: selector)
            guard case .version(let number) = parsed.target else {
                throw InferenceError.badRequest("archive needs an explicit version: NAME:VERSION, got '\(selector)'")
            }
            let version = try options.open().archive(model: parsed.model, version: number, actor: options.who)
            if options.json { try options.printJSON(version) } else { print("archived \(version.selector)") }
        }
    }
}

/// `slipway models export NAME:VERSION -o BUNDLE.zip`
struct ModelsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a version to a ZIP bundle (manifest, model, reference dataset, card), hashes verified.")

    @Argument(help: "NAME:VERSION (or NAME, NAME@ALIAS).")
    var selector: String

    @Option(name: .shortAndLong, help: "The bundle to write (.zip).")
    var output: String

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            _ = try ModelSelector(parsing: selector)
            let manifest = try options.open().export(selector, to: URL(fileURLWithPath: output))
            if options.json {
                try options.printJSON(manifest)
            } else {
                print("exported \(manifest.version.selector) to \(output) (model sha256:\(manifest.version.artifact.sha256))")
            }
        }
    }
}

/// `slipway models import BUNDLE.zip [--as NAME]`
struct ModelsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Register a bundle as the next version of its model (or of --as NAME); prints the version number.")

    @Argument(help: "The bundle (.zip) written by `slipway models export`.")
    var bundle: String

    @Option(name: .customLong("as"), help: "Register under this name instead of the bundle's.")
    var name: String?

    @Option(name: .customLong("alias"), help: "Point this alias at the imported version (repeatable).")
    var aliases: [String] = []

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            if let name { try RegistryNames.validateModelName(name) }
            let version = try options.open().importBundle(URL(fileURLWithPath: bundle), as: name, aliases: aliases, actor: options.who)
            if options.json { try options.printJSON(version) } else { print(version.version) }
        }
    }
}

/// `slipway models verify`
struct ModelsVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the registry: every version's artifacts present with the recorded size and SHA-256, and loadable by the engine.")

    @Flag(help: "Skip loading each ready version with the engine (hashes only).")
    var noLoad = false

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            let report = try options.open().verify(load: !noLoad)
            if options.json {
                try options.printJSON(report)
            } else {
                print(
                    "\(report.versions) versions, \(report.artifactsChecked) artifacts checked; \(report.problems.count) problems, \(report.unreferenced.count) unreferenced artifacts, \(report.temporaryFiles.count) temporary files"
                )
                for p in report.problems { print("problem: \(p)") }
            }
            if !report.isConsistent {
                throw InferenceError(.integrity, "the registry is inconsistent: \(report.problems.count) problem(s); first: \(report.problems[0])")
            }
        }
    }
}

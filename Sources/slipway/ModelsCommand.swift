import ArgumentParser
import Foundation
import SlipwayRegistry
import SlipwayRuntime

/// `slipway models …`: the model registry.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Register, version, alias, tag, archive, export and import models.",
        subcommands: [
            ModelsRegisterCommand.self, ModelsListCommand.self, ModelsShowCommand.self, ModelsHistoryCommand.self, ModelsAliasCommand.self,
            ModelsTagCommand.self, ModelsArchiveCommand.self, ModelsExportCommand.self, ModelsImportCommand.self, ModelsVerifyCommand.self,
        ])
}

/// `--data-dir`, shared by every command that reads the registry.
struct DataDirOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The registry's data directory (default: $SLIPWAY_DATA_DIR, else ./slipway-data).")
    var dataDir: String?

    var url: URL {
        let env = ProcessInfo.processInfo.environment["SLIPWAY_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        return URL(fileURLWithPath: dataDir ?? env ?? "slipway-data")
    }

    /// The registry, with the data key (``DataKeyRing``) when one is configured: reference datasets are
    /// stored encrypted and read back transparently.
    func open() throws -> ModelRegistryService { try open(sealer: try DataKeyRing.sealer(dataDirectory: url)) }

    func open(sealer: DataSealer?) throws -> ModelRegistryService { try ModelRegistryService.open(dataDirectory: url, sealer: sealer) }
}

/// Options every `models` subcommand takes: `--data-dir`, `--json`, `--actor`.
struct RegistryOptions: ParsableArguments {
    @OptionGroup var data: DataDirOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Who the history records for a change (default: $SLIPWAY_ACTOR, else $USER).")
    var actor: String?

    var who: String {
        let env = ProcessInfo.processInfo.environment
        return actor ?? [env["SLIPWAY_ACTOR"], env["USER"]].compactMap { $0 }.first { !$0.isEmpty } ?? "uid:\(getuid())"
    }

    func open() throws -> ModelRegistryService { try data.open() }

    /// Prints a record as one line of JSON.
    func printJSON<T: Encodable>(_ value: T) throws {
        print(try RegistryJSON.string(value))
    }
}

/// Renders records as text for people.
enum RegistryText {
    static func date(_ d: Date) -> String { d.formatted(Date.ISO8601FormatStyle()) }

    static func shape(_ s: [Int]?) -> String {
        guard let s else { return "?" }
        return "[" + s.map { $0 < 0 ? "N" : String($0) }.joined(separator: ", ") + "]"
    }

    static func pairs(_ d: [String: String]) -> String {
        d.isEmpty ? "-" : d.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func version(_ v: ModelVersion) -> String {
        var lines: [String] = []
        lines.append("model       \(v.model)")
        lines.append("version     \(v.version) (\(v.status.rawValue))")
        lines.append("aliases     \(v.aliases.isEmpty ? "-" : v.aliases.joined(separator: ", "))")
        lines.append("artifact    sha256:\(v.artifact.sha256) (\(v.artifact.size) bytes, \(v.format))")
        lines.append("opsets      " + v.opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("inputs")
        for t in v.signature.inputs { lines.append("  \(t.name)  \(t.datatype)  \(shape(t.shape))") }
        lines.append("outputs")
        for t in v.signature.outputs { lines.append("  \(t.name)  \(t.datatype)  \(shape(t.shape))") }
        lines.append("created     \(date(v.lineage.createdAt)) by \(v.lineage.createdBy)")
        lines.append("source      \(v.lineage.source ?? "-")")
        lines.append("data        \(v.lineage.dataDigest.map { "sha256:\($0)" } ?? "-")")
        lines.append("parameters  \(pairs(v.lineage.parameters))")
        lines.append("metrics     \(pairs(v.lineage.metrics.mapValues { String($0) }))")
        lines.append("tags        \(pairs(v.tags))")
        if let r = v.reference {
            lines.append(
                "reference   \(r.format.rawValue), \(r.rows) rows, columns \(r.columns.joined(separator: ", ")) (sha256:\(r.artifact.sha256))")
        } else {
            lines.append("reference   -")
        }
        if let e = v.example {
            lines.append("example     ran: " + e.outputs.map { "\($0.name) \($0.datatype) \(shape($0.shape))" }.joined(separator: ", "))
        }
        if let card = v.card {
            lines.append("card")
            lines.append(contentsOf: card.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" })
        }
        return lines.joined(separator: "\n")
    }
}

/// `slipway models register NAME MODEL.onnx …`
struct ModelsRegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a model file as the next version of NAME; prints the version number.",
        discussion: "The model is loaded by the engine first; a reference dataset must fit its inputs. Nothing is stored unless all checks pass.")

    @Argument(help: "Model name: [a-z0-9][a-z0-9._-]{0,63}.")
    var name: String

    @Argument(help: "The .onnx model file.")
    var model: String

    @Option(help: "Reference dataset for drift monitoring: CSV with a header (.csv) or JSON Lines (.jsonl).")
    var reference: String?

    @Option(help: "Model card (Markdown file).")
    var card: String?

    @Option(help: "A V2 inference request to run once at registration; the outputs' shapes are recorded.")
    var example: String?

    @Option(help: "Description of the model (set when given).")
    var description: String = ""

    @Option(name: .customLong("param"), help: "Training parameter key=value (repeatable).")
    var params: [String] = []

    @Option(name: .customLong("metric"), help: "Training metric key=number (repeatable).")
    var metrics: [String] = []

    @Option(help: "Code revision or URL the model was trained from.")
    var source: String?

    @Option(name: .customLong("data-digest"), help: "SHA-256 of the training data.")
    var dataDigest: String?

    @Option(name: .customLong("data"), help: "Training data file; its SHA-256 is recorded.")
    var dataFile: String?

    @Option(name: .customLong("alias"), help: "Point this alias at the new version (repeatable).")
    var aliases: [String] = []

    @Option(name: .customLong("tag"), help: "Version tag key=value (repeatable).")
    var tags: [String] = []

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            let registration = ModelRegistryService.Registration(
                name: name, model: URL(fileURLWithPath: model), reference: reference.map { URL(fileURLWithPath: $0) },
                card: card.map { URL(fileURLWithPath: $0) }, example: example.map { URL(fileURLWithPath: $0) }, description: description,
                parameters: try RegistryNames.parseAssignments(params, kind: "parameter"), metrics: try RegistryNames.parseMetrics(metrics),
                source: source, dataDigest: dataDigest, dataFile: dataFile.map { URL(fileURLWithPath: $0) }, aliases: aliases,
                tags: try RegistryNames.parseAssignments(tags, kind: "tag"), actor: options.who)
            try RegistryNames.validateModelName(name)
            let service = try options.open()
            let version = try service.register(registration)
            if options.json { try options.printJSON(version) } else { print(version.version) }
        }
    }
}

/// `slipway models list [NAME]`
struct ModelsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List models, or with NAME the versions of one model.")

    @Argument(help: "A model name: list its versions.")
    var name: String?

    @Option(help: "With NAME: only the newest N versions.")
    var limit: Int?

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            if let limit, limit < 1 { throw InferenceError.badRequest("--limit must be at least 1, got \(limit)") }
            let service = try options.open()
            if let name {
                let versions = try service.versions(of: name, limit: limit)
                if options.json { return try options.printJSON(versions) }
                var rows = [["VERSION", "STATUS", "CREATED", "BY", "SHA256", "SIZE", "ALIASES", "TAGS"]]
                for v in versions {
                    rows.append([
                        String(v.version), v.status.rawValue, RegistryText.date(v.lineage.createdAt), v.lineage.createdBy,
                        String(v.artifact.sha256.prefix(12)), String(v.artifact.size), v.aliases.isEmpty ? "-" : v.aliases.joined(separator: ","),
                        RegistryText.pairs(v.tags),
                    ])
                }
                print(RegistryText.table(rows))
            } else {
                let models = try service.models()
                if options.json { return try options.printJSON(models) }
                var rows = [["NAME", "VERSIONS", "LATEST", "ALIASES", "UPDATED", "DESCRIPTION"]]
                for m in models {
                    rows.append([
                        m.name, String(m.versionCount), m.latestVersion.map(String.init) ?? "-",
                        m.aliases.isEmpty ? "-" : m.aliases.sorted { $0.key < $1.key }.map { "\($0.key)→\($0.value)" }.joined(separator: ","),
                        RegistryText.date(m.updatedAt), m.description.isEmpty ? "-" : m.description,
                    ])
                }
                print(RegistryText.table(rows))
            }
        }
    }
}

/// `slipway models show NAME[:VERSION|@ALIAS]`
struct ModelsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a version: NAME (the newest ready one), NAME:VERSION or NAME@ALIAS.")

    @Argument(help: "NAME, NAME:VERSION or NAME@ALIAS.")
    var selector: String

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            _ = try ModelSelector(parsing: selector)
            let version = try options.open().resolve(selector)
            if options.json { try options.printJSON(version) } else { print(RegistryText.version(version)) }
        }
    }
}

/// `slipway models history NAME`
struct ModelsHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show a model's append-only history: creations, alias moves, tag changes, archives.")

    @Argument(help: "The model name.")
    var name: String

    @OptionGroup var options: RegistryOptions

    func run() throws {
        try CLIExit.reporting {
            let events = try options.open().history(of: name)
            if options.json { return try options.printJSON(events) }
            var rows = [["#", "TIME", "ACTOR", "EVENT", "VERSION", "DETAIL"]]
            for e in events {
                rows.append([
                    String(e.sequence), RegistryText.date(e.at), e.actor, e.kind.rawValue, e.version.map(String.init) ?? "-",
                    RegistryText.pairs(e.detail),
                ])
            }
            print(RegistryText.table(rows))
        }
    }
}

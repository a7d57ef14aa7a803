import ArgumentParser
import Foundation
import SlipwayMonitoring
import SlipwayRuntime
import SlipwaySecurity

/// `slipway privacy`: a data subject's rights.
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy", abstract: "Erase a data subject's rows.", subcommands: [PrivacyEraseCommand.self])
}

/// `slipway privacy erase --model M --field F --value V`
struct PrivacyEraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Remove every prediction and feedback row of a model whose input field equals a value; the erasure is audited.",
        discussion: """
            Fields kept as a keyed hash (pii: {FIELD: hash}) match by the hash of the value. The audit trail records the \
            model, the field, the keyed hash of the value (never the value) and the counts.
            """)

    @OptionGroup var options: SecurityOptions

    @Option(help: "The model.")
    var model: String

    @Option(help: "The input field that identifies the subject.")
    var field: String

    @Option(help: "The value of that field.")
    var value: String

    func run() throws {
        try CLIExit.reporting {
            let database = try options.open()
            let erasure = try ErasableStores.erasure(dataDirectory: options.data.url, hashKey: try database.privacyHashKey())
            let request = try erasure.request(model: model, field: field, value: value)
            // Recorded first (inside): an erasure that cannot be audited does not run.
            let report = try erasure.erase(request, actor: options.who) { event in _ = try database.audit.appendNow(event) }
            if options.json {
                try options.printJSON(
                    ErasureRow(model: model, field: field, erased: report.erased, stores: report.stores, failures: report.failures))
            } else {
                let rows = report.erased.values.reduce(0, +) == 0 ? "no rows" : report.summary
                let stores = report.stores.isEmpty ? "none" : report.stores.joined(separator: ", ")
                print("erased from model \(model) where \(field) matches: \(rows) (stores: \(stores))")
            }
            if !report.failures.isEmpty {
                throw InferenceError(.unavailable, "erasure incomplete: \(report.failures.joined(separator: "; "))")
            }
        }
    }

    struct ErasureRow: Encodable {
        var model, field: String
        var erased: [String: Int]
        var stores: [String]
        var failures: [String]
    }
}

/// The stores holding subjects' data in a data directory: the registry (to check the model and its inputs)
/// and the prediction log, opened with the data key when one is configured (sealed rows are decoded to match).
enum ErasableStores {
    static func erasure(dataDirectory: URL, hashKey: [UInt8]) throws -> SubjectErasure {
        let sealer = try DataKeyRing.sealer(dataDirectory: dataDirectory)
        let registry = try ModelRegistryService.open(dataDirectory: dataDirectory, sealer: sealer)
        let path = dataDirectory.appendingPathComponent(PredictionLogStore.fileName).path
        var log: PredictionLogStore?
        if FileManager.default.fileExists(atPath: path) {
            do {
                log = try PredictionLogStore(path: path, sealer: sealer)
            } catch {
                throw InferenceError(error)
            }
        }
        return SubjectErasure(registry: registry, predictionLog: log, hashKey: hashKey)
    }
}

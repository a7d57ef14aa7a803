import ArgumentParser
import Foundation
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
            let hashed = PIIRedactor(key: try database.privacyHashKey(), fields: [:]).hash(value)
            let request = ErasureRequest(model: model, field: field, value: value, hashedValue: hashed)
            let stores = ErasableStores.open(dataDirectory: options.data.url)
            // Recorded first: an erasure that cannot be audited does not run.
            try database.audit.appendNow(
                AuditEvent(actor: options.who, action: "privacy.erase.begin", model: model, detail: "field=\(field) value=\(hashed)"))
            var counts: [String: Int] = [:]
            var failures: [String] = []
            for store in stores {
                do {
                    for (kind, count) in try store.erase(request) { counts[kind, default: 0] += count }
                } catch {
                    failures.append("\(store.name): \(error)")
                }
            }
            let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            try database.audit.appendNow(
                AuditEvent(
                    actor: options.who, action: "privacy.erase", model: model, status: failures.isEmpty ? 0 : 1,
                    detail: "field=\(field) value=\(hashed) \(summary.isEmpty ? "rows=0" : summary)"
                        + (failures.isEmpty ? "" : " failed=\(failures.joined(separator: "; "))")))
            if options.json {
                try options.printJSON(ErasureRow(model: model, field: field, erased: counts, stores: stores.map(\.name), failures: failures))
            } else {
                print(
                    "erased from model \(model) where \(field) matches: \(summary.isEmpty ? "no rows" : summary) (stores: \(stores.isEmpty ? "none" : stores.map(\.name).joined(separator: ", ")))"
                )
            }
            if !failures.isEmpty { throw InferenceError(.unavailable, "erasure incomplete: \(failures.joined(separator: "; "))") }
        }
    }

    struct ErasureRow: Encodable {
        var model, field: String
        var erased: [String: Int]
        var stores: [String]
        var failures: [String]
    }
}

/// The stores holding subjects' data in a data directory. The prediction log (monitoring) adds itself here
/// when it lands; until then there is nothing to erase.
enum ErasableStores {
    static func open(dataDirectory: URL) -> [any ErasableStore] { [] }
}

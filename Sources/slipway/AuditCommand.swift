import ArgumentParser
import Foundation
import SlipwayRuntime
import SlipwaySecurity

/// `slipway audit`: check and export the tamper-evident audit trail.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify and export the audit trail.", subcommands: [AuditVerifyCommand.self, AuditExportCommand.self])
}

/// `slipway audit verify`
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit trail's hash chain; names the first edited, removed or reordered entry (exit 6).")

    @OptionGroup var options: SecurityOptions

    func run() throws {
        try CLIExit.reporting {
            let result = try options.open().audit.verify()
            if options.json {
                try options.printJSON(
                    VerifyRow(intact: result.isIntact, entries: result.entries, firstBad: result.fault?.seq, reason: result.fault?.reason))
            } else if result.isIntact {
                print("audit trail intact: \(result.entries) entries")
            }
            if let fault = result.fault { throw SecurityError(.integrity, "audit trail broken at \(fault)") }
        }
    }

    struct VerifyRow: Encodable {
        var intact: Bool
        var entries: Int
        var firstBad: Int?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case intact, entries
            case firstBad = "first_bad"
            case reason
        }
    }
}

/// `slipway audit export --since T`
struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the audit entries since a time as JSON Lines (with their hashes, for auditors).")

    @OptionGroup var data: DataDirOptions

    @Option(help: "The earliest time: ISO 8601 time or date, or a duration ago (7d, 12h). Default: everything.")
    var since: String?

    @Option(name: .shortAndLong, help: "The output file (default: standard output).")
    var output: String?

    func run() throws {
        try CLIExit.reporting {
            let start = try since.map { text throws(SecurityError) in try Timestamp.parse(userTime: text, relativeSign: -1) }
            let database = try SecurityDatabase.open(dataDirectory: data.url)
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                    throw InferenceError(.badRequest, "cannot write '\(output)'")
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var buffer = Data()
            try database.audit.export(since: start) { entry in
                buffer.append(try encoder.encode(entry))
                buffer.append(0x0A)
                if buffer.count >= 1 << 16 {
                    handle.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            handle.write(buffer)
            if output != nil { try handle.close() }
        }
    }
}

import ArgumentParser
import Foundation
import SlipwayRuntime
import SlipwaySecurity

/// `slipway keys`: API keys (create, list, revoke) and the data key for encryption at rest.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys; rotate the data-encryption key.",
        discussion: """
            Keys live in security.sqlite in the data directory, as a salted hash: the key itself is printed once, by 'create'. \
            Requests send it as 'Authorization: Bearer <key>'. Authentication is on as soon as one key exists.
            """,
        subcommands: [KeysCreateCommand.self, KeysListCommand.self, KeysRevokeCommand.self, KeysRotateDataKeyCommand.self])
}

/// Options every security command takes: `--data-dir`, `--json`, `--actor`.
struct SecurityOptions: ParsableArguments {
    @OptionGroup var data: DataDirOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Who the audit trail records for a change (default: $SLIPWAY_ACTOR, else $USER).")
    var actor: String?

    var who: String {
        let env = ProcessInfo.processInfo.environment
        return "cli:" + (actor ?? [env["SLIPWAY_ACTOR"], env["USER"]].compactMap { $0 }.first { !$0.isEmpty } ?? "uid:\(getuid())")
    }

    func open() throws -> SecurityDatabase { try SecurityDatabase.open(dataDirectory: data.url) }

    /// Prints one value as one line of JSON.
    func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(date))
        }
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// `slipway keys create --name N --role R [--model M]... [--expires T] [--json]`
struct KeysCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an API key and print it (once: only its salted hash is stored).")

    @OptionGroup var options: SecurityOptions

    @Option(help: "What the key is for.")
    var name: String

    @Option(help: "admin, deployer, predictor or viewer.")
    var role: String

    @Option(name: .customLong("model"), help: "A model the key may use (repeatable; default: every model).")
    var models: [String] = []

    @Option(help: "When the key stops working: an ISO 8601 time or date, or a duration from now (30d, 12h).")
    var expires: String?

    func run() throws {
        try CLIExit.reporting {
            let parsedRole = try Role(parsing: role)
            let expiresAt = try expires.map { text throws(SecurityError) in try Timestamp.parse(userTime: text, relativeSign: 1) }
            let issued = try options.open().keys.create(name: name, role: parsedRole, models: models, expiresAt: expiresAt, actor: options.who)
            if options.json {
                try options.printJSON(["id": issued.key.id, "key": issued.text, "role": issued.key.role.rawValue])
            } else {
                print(issued.text)
                var note = "key \(issued.key.id) (\(issued.key.role.rawValue)"
                if !issued.key.models.isEmpty { note += ", models \(issued.key.models.joined(separator: ", "))" }
                if let expiresAt = issued.key.expiresAt { note += ", expires \(Timestamp.string(expiresAt))" }
                note += ") created; the key is shown only now: store it safely\n"
                FileHandle.standardError.write(Data(note.utf8))
            }
        }
    }
}

/// `slipway keys list`
struct KeysListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the API keys (never their secrets).")

    @OptionGroup var options: SecurityOptions

    func run() throws {
        try CLIExit.reporting {
            let keys = try options.open().keys.list()
            if options.json {
                for key in keys { try options.printJSON(KeyRow(key)) }
                return
            }
            var rows = [["ID", "NAME", "ROLE", "MODELS", "STATUS", "CREATED", "EXPIRES"]]
            for key in keys {
                rows.append([
                    key.id, key.name, key.role.rawValue, key.models.isEmpty ? "*" : key.models.joined(separator: ","), key.status(),
                    Timestamp.string(key.createdAt), key.expiresAt.map(Timestamp.string) ?? "-",
                ])
            }
            print(RegistryText.table(rows))
        }
    }

    struct KeyRow: Encodable {
        var id, name, role, status, created: String
        var models: [String]
        var expires, revoked: String?

        init(_ key: APIKey) {
            id = key.id
            name = key.name
            role = key.role.rawValue
            status = key.status()
            created = Timestamp.string(key.createdAt)
            models = key.models
            expires = key.expiresAt.map(Timestamp.string)
            revoked = key.revokedAt.map(Timestamp.string)
        }
    }
}

/// `slipway keys revoke ID`
struct KeysRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke an API key (a running server stops accepting it within a second).")

    @OptionGroup var options: SecurityOptions

    @Argument(help: "The key's id (the 12 hex digits after 'sw_').")
    var id: String

    func run() throws {
        try CLIExit.reporting {
            let key = try options.open().keys.revoke(id: id, actor: options.who)
            if options.json { try options.printJSON(KeysListCommand.KeyRow(key)) } else { print("revoked key \(key.id) (\(key.name))") }
        }
    }
}

/// `slipway keys rotate-data-key [--key-file F]`
struct KeysRotateDataKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-data-key",
        abstract: "Add a new data-encryption key to the key ring (creating the ring if needed); new records use it.",
        discussion: """
            The key ring is a file of '<id> <base64 key>' lines; the last one seals new records, every one opens old records. \
            A server started with the new ring re-encrypts stored records in the background; keep the old keys in the ring \
            until its log says the re-encryption has finished. Point 'security.encryption.key_file' in slipway.yaml at the file.
            """)

    @OptionGroup var options: SecurityOptions

    @Option(help: "The key-ring file (default: $SLIPWAY_DATA_KEY_FILE, else DATA_DIR/data.key).")
    var keyFile: String?

    func run() throws {
        try CLIExit.reporting {
            let env = ProcessInfo.processInfo.environment["SLIPWAY_DATA_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            let url = URL(fileURLWithPath: keyFile ?? env ?? options.data.url.appendingPathComponent("data.key").path)
            var text = ""
            var previous: String?
            if FileManager.default.fileExists(atPath: url.path) {
                let ring = try DataCipher(contentsOf: url)
                previous = ring.currentKeyID
                text = String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self)
                if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
            }
            let (id, line) = DataCipher.newKeyLine()
            text += line + "\n"
            // The audit entry first: a rotation that cannot be recorded does not happen.
            try options.open().audit.appendNow(
                AuditEvent(actor: options.who, action: "keys.rotate-data-key", detail: "file=\(url.path) new=\(id) previous=\(previous ?? "-")"))
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url, options: .atomic)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            } catch {
                throw InferenceError(.badRequest, "cannot write the key ring '\(url.path)': \(error.localizedDescription)")
            }
            _ = try DataCipher(contentsOf: url)
            if options.json {
                try options.printJSON(["key_id": id, "previous_key_id": previous ?? "", "key_file": url.path])
            } else {
                print(
                    "data key \(id) added to \(url.path)"
                        + (previous.map { "; records sealed with \($0) are re-encrypted by the server in the background" } ?? ""))
            }
        }
    }
}

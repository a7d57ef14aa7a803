import ArgumentParser
import Foundation
import SlipwayMonitoring
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
        subcommands: [
            KeysCreateCommand.self, KeysListCommand.self, KeysRevokeCommand.self, KeysRotateDataKeyCommand.self, KeysReencryptCommand.self,
        ])
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
            A running server re-reads the file within seconds and re-encrypts stored records in the background ('slipway keys \
            reencrypt' does it now, without a server); keep the old keys in the ring until the server's log (or reencrypt) says \
            the re-encryption has finished. The server and the commands find the ring at security.encryption.key_file \
            (slipway.yaml), $SLIPWAY_DATA_KEY_FILE, $SLIPWAY_DATA_KEY, else DATA_DIR/data.key.
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
                        + (previous.map {
                            "; records sealed with \($0) are re-encrypted by a running server in the background, or now by 'slipway keys reencrypt'"
                        } ?? ""))
            }
        }
    }
}

/// `slipway keys reencrypt [--key-file F]`
struct KeysReencryptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reencrypt",
        abstract: "Re-encrypt every stored record (prediction log payloads, feedback, reference datasets) under the newest data key now.",
        discussion: """
            Plain records (stored before a data key was configured) are encrypted too. A running server does the same in the \
            background; this command is for a stopped server, or to know when the older keys may leave the ring. The ring is read \
            as the server reads it: --key-file, else $SLIPWAY_DATA_KEY_FILE, $SLIPWAY_DATA_KEY, else DATA_DIR/data.key. Audited.
            """)

    @OptionGroup var options: SecurityOptions

    @Option(help: "The key-ring file (default: as the server finds it).")
    var keyFile: String?

    @Option(help: "Records per transaction.")
    var batchSize = 500

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() async throws {
        let (cipher, stores, database) = try CLIExit.reporting { () throws -> (DataCipher, [any ResealableStore], SecurityDatabase) in
            let directory = options.data.url
            let cipher: DataCipher
            if let keyFile {
                cipher = try DataCipher(contentsOf: URL(fileURLWithPath: keyFile))
            } else if let ring = try DataKeyRing.load(dataDirectory: directory) {
                cipher = ring.cipher
            } else {
                throw InferenceError(
                    .notFound,
                    "no data key is configured: pass --key-file, set $SLIPWAY_DATA_KEY_FILE or $SLIPWAY_DATA_KEY, or run 'slipway keys rotate-data-key'"
                )
            }
            let sealer = DataSealer(cipher: cipher)
            var stores: [any ResealableStore] = [ReferenceDatasetSealing(registry: try options.data.open(sealer: sealer).registry)]
            let path = directory.appendingPathComponent(PredictionLogStore.fileName).path
            if FileManager.default.fileExists(atPath: path) {
                do throws(PredictionLogError) {
                    let log = try PredictionLogStore(path: path, sealer: sealer)
                    stores.insert(PredictionLogPrivacy(store: log), at: 0)
                } catch {
                    throw InferenceError(error)
                }
            }
            let database = try options.open()
            try database.audit.appendNow(
                AuditEvent(actor: options.who, action: "keys.reencrypt.begin", detail: "key=\(cipher.currentKeyID)"))
            return (cipher, stores, database)
        }
        let outcomes = await DataKeyRotation.reseal(stores, with: cipher, batchSize: batchSize)
        try CLIExit.reporting {
            let failures = outcomes.compactMap { outcome in outcome.failure.map { "\(outcome.store): \($0)" } }
            let summary = outcomes.map { "\($0.store)=\($0.records)" }.joined(separator: " ")
            try database.audit.appendNow(
                AuditEvent(
                    actor: options.who, action: "keys.reencrypt", status: failures.isEmpty ? 0 : 1,
                    detail: "key=\(cipher.currentKeyID) \(summary)" + (failures.isEmpty ? "" : " failed=\(failures.joined(separator: "; "))")))
            if options.json {
                var row: [String: String] = ["key_id": cipher.currentKeyID, "complete": failures.isEmpty ? "true" : "false"]
                for outcome in outcomes { row[outcome.store.replacingOccurrences(of: " ", with: "_")] = String(outcome.records) }
                try options.printJSON(row)
            } else {
                for outcome in outcomes {
                    print("\(outcome.store): \(outcome.records) record(s) re-encrypted under data key \(cipher.currentKeyID)")
                }
                if failures.isEmpty {
                    print("every stored record is sealed with data key \(cipher.currentKeyID): older keys may now be removed from the ring")
                }
            }
            if !failures.isEmpty { throw InferenceError(.integrity, "re-encryption incomplete: \(failures.joined(separator: "; "))") }
        }
    }
}

public import Foundation
public import SlipwaySecurity

/// Where the data-key ring (encryption at rest) comes from, the same way for `slipway serve` and every
/// command that reads stored data: `security.encryption.key_file` in the configuration, else the file named
/// by `$SLIPWAY_DATA_KEY_FILE`, else the ring itself in `$SLIPWAY_DATA_KEY` (or the variable
/// `security.encryption.key_env` names; lines or comma-separated), else `DATA_DIR/data.key` when it exists
/// (where `slipway keys rotate-data-key` writes by default). None of them: no encryption.
public struct DataKeyRing: Sendable {
    /// The environment variable naming a key-ring file.
    public static let fileEnvironment = "SLIPWAY_DATA_KEY_FILE"
    /// The key-ring file in the data directory used when nothing else is set.
    public static let defaultFileName = "data.key"

    /// The keys.
    public var cipher: DataCipher
    /// The file the ring was read from (nil: from the environment); a running server re-reads it.
    public var file: URL?

    public init(cipher: DataCipher, file: URL?) {
        self.cipher = cipher
        self.file = file
    }

    /// The ring to use, or nil when none is configured; a ring that is configured but cannot be read or
    /// parsed is an error (never a silent switch to plain storage).
    public static func load(
        settings: SecuritySettings = SecuritySettings(), dataDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecurityError) -> DataKeyRing? {
        if let path = settings.encryptionKeyFile ?? environment[fileEnvironment].flatMap({ $0.isEmpty ? nil : $0 }) {
            let url = URL(fileURLWithPath: path)
            return DataKeyRing(cipher: try DataCipher(contentsOf: url), file: url)
        }
        if let text = environment[settings.encryptionKeyEnvironment], !text.isEmpty {
            return DataKeyRing(
                cipher: try DataCipher(keyRing: text.replacingOccurrences(of: ",", with: "\n"), source: "$\(settings.encryptionKeyEnvironment)"),
                file: nil)
        }
        let url = dataDirectory.appendingPathComponent(defaultFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return DataKeyRing(cipher: try DataCipher(contentsOf: url), file: url)
    }

    /// The sealer the stores use, or nil when no ring is configured.
    public static func sealer(
        settings: SecuritySettings = SecuritySettings(), dataDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecurityError) -> DataSealer? {
        try load(settings: settings, dataDirectory: dataDirectory, environment: environment).map { DataSealer(cipher: $0.cipher) }
    }
}

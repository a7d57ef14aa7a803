/// Encryption at rest for the prediction log, without this target depending on the security one: the
/// server passes an implementation backed by its data cipher (AES-256-GCM, SlipwaySecurity's `DataCipher`).
///
/// A sealed record starts with `SWE1`, then the length of the key id (1 byte) and the key id; a record
/// without that header is plain (written before a data key was configured) and is read as it is.
public protocol RecordSealer: Sendable {
    /// The id of the key that seals new records.
    var currentKeyID: String { get }
    /// Encrypts `plaintext` under the current key, authenticating `context` (the record's table and row).
    func seal(_ plaintext: [UInt8], context: [UInt8]) throws -> [UInt8]
    /// Decrypts a sealed record; throws (naming the key id) when its key is not in the ring, or when the
    /// record was altered or moved to another row.
    func open(_ record: [UInt8], context: [UInt8]) throws -> [UInt8]
}

/// The header of a sealed record (the same layout as SlipwaySecurity's `DataCipher` writes).
public enum SealedRecord {
    static let magic: [UInt8] = Array("SWE1".utf8)

    /// The id of the key that sealed `bytes`, or nil when they are not a sealed record (plain).
    public static func keyID(of bytes: [UInt8]) -> String? {
        guard bytes.count > magic.count + 1, bytes[0] == magic[0], bytes[1] == magic[1], bytes[2] == magic[2], bytes[3] == magic[3]
        else { return nil }
        let length = Int(bytes[magic.count])
        let start = magic.count + 1
        // Nonce (12) and tag (16) follow the key id.
        guard length > 0, bytes.count >= start + length + 28 else { return nil }
        return String(decoding: bytes[start..<start + length], as: UTF8.self)
    }
}

extension PredictionLogStore {
    /// The authenticated context of one sealed cell: table, row id and column, so a value copied to another
    /// row or column does not open.
    static func context(_ table: String, _ id: Int64, _ column: String) -> [UInt8] { Array("slipway/\(table)/\(id)/\(column)".utf8) }

    /// Seals a cell when a sealer is configured; plain otherwise. Returns the bytes and the key id (nil: plain).
    func sealCell(_ plaintext: [UInt8], _ table: String, _ id: Int64, _ column: String, with sealer: (any RecordSealer)?) throws(PredictionLogError)
        -> (bytes: [UInt8], keyID: String?)
    {
        guard let sealer else { return (plaintext, nil) }
        do {
            let sealed = try sealer.seal(plaintext, context: Self.context(table, id, column))
            return (sealed, SealedRecord.keyID(of: sealed))
        } catch {
            throw PredictionLogError(.storage, "cannot encrypt \(table) \(id) (\(column)): \(error)")
        }
    }

    /// Opens a cell: plain cells as they are, sealed ones with the sealer; a sealed cell without the sealer
    /// or its key is an error naming the key id, never garbage.
    func openCell(_ stored: [UInt8], _ table: String, _ id: Int64, _ column: String, with sealer: (any RecordSealer)?) throws(PredictionLogError)
        -> [UInt8]
    {
        guard let keyID = SealedRecord.keyID(of: stored) else { return stored }
        guard let sealer else {
            throw PredictionLogError(
                .corrupt,
                "\(table) \(id) is encrypted with data key '\(keyID)', and no data key is configured (security.encryption.key_file, $SLIPWAY_DATA_KEY_FILE or $SLIPWAY_DATA_KEY)"
            )
        }
        do {
            return try sealer.open(stored, context: Self.context(table, id, column))
        } catch {
            throw PredictionLogError(.corrupt, "cannot decrypt \(table) \(id) (\(column)): \(error)")
        }
    }
}

import Crypto
public import Foundation

/// Encryption at rest: AES-256-GCM per record, with the id of the key that sealed it inside the record, so
/// a key ring can hold old keys while records are re-encrypted under a new one in the background.
///
/// A record is `SWE1` · key-id length (1 byte) · key id · nonce (12) · ciphertext · tag (16); the header and
/// the caller's `context` (such as a table and row id) are authenticated, so a record moved to another key id
/// or another row does not open.
///
/// The key ring is text, one key a line: `<id> <base64 of 32 bytes>`; `#` starts a comment; the last key
/// seals, all of them open. It comes from a file (`security.encryption.key_file`) or an environment variable
/// (`SLIPWAY_DATA_KEY`); `slipway keys rotate-data-key` appends a new key to the file.
public struct DataCipher: Sendable {
    private let keys: [String: SymmetricKey]
    /// The id of the key that seals new records.
    public let currentKeyID: String
    /// Every key id, oldest first.
    public let keyIDs: [String]

    static let magic: [UInt8] = Array("SWE1".utf8)

    /// Reads a key ring.
    public init(keyRing text: String, source: String = "the data key") throws(SecurityError) {
        var keys: [String: SymmetricKey] = [:]
        var order: [String] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line =
                rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2 else {
                throw SecurityError(.invalidArgument, "\(source), line \(number + 1): expected '<key id> <base64 key>'")
            }
            let id = String(parts[0])
            guard (1...64).contains(id.utf8.count), id.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw SecurityError(.invalidArgument, "\(source), line \(number + 1): bad key id '\(id)'")
            }
            guard let bytes = Data(base64Encoded: String(parts[1])), bytes.count == 32 else {
                throw SecurityError(.invalidArgument, "\(source), line \(number + 1): the key must be 32 bytes in base64")
            }
            guard keys[id] == nil else { throw SecurityError(.invalidArgument, "\(source), line \(number + 1): key id '\(id)' appears twice") }
            keys[id] = SymmetricKey(data: bytes)
            order.append(id)
        }
        guard let current = order.last else { throw SecurityError(.invalidArgument, "\(source) holds no key") }
        self.keys = keys
        self.keyIDs = order
        self.currentKeyID = current
    }

    /// Reads the key ring from a file.
    public init(contentsOf url: URL) throws(SecurityError) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SecurityError(.notFound, "cannot read the data key file '\(url.path)'")
        }
        try self.init(keyRing: String(decoding: data, as: UTF8.self), source: url.path)
    }

    /// A new key-ring line with a fresh random key and id.
    public static func newKeyLine() -> (id: String, line: String) {
        let id = Hex.string(SecureRandom.bytes(4))
        return (id, "\(id) \(Data(SecureRandom.bytes(32)).base64EncodedString())")
    }

    /// Encrypts one record under the current key.
    public func seal(_ plaintext: [UInt8], context: [UInt8] = []) throws(SecurityError) -> [UInt8] {
        guard let key = keys[currentKeyID] else { throw SecurityError(.integrity, "no current data key") }
        let header = Self.header(keyID: currentKeyID)
        do {
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: header + context)
            guard let combined = box.combined else { throw SecurityError(.integrity, "AES-GCM produced no combined box") }
            return header + Array(combined)
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(.integrity, "cannot encrypt: \(error)")
        }
    }

    /// Decrypts one record with whichever key sealed it; `integrity` for a record that was altered, moved
    /// (another `context`) or sealed by a key not in the ring.
    public func open(_ record: [UInt8], context: [UInt8] = []) throws(SecurityError) -> [UInt8] {
        guard let keyID = Self.keyID(of: record) else { throw SecurityError(.integrity, "not an encrypted record") }
        guard let key = keys[keyID] else {
            throw SecurityError(.integrity, "the record was sealed with data key '\(keyID)', which is not in the key ring")
        }
        let headerLength = Self.magic.count + 1 + keyID.utf8.count
        do {
            let box = try AES.GCM.SealedBox(combined: Array(record[headerLength...]))
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(record[..<headerLength]) + context))
        } catch {
            throw SecurityError(.integrity, "the encrypted record does not open: it was altered or belongs elsewhere")
        }
    }

    /// Re-encrypts a record under the current key (a no-op when it already is).
    public func reseal(_ record: [UInt8], context: [UInt8] = []) throws(SecurityError) -> [UInt8] {
        if Self.keyID(of: record) == currentKeyID { return record }
        return try seal(try open(record, context: context), context: context)
    }

    /// Whether a record was sealed by another key than the current one.
    public func needsReseal(_ record: [UInt8]) -> Bool { Self.keyID(of: record) != currentKeyID }

    /// The key id written in a record, or nil when `record` is not one.
    public static func keyID(of record: [UInt8]) -> String? {
        guard record.count > magic.count + 1, Array(record[0..<magic.count]) == magic else { return nil }
        let length = Int(record[magic.count])
        let start = magic.count + 1
        guard length > 0, record.count >= start + length + 12 + 16 else { return nil }
        return String(decoding: record[start..<start + length], as: UTF8.self)
    }

    /// Whether `bytes` is an encrypted record (so stores can hold plain and sealed rows during a switch).
    public static func isSealed(_ bytes: [UInt8]) -> Bool { keyID(of: bytes) != nil }

    static func header(keyID: String) -> [UInt8] { magic + [UInt8(keyID.utf8.count)] + Array(keyID.utf8) }
}

/// A store whose records are encrypted with ``DataCipher`` (prediction log payloads, feedback, reference
/// datasets): re-encrypts its records under the current key a batch at a time, so rotation runs in the
/// background without holding the whole store.
public protocol ResealableStore: Sendable {
    /// What the store holds, for logs (`prediction log`).
    var name: String { get }
    /// Re-encrypts up to `limit` records not sealed by `cipher.currentKeyID`; returns how many it changed
    /// (0 when none are left).
    func resealBatch(with cipher: DataCipher, limit: Int) async throws -> Int
}

public import Foundation

/// Encryption at rest for reference datasets, without this target depending on the security one: the
/// server passes an implementation backed by its data cipher (AES-256-GCM, SlipwaySecurity's `DataCipher`).
/// A sealed file starts with `SWE1`, the length of the key id (1 byte) and the key id.
public protocol ArtifactSealer: Sendable {
    /// The id of the key that seals new files.
    var currentKeyID: String { get }
    /// Encrypts `plaintext` under the current key, authenticating `context` (the artifact's hash).
    func seal(_ plaintext: [UInt8], context: [UInt8]) throws -> [UInt8]
    /// Decrypts a sealed file; throws (naming the key id) when its key is not in the ring or it was altered.
    func open(_ record: [UInt8], context: [UInt8]) throws -> [UInt8]
}

extension ArtifactStore {
    /// The id of the key that sealed `bytes` (the same header as SlipwaySecurity's `DataCipher` writes), or
    /// nil when they are not sealed.
    public static func sealingKeyID(of bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(5 + 255))
        guard head.count > 5, head[0] == 0x53, head[1] == 0x57, head[2] == 0x45, head[3] == 0x31 else { return nil }
        let length = Int(head[4])
        guard length > 0, head.count >= 5 + length, bytes.count >= 5 + length + 28 else { return nil }
        return String(decoding: head[5..<5 + length], as: UTF8.self)
    }

    /// The authenticated context of a sealed artifact: its name (the plaintext's hash), so a sealed file
    /// renamed to another artifact does not open.
    static func sealingContext(_ sha256: String) -> [UInt8] { Array("slipway/artifact/\(sha256)".utf8) }

    /// Stores bytes sealed with ``sealer`` when one is configured (plain otherwise), under the hash of the
    /// plaintext: the reference stays the same whichever key sealed it. Used for subject data (reference datasets).
    public func putSealed(_ data: Data) throws(RegistryError) -> ArtifactRef {
        guard let sealer else { return try put(data) }
        let ref = ArtifactRef(sha256: Self.digest(of: data), size: Int64(data.count))
        if let existing = try? Data(contentsOf: url(for: ref.sha256)), Self.sealingKeyID(of: existing) == sealer.currentKeyID,
            (try? opened(existing, ref: ref, label: ref.sha256, with: sealer)) != nil
        {
            return ref
        }
        try write(try seal(data, ref: ref, with: sealer), as: ref)
        return ref
    }

    /// Re-encrypts an artifact under `sealer`'s current key when it is plain or sealed by another key;
    /// returns whether it changed. The plaintext is checked against the reference first.
    public func reseal(_ ref: ArtifactRef, label: String, with sealer: any ArtifactSealer) throws(RegistryError) -> Bool {
        let url = url(for: ref.sha256)
        let stored: Data
        do {
            stored = try Data(contentsOf: url)
        } catch {
            throw .integrity("the artifact of \(label) is missing: \(url.path) (sha256 \(ref.sha256))")
        }
        if Self.sealingKeyID(of: stored) == sealer.currentKeyID, !isPlain(stored, ref) { return false }
        let plaintext = try opened(stored, ref: ref, label: label, with: sealer)
        try write(try seal(plaintext, ref: ref, with: sealer), as: ref)
        return true
    }

    /// Whether the file of `ref` is sealed by `keyID` (reads its header only).
    public func isSealed(_ ref: ArtifactRef, by keyID: String) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url(for: ref.sha256)) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 5 + 255 + 28) else { return false }
        return Self.sealingKeyID(of: head) == keyID
    }

    /// Whether stored bytes are the plain artifact (the right size and hash): plain files hash to their name,
    /// sealed ones do not (so a plain CSV that happens to begin with `SWE1` is still read as plain).
    func isPlain(_ stored: Data, _ ref: ArtifactRef) -> Bool {
        Int64(stored.count) == ref.size && Self.digest(of: stored) == ref.sha256
    }

    /// The plaintext of stored bytes: plain ones as they are, sealed ones opened (with `sealer`), then checked
    /// against the reference's size and hash.
    func opened(_ stored: Data, ref: ArtifactRef, label: String, with sealer: (any ArtifactSealer)?) throws(RegistryError) -> Data {
        if isPlain(stored, ref) { return stored }
        guard let keyID = Self.sealingKeyID(of: stored) else {
            throw .integrity(
                "the artifact of \(label) is corrupt: \(url(for: ref.sha256).path) holds \(stored.count) bytes that do not match its registered SHA-256 (tampered)"
            )
        }
        guard let sealer else {
            throw .integrity(
                "the artifact of \(label) is encrypted with data key '\(keyID)', and no data key is configured (security.encryption.key_file, $SLIPWAY_DATA_KEY_FILE or $SLIPWAY_DATA_KEY)"
            )
        }
        let plaintext: Data
        do {
            plaintext = Data(try sealer.open([UInt8](stored), context: Self.sealingContext(ref.sha256)))
        } catch {
            throw .integrity("cannot decrypt the artifact of \(label): \(error)")
        }
        guard isPlain(plaintext, ref) else {
            throw .integrity("the artifact of \(label) is corrupt: its decrypted content does not match its registered SHA-256 (tampered)")
        }
        return plaintext
    }

    func seal(_ plaintext: Data, ref: ArtifactRef, with sealer: any ArtifactSealer) throws(RegistryError) -> Data {
        do {
            return Data(try sealer.seal([UInt8](plaintext), context: Self.sealingContext(ref.sha256)))
        } catch {
            throw .storage("cannot encrypt artifact \(ref.sha256): \(error)")
        }
    }
}

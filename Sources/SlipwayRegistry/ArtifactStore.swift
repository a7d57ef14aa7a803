import Crypto
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files stored once by content: `root/sha256/ab/<64 hex>`. A file is hashed while it is copied into
/// `root/tmp/`, fsynced, renamed into place and its directory fsynced, so a file under `sha256/` is always
/// complete, and a crash leaves at most a stray file in `tmp/`, which no row names. Reads check the size and
/// the hash, so a tampered or truncated file is refused.
///
/// Reference datasets (subject data) are stored sealed when a data key is configured (``putSealed(_:)``):
/// the file keeps the plaintext's hash as its name, and reads open it transparently (see `ArtifactSealer.swift`).
public struct ArtifactStore: Sendable {
    public let root: URL
    /// Seals reference datasets and opens sealed files; nil: nothing is sealed, and sealed files cannot be read.
    public let sealer: (any ArtifactSealer)?

    static let chunkSize = 1 << 20

    /// - Parameters:
    ///   - root: the `artifacts` folder; created with its `sha256/` and `tmp/` subfolders when missing.
    ///   - sealer: the data cipher, when encryption at rest is configured.
    public init(root: URL, sealer: (any ArtifactSealer)? = nil) throws(RegistryError) {
        self.root = root
        self.sealer = sealer
        for dir in [root, root.appendingPathComponent("sha256"), root.appendingPathComponent("tmp")] {
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw .invalidArgument("cannot create the artifact folder '\(dir.path)': \(error.localizedDescription)")
            }
        }
    }

    /// Where the artifact with this hash lives (whether or not it exists).
    public func url(for sha256: String) -> URL {
        let prefix = String(sha256.prefix(2))
        return root.appendingPathComponent("sha256").appendingPathComponent(prefix).appendingPathComponent(sha256)
    }

    public func contains(_ sha256: String) -> Bool { FileManager.default.fileExists(atPath: url(for: sha256).path) }

    /// Stores bytes; returns their hash and size. Storing bytes that are already present costs one hash.
    public func put(_ data: Data) throws(RegistryError) -> ArtifactRef {
        let digest = SHA256.hash(data: data).hexString
        let ref = ArtifactRef(sha256: digest, size: Int64(data.count))
        if try isStored(ref) { return ref }
        try write(data, as: ref)
        return ref
    }

    /// Writes `bytes` as the file of `ref` (replacing it): fsynced in `tmp/`, renamed into place.
    func write(_ bytes: Data, as ref: ArtifactRef) throws(RegistryError) {
        let tmp = try temporaryFile()
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            defer { try? handle.close() }
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw .storage("cannot write artifact \(ref.sha256): \(error.localizedDescription)")
        }
        try commit(tmp, as: ref)
    }

    /// Stores a file by streaming it (hash while copying, 1 MiB at a time); returns its hash and size.
    public func put(contentsOf source: URL) throws(RegistryError) -> ArtifactRef {
        let input: FileHandle
        do {
            input = try FileHandle(forReadingFrom: source)
        } catch {
            throw .notFound("cannot read '\(source.path)': no such file or not readable")
        }
        defer { try? input.close() }
        let tmp = try temporaryFile()
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            let output = try FileHandle(forWritingTo: tmp)
            defer { try? output.close() }
            while let chunk = try input.read(upToCount: Self.chunkSize), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                size += Int64(chunk.count)
            }
            try output.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw .storage("cannot copy '\(source.path)' into the artifact store: \(error.localizedDescription)")
        }
        let ref = ArtifactRef(sha256: hasher.finalize().hexString, size: size)
        if try isStored(ref) {
            try? FileManager.default.removeItem(at: tmp)
            return ref
        }
        try commit(tmp, as: ref)
        return ref
    }

    /// Reads an artifact, checking its size and SHA-256; `label` names what it is in errors (`model iris:3`).
    /// A sealed file (a reference dataset written with a data key) is opened with ``sealer`` first.
    public func data(_ ref: ArtifactRef, label: String) throws(RegistryError) -> Data {
        let url = url(for: ref.sha256)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .integrity("the artifact of \(label) is missing: \(url.path) (sha256 \(ref.sha256))")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .integrity("cannot read the artifact of \(label) (\(url.path)): \(error.localizedDescription)")
        }
        if Self.sealingKeyID(of: data) != nil, !isPlain(data, ref) { return try opened(data, ref: ref, label: label, with: sealer) }
        guard Int64(data.count) == ref.size else {
            throw .integrity(
                "the artifact of \(label) is corrupt: \(url.path) holds \(data.count) bytes, \(ref.size) were registered (truncated or tampered)")
        }
        let actual = SHA256.hash(data: data).hexString
        guard actual == ref.sha256 else {
            throw .integrity("the artifact of \(label) is corrupt: its SHA-256 is \(actual), \(ref.sha256) was registered (tampered)")
        }
        return data
    }

    /// Checks an artifact by streaming it: present, right size, right hash.
    public func verify(_ ref: ArtifactRef, label: String) throws(RegistryError) {
        let url = url(for: ref.sha256)
        let (digest, size) = try Self.hashFile(url, label: label)
        if digest != ref.sha256, isSealedFile(url) {
            _ = try data(ref, label: label)
            return
        }
        guard size == ref.size else {
            throw .integrity(
                "the artifact of \(label) is corrupt: \(url.path) holds \(size) bytes, \(ref.size) were registered (truncated or tampered)")
        }
        guard digest == ref.sha256 else {
            throw .integrity("the artifact of \(label) is corrupt: its SHA-256 is \(digest), \(ref.sha256) was registered (tampered)")
        }
    }

    /// Whether the file at `url` begins with a sealed-record header (reads the header only).
    func isSealedFile(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 5 + 255 + 28) else { return false }
        return Self.sealingKeyID(of: head) != nil
    }

    /// Checks a stored file against its name: nil when it hashes to it (or is sealed and opens to content
    /// that does; a sealed file is skipped without a sealer), else the problem.
    public func checkStoredFile(_ sha256: String) -> String? {
        let url = url(for: sha256)
        guard let actual = try? Self.hashFile(url, label: sha256), actual.sha256 != sha256 else { return nil }
        if isSealedFile(url) {
            guard let sealer, let stored = try? Data(contentsOf: url), let keyID = Self.sealingKeyID(of: stored) else { return nil }
            do {
                let plaintext = Data(try sealer.open([UInt8](stored), context: Self.sealingContext(sha256)))
                if Self.digest(of: plaintext) == sha256 { return nil }
                return "stored file \(url.path) (sealed with data key '\(keyID)') does not decrypt to content that hashes to its name"
            } catch {
                return "stored file \(url.path) (sealed with data key '\(keyID)') does not decrypt: \(error)"
            }
        }
        return "stored file \(url.path) does not hash to its name (its SHA-256 is \(actual.sha256))"
    }

    /// Every hash stored under `sha256/`.
    public func storedHashes() throws(RegistryError) -> [String] {
        let base = root.appendingPathComponent("sha256")
        var result: [String] = []
        do {
            for prefix in try FileManager.default.contentsOfDirectory(atPath: base.path) {
                for name in try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent(prefix).path) {
                    result.append(name)
                }
            }
        } catch {
            throw .storage("cannot list the artifact store: \(error.localizedDescription)")
        }
        return result.sorted()
    }

    /// Files left in `tmp/` by interrupted writes.
    public func temporaryFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path))?.sorted() ?? []
    }

    /// Streams a file through SHA-256: (hex digest, size). Throws `integrity` when it cannot be read.
    public static func hashFile(_ url: URL, label: String) throws(RegistryError) -> (sha256: String, size: Int64) {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw .integrity("the artifact of \(label) is missing: \(url.path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        } catch {
            throw .integrity("cannot read the artifact of \(label) (\(url.path)): \(error.localizedDescription)")
        }
        return (hasher.finalize().hexString, size)
    }

    /// SHA-256 of a file a user names (a training-data file): `notFound` when it cannot be read.
    public static func digest(ofFile url: URL) throws(RegistryError) -> String {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw .notFound("cannot read '\(url.path)': no such file or not readable")
        }
        do {
            return try hashFile(url, label: url.path).sha256
        } catch {
            throw .notFound("cannot read '\(url.path)': \(error.message)")
        }
    }

    public static func digest(of data: Data) -> String { SHA256.hash(data: data).hexString }

    // MARK: - Implementation details

    /// True when a complete copy is already in place (same size; the hash is checked on every read).
    private func isStored(_ ref: ArtifactRef) throws(RegistryError) -> Bool {
        let path = url(for: ref.sha256).path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return false }
        return (attributes[.size] as? NSNumber)?.int64Value == ref.size
    }

    private func temporaryFile() throws(RegistryError) -> URL {
        let url = root.appendingPathComponent("tmp").appendingPathComponent("\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw .storage("cannot create a temporary file in '\(root.appendingPathComponent("tmp").path)'")
        }
        return url
    }

    /// Renames a complete, fsynced temporary file into place and fsyncs the directories it touched.
    private func commit(_ tmp: URL, as ref: ArtifactRef) throws(RegistryError) {
        let destination = url(for: ref.sha256)
        let shard = destination.deletingLastPathComponent()
        let created = !FileManager.default.fileExists(atPath: shard.path)
        do {
            try FileManager.default.createDirectory(at: shard, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create '\(shard.path)': \(error.localizedDescription)")
        }
        if created { Self.syncDirectory(shard.deletingLastPathComponent()) }
        guard rename(tmp.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw .storage("cannot move artifact \(ref.sha256) into place: \(reason)")
        }
        Self.syncDirectory(shard)
    }

    /// fsyncs a directory so a rename in it survives a crash.
    private static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = close(fd)
    }
}

extension SHA256.Digest {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

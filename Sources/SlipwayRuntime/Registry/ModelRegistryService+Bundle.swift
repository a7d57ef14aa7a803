public import Foundation
public import SlipwayRegistry
import ZIPFoundation

/// `manifest.json` of a bundle: what `slipway models export` writes and `import` checks.
public struct BundleManifest: Codable, Sendable, Hashable {
    public static let currentFormat = "slipway.model-bundle/1"

    public var format: String
    public var model: String
    public var description: String
    /// The version as it was in the exporting registry (number, lineage, signature, tags…).
    public var version: ModelVersion
    /// Entry name → hash and size, for every file in the bundle but the manifest.
    public var files: [String: ArtifactRef]

    public init(
        format: String = BundleManifest.currentFormat, model: String, description: String, version: ModelVersion, files: [String: ArtifactRef]
    ) {
        self.format = format
        self.model = model
        self.description = description
        self.version = version
        self.files = files
    }
}

extension ModelRegistryService {
    static let manifestName = "manifest.json"
    static let modelEntry = "model.onnx"
    static let cardEntry = "card.md"
    static let exampleEntry = "example.json"
    static let maximumManifestBytes = 16 << 20

    /// Writes a version to a ZIP bundle: `manifest.json`, `model.onnx`, and the reference dataset
    /// (`reference.csv`/`.jsonl`), the card (`card.md`) and the input example (`example.json`) when present.
    /// Every artifact is verified first; the bundle is written beside `destination` and renamed into place.
    @discardableResult
    public func export(_ selector: String, to destination: URL) throws(InferenceError) -> BundleManifest {
        let version = try resolve(selector)
        return try translating {
            let model = try registry.store.model(named: version.model)
            var entries: [(name: String, url: URL, ref: ArtifactRef)] = []
            let artifacts = registry.artifacts
            try artifacts.verify(version.artifact, label: "model \(version.selector)")
            entries.append((Self.modelEntry, artifacts.url(for: version.artifact.sha256), version.artifact))
            // The reference dataset goes into the bundle as plaintext (opened when it is stored sealed).
            var referenceData: (name: String, data: Data)?
            if let reference = version.reference {
                let data = try artifacts.data(reference.artifact, label: "the reference dataset of \(version.selector)")
                referenceData = ("reference.\(reference.format.rawValue)", data)
            }
            if let example = version.example {
                try artifacts.verify(example.artifact, label: "the input example of \(version.selector)")
                entries.append((Self.exampleEntry, artifacts.url(for: example.artifact.sha256), example.artifact))
            }
            var cardData: Data?
            if let card = version.card { cardData = Data(card.utf8) }
            var files = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.ref) })
            if let referenceData, let reference = version.reference { files[referenceData.name] = reference.artifact }
            if let cardData { files[Self.cardEntry] = ArtifactRef(sha256: ArtifactStore.digest(of: cardData), size: Int64(cardData.count)) }
            let manifest = BundleManifest(model: version.model, description: model.description, version: version, files: files)
            let manifestData = try RegistryJSON.encoder(pretty: true).encode(manifest)

            let directory = destination.deletingLastPathComponent()
            let partial = directory.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let archive = try Archive(url: partial, accessMode: .create)
                try Self.add(archive, Self.manifestName, manifestData)
                for entry in entries {
                    try archive.addEntry(with: entry.name, fileURL: entry.url, compressionMethod: .none)
                }
                if let referenceData { try Self.add(archive, referenceData.name, referenceData.data) }
                if let cardData { try Self.add(archive, Self.cardEntry, cardData) }
            } catch {
                try? FileManager.default.removeItem(at: partial)
                throw RegistryError.invalidArgument("cannot write the bundle '\(destination.path)': \(error.localizedDescription)")
            }
            do {
                if FileManager.default.fileExists(atPath: destination.path) { try FileManager.default.removeItem(at: destination) }
                try FileManager.default.moveItem(at: partial, to: destination)
            } catch {
                try? FileManager.default.removeItem(at: partial)
                throw RegistryError.invalidArgument("cannot write the bundle '\(destination.path)': \(error.localizedDescription)")
            }
            return manifest
        }
    }

    /// Reads a bundle, checks every file against the manifest's hash and size, validates the model again
    /// (engine load, reference dataset against the signature) and registers it as a new version of `name`
    /// (the bundle's model name by default), keeping its lineage, card and tags. Aliases are not carried over.
    public func importBundle(_ bundle: URL, as name: String? = nil, aliases: [String] = [], actor: String) throws(InferenceError) -> ModelVersion {
        try translating {
            guard FileManager.default.fileExists(atPath: bundle.path) else { throw RegistryError.notFound("bundle '\(bundle.path)' does not exist") }
            let archive: Archive
            do {
                archive = try Archive(url: bundle, accessMode: .read)
            } catch {
                throw RegistryError.invalidArgument("'\(bundle.path)' is not a valid bundle: it is not a ZIP archive")
            }
            let manifestData = try Self.read(archive, Self.manifestName, limit: Self.maximumManifestBytes, bundle: bundle)
            let manifest: BundleManifest
            do {
                manifest = try RegistryJSON.decoder().decode(BundleManifest.self, from: manifestData)
            } catch {
                throw RegistryError.invalidArgument("'\(bundle.path)' is not a valid bundle: manifest.json cannot be decoded (\(error))")
            }
            guard manifest.format == BundleManifest.currentFormat else {
                throw RegistryError.invalidArgument(
                    "'\(bundle.path)': unsupported bundle format '\(manifest.format)' (expected \(BundleManifest.currentFormat))")
            }
            func file(_ entry: String) throws -> Data? {
                guard let ref = manifest.files[entry] else { return nil }
                let data = try Self.read(archive, entry, limit: Int(clamping: ref.size), bundle: bundle)
                let digest = ArtifactStore.digest(of: data)
                guard Int64(data.count) == ref.size, digest == ref.sha256 else {
                    throw RegistryError.integrity(
                        "bundle '\(bundle.path)': \(entry) does not match the manifest (SHA-256 \(digest), \(data.count) bytes; expected \(ref.sha256), \(ref.size) bytes)"
                    )
                }
                return data
            }
            guard manifest.files[Self.modelEntry] == manifest.version.artifact, let modelData = try file(Self.modelEntry) else {
                throw RegistryError.invalidArgument(
                    "'\(bundle.path)' is not a valid bundle: the manifest names no model.onnx matching the version's artifact")
            }
            var reference: (Data, ReferenceFormat)?
            if let info = manifest.version.reference {
                guard let data = try file("reference.\(info.format.rawValue)"), ArtifactStore.digest(of: data) == info.artifact.sha256 else {
                    throw RegistryError.invalidArgument("'\(bundle.path)' is not a valid bundle: its reference dataset is missing")
                }
                reference = (data, info.format)
            }
            var card: String?
            if let data = try file(Self.cardEntry) {
                card = String(data: data, encoding: .utf8)
            }
            guard card == manifest.version.card else {
                throw RegistryError.integrity("bundle '\(bundle.path)': card.md does not match the card recorded in the manifest")
            }
            let example = try file(Self.exampleEntry)
            let target = name ?? manifest.model
            try RegistryNames.validateModelName(target)
            for alias in aliases { try RegistryNames.validateAlias(alias) }
            let imported = try store(
                name: target, description: manifest.description, modelData: modelData, reference: reference, card: card, example: example,
                lineage: manifest.version.lineage, actor: actor, tags: manifest.version.tags, aliases: aliases,
                eventDetail: ["imported_from": manifest.version.selector, "bundle": bundle.lastPathComponent])
            return imported
        }
    }

    private static func add(_ archive: Archive, _ name: String, _ data: Data) throws {
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    private static func read(_ archive: Archive, _ name: String, limit: Int, bundle: URL) throws -> Data {
        guard let entry = archive[name] else {
            throw RegistryError.invalidArgument("'\(bundle.path)' is not a valid bundle: it has no \(name)")
        }
        guard entry.uncompressedSize <= Int64(limit) else {
            throw RegistryError.integrity("bundle '\(bundle.path)': \(name) holds \(entry.uncompressedSize) bytes, the manifest says \(limit)")
        }
        var data = Data()
        data.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                data.append(chunk)
                if data.count > limit { throw RegistryError.integrity("bundle '\(bundle.path)': \(name) is larger than the manifest says") }
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.integrity("bundle '\(bundle.path)': \(name) cannot be read (\(error)); the bundle is corrupt or truncated")
        }
        return data
    }
}

public import Foundation

/// One input or output of a model's signature, read from the ONNX graph.
public struct TensorSpec: Codable, Sendable, Hashable {
    public var name: String
    /// The KServe V2 datatype (`FP32`, `INT64`, `BYTES`…), or the ONNX type text for non-tensors.
    public var datatype: String
    /// Dimensions, -1 for a dynamic one; nil when the rank is unknown (or the value is not a tensor).
    public var shape: [Int]?

    public init(name: String, datatype: String, shape: [Int]?) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }
}

/// What a model takes and returns.
public struct ModelSignature: Codable, Sendable, Hashable {
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]

    public init(inputs: [TensorSpec], outputs: [TensorSpec]) {
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A file stored by content: its SHA-256 (lowercase hex) and size in bytes.
public struct ArtifactRef: Codable, Sendable, Hashable {
    public var sha256: String
    public var size: Int64

    public init(sha256: String, size: Int64) {
        self.sha256 = sha256
        self.size = size
    }
}

/// Where a version came from.
public struct Lineage: Codable, Sendable, Hashable {
    /// SHA-256 of the training data (of the file, or a digest the caller computed).
    public var dataDigest: String?
    /// Code revision or URL the model was trained from.
    public var source: String?
    public var parameters: [String: String]
    public var metrics: [String: Double]
    public var createdBy: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case dataDigest = "data_digest"
        case source, parameters, metrics
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    public init(
        dataDigest: String? = nil, source: String? = nil, parameters: [String: String] = [:], metrics: [String: Double] = [:],
        createdBy: String, createdAt: Date
    ) {
        self.dataDigest = dataDigest
        self.source = source
        self.parameters = parameters
        self.metrics = metrics
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// The file format of a reference dataset.
public enum ReferenceFormat: String, Codable, Sendable, Hashable, CaseIterable {
    case csv
    case jsonl
}

/// A version's reference dataset: the baseline for drift monitoring, stored by hash.
public struct ReferenceData: Codable, Sendable, Hashable {
    public var artifact: ArtifactRef
    public var format: ReferenceFormat
    /// The feature names, in the order the model takes them.
    public var columns: [String]
    public var rows: Int

    public init(artifact: ArtifactRef, format: ReferenceFormat, columns: [String], rows: Int) {
        self.artifact = artifact
        self.format = format
        self.columns = columns
        self.rows = rows
    }
}

/// An input example run at registration: the request (stored by hash) and what the model returned.
public struct ExampleRun: Codable, Sendable, Hashable {
    public var artifact: ArtifactRef
    public var outputs: [TensorSpec]

    public init(artifact: ArtifactRef, outputs: [TensorSpec]) {
        self.artifact = artifact
        self.outputs = outputs
    }
}

/// A version's lifecycle state. Versions are immutable; only `ready → archived` happens.
public enum VersionStatus: String, Codable, Sendable, Hashable {
    case ready
    case archived
}

/// One immutable version of a registered model.
public struct ModelVersion: Codable, Sendable, Hashable {
    public var model: String
    public var version: Int
    public var status: VersionStatus
    /// Always `onnx` for now.
    public var format: String
    public var artifact: ArtifactRef
    public var signature: ModelSignature
    /// Opset per domain (`ai.onnx`, `ai.onnx.ml`, …).
    public var opsets: [String: Int]
    public var lineage: Lineage
    /// The model card (Markdown).
    public var card: String?
    public var reference: ReferenceData?
    public var example: ExampleRun?
    public var tags: [String: String]
    /// The aliases that point at this version, sorted.
    public var aliases: [String]

    public init(
        model: String, version: Int, status: VersionStatus, format: String, artifact: ArtifactRef, signature: ModelSignature,
        opsets: [String: Int], lineage: Lineage, card: String?, reference: ReferenceData?, example: ExampleRun?,
        tags: [String: String], aliases: [String]
    ) {
        self.model = model
        self.version = version
        self.status = status
        self.format = format
        self.artifact = artifact
        self.signature = signature
        self.opsets = opsets
        self.lineage = lineage
        self.card = card
        self.reference = reference
        self.example = example
        self.tags = tags
        self.aliases = aliases
    }

    /// `name:version`.
    public var selector: String { "\(model):\(version)" }
}

/// A registered model: a name with versions and aliases.
public struct RegisteredModel: Codable, Sendable, Hashable {
    public var name: String
    public var description: String
    public var tags: [String: String]
    /// Alias → version number.
    public var aliases: [String: Int]
    /// How many versions exist (archived ones included).
    public var versionCount: Int
    /// The newest version that is not archived.
    public var latestVersion: Int?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case name, description, tags, aliases
        case versionCount = "version_count"
        case latestVersion = "latest_version"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(
        name: String, description: String, tags: [String: String], aliases: [String: Int], versionCount: Int, latestVersion: Int?,
        createdAt: Date, updatedAt: Date
    ) {
        self.name = name
        self.description = description
        self.tags = tags
        self.aliases = aliases
        self.versionCount = versionCount
        self.latestVersion = latestVersion
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What a caller hands a store to create a version; the store assigns the number.
public struct NewVersion: Sendable, Hashable {
    public var model: String
    /// Sets the model's description when the model is created (ignored when empty and the model exists).
    public var description: String
    public var format: String
    public var artifact: ArtifactRef
    public var signature: ModelSignature
    public var opsets: [String: Int]
    public var lineage: Lineage
    public var card: String?
    public var reference: ReferenceData?
    public var example: ExampleRun?
    public var tags: [String: String]
    /// Aliases to point at the new version, in the same transaction.
    public var aliases: [String]
    /// Who the history records for this change; `lineage.createdBy` when nil (an import keeps the original
    /// creator in the lineage and records the importer here).
    public var actor: String?
    /// Extra details recorded on the `version_created` event (for example where an import came from).
    public var eventDetail: [String: String]

    public init(
        model: String, description: String = "", format: String = "onnx", artifact: ArtifactRef, signature: ModelSignature,
        opsets: [String: Int] = [:], lineage: Lineage, card: String? = nil, reference: ReferenceData? = nil, example: ExampleRun? = nil,
        tags: [String: String] = [:], aliases: [String] = [], actor: String? = nil, eventDetail: [String: String] = [:]
    ) {
        self.model = model
        self.description = description
        self.format = format
        self.artifact = artifact
        self.signature = signature
        self.opsets = opsets
        self.lineage = lineage
        self.card = card
        self.reference = reference
        self.example = example
        self.tags = tags
        self.aliases = aliases
        self.actor = actor
        self.eventDetail = eventDetail
    }

    /// Checks every name, key, value and digest; both stores call this first.
    public func validate() throws(RegistryError) {
        try RegistryNames.validateModelName(model)
        guard format == "onnx" else { throw .invalidArgument("unsupported model format '\(format)': only 'onnx' is supported") }
        _ = try RegistryNames.normalizeDigest(artifact.sha256, field: "artifact sha256")
        guard artifact.size >= 0 else { throw .invalidArgument("artifact size \(artifact.size) is negative") }
        if let digest = lineage.dataDigest { _ = try RegistryNames.normalizeDigest(digest, field: "data digest") }
        for (key, value) in tags {
            try RegistryNames.validateKey(key, kind: "tag")
            try RegistryNames.validateValue(value, key: key, kind: "tag")
        }
        for (key, value) in lineage.parameters {
            try RegistryNames.validateKey(key, kind: "parameter")
            try RegistryNames.validateValue(value, key: key, kind: "parameter")
        }
        for (key, value) in lineage.metrics {
            try RegistryNames.validateKey(key, kind: "metric")
            guard value.isFinite else { throw .invalidArgument("metric '\(key)': \(value) is not a finite number") }
        }
        var seen = Set<String>()
        for alias in aliases {
            try RegistryNames.validateAlias(alias)
            guard seen.insert(alias).inserted else { throw .invalidArgument("alias '\(alias)' is given twice") }
        }
        if let source = lineage.source { try RegistryNames.validateValue(source, key: "source", kind: "lineage") }
        try RegistryNames.validateValue(lineage.createdBy, key: "created by", kind: "lineage")
        try StoreChecks.actor(actor ?? lineage.createdBy)
    }
}

/// One entry of a model's append-only history.
public struct RegistryEvent: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case modelCreated = "model_created"
        case versionCreated = "version_created"
        case aliasSet = "alias_set"
        case aliasDeleted = "alias_deleted"
        case tagsSet = "tags_set"
        case versionArchived = "version_archived"
    }

    /// Increases with every event of the registry.
    public var sequence: Int64
    public var model: String
    public var version: Int?
    public var kind: Kind
    public var detail: [String: String]
    public var actor: String
    public var at: Date

    public init(sequence: Int64, model: String, version: Int?, kind: Kind, detail: [String: String], actor: String, at: Date) {
        self.sequence = sequence
        self.model = model
        self.version = version
        self.kind = kind
        self.detail = detail
        self.actor = actor
        self.at = at
    }
}

extension Date {
    /// Now, truncated to whole milliseconds (what the SQLite store keeps), so every store returns equal values.
    public static func registryNow() -> Date { Date().registryTruncated }

    /// This date truncated to whole milliseconds.
    public var registryTruncated: Date { Date(registryMilliseconds: registryMilliseconds) }

    /// Milliseconds since 1970.
    public var registryMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    public init(registryMilliseconds ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}

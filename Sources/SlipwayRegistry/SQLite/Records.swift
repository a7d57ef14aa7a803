import Foundation
import GRDB

/// One record type per table (GRDB's recommended practice); Swift optionality mirrors nullability. Times
/// are whole milliseconds since 1970, so every store returns the same `Date`s.
struct ModelRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "model"
    var id: Int64?
    var name: String
    var description: String
    var createdAtMs: Int64
    var updatedAtMs: Int64

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case createdAtMs = "created_at_ms"
        case updatedAtMs = "updated_at_ms"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let name = Column(CodingKeys.name)
        static let updatedAtMs = Column(CodingKeys.updatedAtMs)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct VersionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "version"
    var id: Int64?
    var modelId: Int64
    var number: Int
    var status: String
    var format: String
    var artifactSha256: String
    var artifactSize: Int64
    var signature: ModelSignature
    var opsets: [String: Int]
    var dataDigest: String?
    var source: String?
    var parameters: [String: String]
    var metrics: [String: Double]
    var createdBy: String
    var createdAtMs: Int64
    var card: String?
    var reference: ReferenceData?
    var referenceSha256: String?
    var example: ExampleRun?
    var exampleSha256: String?

    enum CodingKeys: String, CodingKey {
        case id
        case modelId = "model_id"
        case number, status, format
        case artifactSha256 = "artifact_sha256"
        case artifactSize = "artifact_size"
        case signature, opsets
        case dataDigest = "data_digest"
        case source, parameters, metrics
        case createdBy = "created_by"
        case createdAtMs = "created_at_ms"
        case card, reference
        case referenceSha256 = "reference_sha256"
        case example
        case exampleSha256 = "example_sha256"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let modelId = Column(CodingKeys.modelId)
        static let number = Column(CodingKeys.number)
        static let status = Column(CodingKeys.status)
        static let artifactSha256 = Column(CodingKeys.artifactSha256)
    }

    static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }

    static func databaseJSONDecoder(for column: String) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct AliasRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "alias"
    var modelId: Int64
    var name: String
    var versionNumber: Int

    enum CodingKeys: String, CodingKey {
        case modelId = "model_id"
        case name
        case versionNumber = "version_number"
    }

    enum Columns {
        static let modelId = Column(CodingKeys.modelId)
        static let name = Column(CodingKeys.name)
        static let versionNumber = Column(CodingKeys.versionNumber)
    }
}

struct EventRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "event"
    var id: Int64?
    var modelId: Int64
    var versionNumber: Int?
    var kind: String
    var detail: [String: String]
    var actor: String
    var atMs: Int64

    enum CodingKeys: String, CodingKey {
        case id
        case modelId = "model_id"
        case versionNumber = "version_number"
        case kind, detail, actor
        case atMs = "at_ms"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let modelId = Column(CodingKeys.modelId)
    }

    static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

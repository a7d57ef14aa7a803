import Foundation
public import GRDB

/// The embedded ``ModelStore``: SQLite through GRDB. Open it once per process over a `DatabasePool` (WAL,
/// concurrent readers) with ``open(path:)``; tests may pass any `DatabaseWriter` (an in-memory
/// `DatabaseQueue()` too). The initializer runs the named migrations.
public final class SQLiteModelStore: ModelStore {
    private let writer: any DatabaseWriter

    /// Wraps a database connection and migrates it to the current schema.
    /// - Parameters:
    ///   - writer: the one connection object for this database file in this process.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        do {
            do {
                try RegistryMigrations.migrator.migrate(writer)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                // Another process may have been migrating the same file at the same moment: its work is done now.
                try RegistryMigrations.migrator.migrate(writer)
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Opens (creating it when needed) the registry database at `path` as a WAL `DatabasePool`, with full
    /// fsync on commit and a busy timeout so several `slipway` processes can share one data directory.
    public static func open(path: String) throws -> SQLiteModelStore {
        var config = Configuration()
        config.label = "slipway.registry"
        config.busyMode = .timeout(30)
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            // GRDB sets synchronous=NORMAL in WAL mode; a registered version must survive power loss too.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            return try SQLiteModelStore(pool)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.storage("cannot open the registry database '\(path)': \(Self.describe(error))")
        }
    }

    /// The schema migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try read { db in try RegistryMigrations.migrator.appliedMigrations(db) }
    }

    // MARK: - Mutations

    public func createVersion(_ new: NewVersion) throws -> ModelVersion {
        try new.validate()
        return try write { db in
            let now = Date.registryNow().registryMilliseconds
            var model: ModelRecord
            let actor = new.actor ?? new.lineage.createdBy
            if let existing = try ModelRecord.filter(ModelRecord.Columns.name == new.model).fetchOne(db) {
                model = existing
                if !new.description.isEmpty { model.description = new.description }
                model.updatedAtMs = now
                try model.update(db)
            } else {
                model = ModelRecord(id: nil, name: new.model, description: new.description, createdAtMs: now, updatedAtMs: now)
                try model.insert(db)
                try Self.record(db, model, nil, .modelCreated, [:], actor, now)
            }
            let modelId = try Self.id(model)
            if let duplicate = try VersionRecord.filter(
                VersionRecord.Columns.modelId == modelId && VersionRecord.Columns.artifactSha256 == new.artifact.sha256
            ).fetchOne(db) {
                throw StoreChecks.duplicateArtifact(new.model, existing: duplicate.number, sha256: new.artifact.sha256)
            }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM version WHERE model_id = ?", arguments: [modelId]) ?? 0) + 1
            var record = VersionRecord(
                id: nil, modelId: modelId, number: number, status: VersionStatus.ready.rawValue, format: new.format,
                artifactSha256: new.artifact.sha256, artifactSize: new.artifact.size, signature: new.signature, opsets: new.opsets,
                dataDigest: new.lineage.dataDigest, source: new.lineage.source, parameters: new.lineage.parameters,
                metrics: new.lineage.metrics, createdBy: new.lineage.createdBy, createdAtMs: new.lineage.createdAt.registryMilliseconds,
                card: new.card,
                reference: new.reference, referenceSha256: new.reference?.artifact.sha256, example: new.example,
                exampleSha256: new.example?.artifact.sha256)
            try record.insert(db)
            let versionId = record.id ?? 0
            for (key, value) in new.tags.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
                try db.execute(sql: "INSERT INTO version_tag (version_id, key, value) VALUES (?, ?, ?)", arguments: [versionId, key, value])
            }
            var detail = new.eventDetail
            detail["sha256"] = new.artifact.sha256
            try Self.record(db, model, number, .versionCreated, detail, actor, now)
            for alias in new.aliases {
                try Self.pointAlias(db, model, alias, number, actor, now)
            }
            return try Self.loadVersion(db, model, record)
        }
    }

    public func setAlias(_ alias: String, model: String, version: Int, actor: String) throws -> Int? {
        try RegistryNames.validateAlias(alias)
        try StoreChecks.actor(actor)
        return try write { db in
            var m = try Self.fetchModel(db, model)
            let target = try Self.fetchVersion(db, m, version)
            guard target.status == VersionStatus.ready.rawValue else { throw StoreChecks.aliasToArchived(model, alias, version) }
            let now = Date.registryNow().registryMilliseconds
            let previous = try Self.pointAlias(db, m, alias, version, actor, now)
            m.updatedAtMs = now
            try m.update(db)
            return previous
        }
    }

    public func deleteAlias(_ alias: String, model: String, actor: String) throws -> Int {
        try RegistryNames.validateAlias(alias)
        try StoreChecks.actor(actor)
        return try write { db in
            var m = try Self.fetchModel(db, model)
            let modelId = try Self.id(m)
            guard let existing = try AliasRecord.filter(AliasRecord.Columns.modelId == modelId && AliasRecord.Columns.name == alias).fetchOne(db)
            else {
                throw StoreChecks.noAlias(model, alias, known: try Self.aliasNames(db, modelId))
            }
            try existing.delete(db)
            let now = Date.registryNow().registryMilliseconds
            m.updatedAtMs = now
            try m.update(db)
            try Self.record(db, m, existing.versionNumber, .aliasDeleted, ["alias": alias, "from": String(existing.versionNumber)], actor, now)
            return existing.versionNumber
        }
    }

    public func setTags(_ tags: [String: String], model: String, version: Int?, actor: String) throws {
        try StoreChecks.tags(tags)
        try StoreChecks.actor(actor)
        try write { db in
            var m = try Self.fetchModel(db, model)
            let (table, owner, ownerId): (String, String, Int64)
            if let version {
                let v = try Self.fetchVersion(db, m, version)
                (table, owner, ownerId) = ("version_tag", "version_id", v.id ?? 0)
            } else {
                (table, owner, ownerId) = ("model_tag", "model_id", try Self.id(m))
            }
            for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
                if value.isEmpty {
                    try db.execute(sql: "DELETE FROM \(table) WHERE \(owner) = ? AND key = ?", arguments: [ownerId, key])
                } else {
                    try db.execute(
                        sql:
                            "INSERT INTO \(table) (\(owner), key, value) VALUES (?, ?, ?) ON CONFLICT(\(owner), key) DO UPDATE SET value = excluded.value",
                        arguments: [ownerId, key, value])
                }
            }
            let now = Date.registryNow().registryMilliseconds
            m.updatedAtMs = now
            try m.update(db)
            try Self.record(db, m, version, .tagsSet, tags, actor, now)
        }
    }

    public func archive(model: String, version: Int, actor: String) throws -> ModelVersion {
        try StoreChecks.actor(actor)
        return try write { db in
            var m = try Self.fetchModel(db, model)
            var v = try Self.fetchVersion(db, m, version)
            guard v.status == VersionStatus.ready.rawValue else { throw StoreChecks.alreadyArchived(model, version) }
            let pointing = try String.fetchAll(
                db, sql: "SELECT name FROM alias WHERE model_id = ? AND version_number = ?", arguments: [v.modelId, version])
            guard pointing.isEmpty else { throw StoreChecks.archiveAliased(model, version, aliases: pointing) }
            try db.execute(sql: "UPDATE version SET status = 'archived' WHERE id = ?", arguments: [v.id])
            v.status = VersionStatus.archived.rawValue
            let now = Date.registryNow().registryMilliseconds
            m.updatedAtMs = now
            try m.update(db)
            try Self.record(db, m, version, .versionArchived, [:], actor, now)
            return try Self.loadVersion(db, m, v)
        }
    }

    // MARK: - Queries

    public func models() throws -> [RegisteredModel] {
        try read { db in
            let records = try ModelRecord.order(ModelRecord.Columns.name).fetchAll(db)
            var counts: [Int64: (count: Int, latest: Int?)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT model_id, COUNT(*) AS n, MAX(CASE WHEN status = 'ready' THEN number END) AS latest FROM version GROUP BY model_id")
            {
                counts[row["model_id"]] = (row["n"], row["latest"])
            }
            var tags: [Int64: [String: String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT model_id, key, value FROM model_tag") {
                tags[row["model_id"], default: [:]][row["key"]] = row["value"]
            }
            var aliases: [Int64: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT model_id, name, version_number FROM alias") {
                aliases[row["model_id"], default: [:]][row["name"]] = row["version_number"]
            }
            return records.map { m in
                let id = m.id ?? 0
                return RegisteredModel(
                    name: m.name, description: m.description, tags: tags[id] ?? [:], aliases: aliases[id] ?? [:],
                    versionCount: counts[id]?.count ?? 0, latestVersion: counts[id]?.latest ?? nil,
                    createdAt: Date(registryMilliseconds: m.createdAtMs), updatedAt: Date(registryMilliseconds: m.updatedAtMs))
            }
        }
    }

    public func model(named name: String) throws -> RegisteredModel {
        try read { db in
            let m = try Self.fetchModel(db, name)
            let id = try Self.id(m)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM version WHERE model_id = ?", arguments: [id]) ?? 0
            let latest = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM version WHERE model_id = ? AND status = 'ready'", arguments: [id])
            var tags: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM model_tag WHERE model_id = ?", arguments: [id]) {
                tags[row["key"]] = row["value"]
            }
            var aliases: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, version_number FROM alias WHERE model_id = ?", arguments: [id]) {
                aliases[row["name"]] = row["version_number"]
            }
            return RegisteredModel(
                name: m.name, description: m.description, tags: tags, aliases: aliases, versionCount: count, latestVersion: latest,
                createdAt: Date(registryMilliseconds: m.createdAtMs), updatedAt: Date(registryMilliseconds: m.updatedAtMs))
        }
    }

    public func versions(of model: String, limit: Int?) throws -> [ModelVersion] {
        try read { db in
            let m = try Self.fetchModel(db, model)
            let id = try Self.id(m)
            var request = VersionRecord.filter(VersionRecord.Columns.modelId == id).order(VersionRecord.Columns.number.desc)
            if let limit { request = request.limit(max(0, limit)) }
            let records = try request.fetchAll(db).reversed()
            var tags: [Int64: [String: String]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT t.version_id, t.key, t.value FROM version_tag t JOIN version v ON v.id = t.version_id WHERE v.model_id = ?",
                arguments: [id])
            {
                tags[row["version_id"], default: [:]][row["key"]] = row["value"]
            }
            var aliases: [Int: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, version_number FROM alias WHERE model_id = ? ORDER BY name", arguments: [id]) {
                aliases[row["version_number"], default: []].append(row["name"])
            }
            return records.map { Self.makeVersion(m.name, $0, tags: tags[$0.id ?? 0] ?? [:], aliases: aliases[$0.number] ?? []) }
        }
    }

    public func version(_ model: String, _ number: Int) throws -> ModelVersion {
        try read { db in
            let m = try Self.fetchModel(db, model)
            return try Self.loadVersion(db, m, try Self.fetchVersion(db, m, number))
        }
    }

    public func resolve(_ selector: ModelSelector) throws -> ModelVersion {
        try read { db in
            let m = try Self.fetchModel(db, selector.model)
            let id = try Self.id(m)
            let number: Int
            switch selector.target {
            case .latest:
                guard
                    let latest = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM version WHERE model_id = ? AND status = 'ready'", arguments: [id])
                else { throw StoreChecks.noReadyVersion(selector.model) }
                number = latest
            case .version(let n):
                number = n
            case .alias(let a):
                guard let n = try Int.fetchOne(db, sql: "SELECT version_number FROM alias WHERE model_id = ? AND name = ?", arguments: [id, a])
                else { throw StoreChecks.noAlias(selector.model, a, known: try Self.aliasNames(db, id)) }
                number = n
            }
            return try Self.loadVersion(db, m, try Self.fetchVersion(db, m, number))
        }
    }

    public func history(of model: String) throws -> [RegistryEvent] {
        try read { db in
            let m = try Self.fetchModel(db, model)
            return try EventRecord.filter(EventRecord.Columns.modelId == Self.id(m)).order(EventRecord.Columns.id).fetchAll(db).map { e in
                RegistryEvent(
                    sequence: e.id ?? 0, model: m.name, version: e.versionNumber, kind: RegistryEvent.Kind(rawValue: e.kind) ?? .tagsSet,
                    detail: e.detail, actor: e.actor, at: Date(registryMilliseconds: e.atMs))
            }
        }
    }

    public func referencedArtifacts() throws -> Set<String> {
        try read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT artifact_sha256 FROM version
                        UNION SELECT reference_sha256 FROM version WHERE reference_sha256 IS NOT NULL
                        UNION SELECT example_sha256 FROM version WHERE example_sha256 IS NOT NULL
                        """))
        }
    }

    // MARK: - Implementation details

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read { db in try body(db) }
        } catch {
            throw Self.translate(error)
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw RegistryError.storage("the registry transaction returned nothing") }
                return result
            }
        } catch {
            throw Self.translate(error)
        }
    }

    static func translate(_ error: any Error) -> RegistryError {
        if let e = error as? RegistryError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_CONSTRAINT: return .conflict("the registry refused the change: \(e.message ?? "constraint failed")")
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .storage("the registry database is busy (another process holds it); try again")
            default: return .storage("registry database error: \(describe(e))")
            }
        }
        return .storage("registry database error: \(describe(error))")
    }

    private static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return "\(e.resultCode): \(e.message ?? "")" }
        return "\(error)"
    }

    private static func id(_ m: ModelRecord) throws -> Int64 {
        guard let id = m.id else { throw RegistryError.storage("model '\(m.name)' has no row id") }
        return id
    }

    private static func fetchModel(_ db: Database, _ name: String) throws -> ModelRecord {
        guard let m = try ModelRecord.filter(ModelRecord.Columns.name == name).fetchOne(db) else { throw StoreChecks.noModel(name) }
        return m
    }

    private static func fetchVersion(_ db: Database, _ m: ModelRecord, _ number: Int) throws -> VersionRecord {
        let id = try id(m)
        guard let v = try VersionRecord.filter(VersionRecord.Columns.modelId == id && VersionRecord.Columns.number == number).fetchOne(db)
        else {
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM version WHERE model_id = ?", arguments: [id]) ?? 0
            throw StoreChecks.noVersion(m.name, number, count: count)
        }
        return v
    }

    private static func aliasNames(_ db: Database, _ modelId: Int64) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM alias WHERE model_id = ? ORDER BY name", arguments: [modelId])
    }

    @discardableResult
    private static func pointAlias(_ db: Database, _ m: ModelRecord, _ alias: String, _ number: Int, _ actor: String, _ now: Int64) throws -> Int? {
        let modelId = try id(m)
        let previous = try Int.fetchOne(
            db, sql: "SELECT version_number FROM alias WHERE model_id = ? AND name = ?", arguments: [modelId, alias])
        try db.execute(
            sql: """
                INSERT INTO alias (model_id, name, version_number) VALUES (?, ?, ?)
                ON CONFLICT(model_id, name) DO UPDATE SET version_number = excluded.version_number
                """, arguments: [modelId, alias, number])
        var detail = ["alias": alias, "to": String(number)]
        if let previous { detail["from"] = String(previous) }
        try record(db, m, number, .aliasSet, detail, actor, now)
        return previous
    }

    private static func record(
        _ db: Database, _ m: ModelRecord, _ version: Int?, _ kind: RegistryEvent.Kind, _ detail: [String: String], _ actor: String, _ now: Int64
    ) throws {
        var event = EventRecord(id: nil, modelId: try id(m), versionNumber: version, kind: kind.rawValue, detail: detail, actor: actor, atMs: now)
        try event.insert(db)
    }

    private static func loadVersion(_ db: Database, _ m: ModelRecord, _ v: VersionRecord) throws -> ModelVersion {
        var tags: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM version_tag WHERE version_id = ?", arguments: [v.id]) {
            tags[row["key"]] = row["value"]
        }
        let aliases = try String.fetchAll(
            db, sql: "SELECT name FROM alias WHERE model_id = ? AND version_number = ? ORDER BY name", arguments: [v.modelId, v.number])
        return makeVersion(m.name, v, tags: tags, aliases: aliases)
    }

    private static func makeVersion(_ model: String, _ v: VersionRecord, tags: [String: String], aliases: [String]) -> ModelVersion {
        ModelVersion(
            model: model, version: v.number, status: VersionStatus(rawValue: v.status) ?? .archived, format: v.format,
            artifact: ArtifactRef(sha256: v.artifactSha256, size: v.artifactSize), signature: v.signature, opsets: v.opsets,
            lineage: Lineage(
                dataDigest: v.dataDigest, source: v.source, parameters: v.parameters, metrics: v.metrics, createdBy: v.createdBy,
                createdAt: Date(registryMilliseconds: v.createdAtMs)),
            card: v.card, reference: v.reference, example: v.example, tags: tags, aliases: aliases)
    }
}

import Foundation
import Synchronization

/// A ``ModelStore`` in memory, for tests and embedding. Thread-safe; passes the same contract suite as the
/// SQLite store.
public final class InMemoryModelStore: ModelStore {
    private struct StoredModel {
        var name: String
        var description: String
        var tags: [String: String]
        var aliases: [String: Int]
        var versions: [ModelVersion]
        var createdAt: Date
        var updatedAt: Date
    }

    private struct State {
        var models: [String: StoredModel] = [:]
        var events: [RegistryEvent] = []
        var nextSequence: Int64 = 1

        mutating func record(_ model: String, _ version: Int?, _ kind: RegistryEvent.Kind, _ detail: [String: String], _ actor: String, _ at: Date) {
            events.append(RegistryEvent(sequence: nextSequence, model: model, version: version, kind: kind, detail: detail, actor: actor, at: at))
            nextSequence += 1
        }
    }

    private let state = Mutex(State())

    public init() {}

    public func createVersion(_ new: NewVersion) throws -> ModelVersion {
        try new.validate()
        return try state.withLock { (s: inout State) throws(RegistryError) -> ModelVersion in
            let now = Date.registryNow()
            var stored =
                s.models[new.model]
                ?? StoredModel(name: new.model, description: new.description, tags: [:], aliases: [:], versions: [], createdAt: now, updatedAt: now)
            let isNew = s.models[new.model] == nil
            if let existing = stored.versions.first(where: { $0.artifact.sha256 == new.artifact.sha256 }) {
                throw StoreChecks.duplicateArtifact(new.model, existing: existing.version, sha256: new.artifact.sha256)
            }
            let actor = new.actor ?? new.lineage.createdBy
            var lineage = new.lineage
            lineage.createdAt = lineage.createdAt.registryTruncated
            let number = stored.versions.count + 1
            let version = ModelVersion(
                model: new.model, version: number, status: .ready, format: new.format, artifact: new.artifact, signature: new.signature,
                opsets: new.opsets, lineage: lineage, card: new.card, reference: new.reference, example: new.example, tags: new.tags,
                aliases: [])
            stored.versions.append(version)
            if !new.description.isEmpty { stored.description = new.description }
            stored.updatedAt = now
            if isNew { s.record(new.model, nil, .modelCreated, [:], actor, now) }
            var detail = new.eventDetail
            detail["sha256"] = new.artifact.sha256
            s.record(new.model, number, .versionCreated, detail, actor, now)
            for alias in new.aliases {
                let previous = stored.aliases[alias]
                stored.aliases[alias] = number
                var detail = ["alias": alias, "to": String(number)]
                if let previous { detail["from"] = String(previous) }
                s.record(new.model, number, .aliasSet, detail, actor, now)
            }
            s.models[new.model] = stored
            return Self.decorate(version, stored)
        }
    }

    public func models() throws -> [RegisteredModel] {
        state.withLock { s in s.models.values.sorted { $0.name < $1.name }.map(Self.summary) }
    }

    public func model(named name: String) throws -> RegisteredModel {
        try state.withLock { (s: inout State) throws(RegistryError) -> RegisteredModel in
            guard let stored = s.models[name] else { throw StoreChecks.noModel(name) }
            return Self.summary(stored)
        }
    }

    public func versions(of model: String, limit: Int?) throws -> [ModelVersion] {
        try state.withLock { (s: inout State) throws(RegistryError) -> [ModelVersion] in
            guard let stored = s.models[model] else { throw StoreChecks.noModel(model) }
            let all = stored.versions.map { Self.decorate($0, stored) }
            if let limit { return Array(all.suffix(max(0, limit))) }
            return all
        }
    }

    public func version(_ model: String, _ number: Int) throws -> ModelVersion {
        try state.withLock { (s: inout State) throws(RegistryError) -> ModelVersion in
            guard let stored = s.models[model] else { throw StoreChecks.noModel(model) }
            return Self.decorate(try Self.find(stored, number), stored)
        }
    }

    public func resolve(_ selector: ModelSelector) throws -> ModelVersion {
        try state.withLock { (s: inout State) throws(RegistryError) -> ModelVersion in
            guard let stored = s.models[selector.model] else { throw StoreChecks.noModel(selector.model) }
            switch selector.target {
            case .latest:
                guard let v = stored.versions.last(where: { $0.status == .ready }) else { throw StoreChecks.noReadyVersion(selector.model) }
                return Self.decorate(v, stored)
            case .version(let n):
                return Self.decorate(try Self.find(stored, n), stored)
            case .alias(let a):
                guard let n = stored.aliases[a] else { throw StoreChecks.noAlias(selector.model, a, known: Array(stored.aliases.keys)) }
                return Self.decorate(try Self.find(stored, n), stored)
            }
        }
    }

    public func setAlias(_ alias: String, model: String, version: Int, actor: String) throws -> Int? {
        try RegistryNames.validateAlias(alias)
        try StoreChecks.actor(actor)
        return try state.withLock { (s: inout State) throws(RegistryError) -> Int? in
            guard var stored = s.models[model] else { throw StoreChecks.noModel(model) }
            let target = try Self.find(stored, version)
            guard target.status == .ready else { throw StoreChecks.aliasToArchived(model, alias, version) }
            let previous = stored.aliases[alias]
            let now = Date.registryNow()
            stored.aliases[alias] = version
            stored.updatedAt = now
            s.models[model] = stored
            var detail = ["alias": alias, "to": String(version)]
            if let previous { detail["from"] = String(previous) }
            s.record(model, version, .aliasSet, detail, actor, now)
            return previous
        }
    }

    public func deleteAlias(_ alias: String, model: String, actor: String) throws -> Int {
        try RegistryNames.validateAlias(alias)
        try StoreChecks.actor(actor)
        return try state.withLock { (s: inout State) throws(RegistryError) -> Int in
            guard var stored = s.models[model] else { throw StoreChecks.noModel(model) }
            guard let previous = stored.aliases.removeValue(forKey: alias) else {
                throw StoreChecks.noAlias(model, alias, known: Array(stored.aliases.keys))
            }
            let now = Date.registryNow()
            stored.updatedAt = now
            s.models[model] = stored
            s.record(model, previous, .aliasDeleted, ["alias": alias, "from": String(previous)], actor, now)
            return previous
        }
    }

    public func setTags(_ tags: [String: String], model: String, version: Int?, actor: String) throws {
        try StoreChecks.tags(tags)
        try StoreChecks.actor(actor)
        try state.withLock { (s: inout State) throws(RegistryError) in
            guard var stored = s.models[model] else { throw StoreChecks.noModel(model) }
            let now = Date.registryNow()
            if let version {
                _ = try Self.find(stored, version)
                var v = stored.versions[version - 1]
                for (key, value) in tags { v.tags[key] = value.isEmpty ? nil : value }
                stored.versions[version - 1] = v
            } else {
                for (key, value) in tags { stored.tags[key] = value.isEmpty ? nil : value }
            }
            stored.updatedAt = now
            s.models[model] = stored
            s.record(model, version, .tagsSet, tags, actor, now)
        }
    }

    public func archive(model: String, version: Int, actor: String) throws -> ModelVersion {
        try StoreChecks.actor(actor)
        return try state.withLock { (s: inout State) throws(RegistryError) -> ModelVersion in
            guard var stored = s.models[model] else { throw StoreChecks.noModel(model) }
            var v = try Self.find(stored, version)
            guard v.status == .ready else { throw StoreChecks.alreadyArchived(model, version) }
            let pointing = stored.aliases.filter { $0.value == version }.map(\.key)
            guard pointing.isEmpty else { throw StoreChecks.archiveAliased(model, version, aliases: pointing) }
            let now = Date.registryNow()
            v.status = .archived
            stored.versions[version - 1] = v
            stored.updatedAt = now
            s.models[model] = stored
            s.record(model, version, .versionArchived, [:], actor, now)
            return Self.decorate(v, stored)
        }
    }

    public func history(of model: String) throws -> [RegistryEvent] {
        try state.withLock { (s: inout State) throws(RegistryError) -> [RegistryEvent] in
            guard s.models[model] != nil else { throw StoreChecks.noModel(model) }
            return s.events.filter { $0.model == model }
        }
    }

    public func referencedArtifacts() throws -> Set<String> {
        state.withLock { s in
            var result = Set<String>()
            for m in s.models.values {
                for v in m.versions {
                    result.insert(v.artifact.sha256)
                    if let r = v.reference { result.insert(r.artifact.sha256) }
                    if let e = v.example { result.insert(e.artifact.sha256) }
                }
            }
            return result
        }
    }

    private static func find(_ stored: StoredModel, _ number: Int) throws(RegistryError) -> ModelVersion {
        guard number >= 1, number <= stored.versions.count else {
            throw StoreChecks.noVersion(stored.name, number, count: stored.versions.count)
        }
        return stored.versions[number - 1]
    }

    private static func decorate(_ version: ModelVersion, _ stored: StoredModel) -> ModelVersion {
        var v = version
        v.aliases = stored.aliases.filter { $0.value == version.version }.map(\.key).sorted()
        return v
    }

    private static func summary(_ m: StoredModel) -> RegisteredModel {
        RegisteredModel(
            name: m.name, description: m.description, tags: m.tags, aliases: m.aliases, versionCount: m.versions.count,
            latestVersion: m.versions.last(where: { $0.status == .ready })?.version, createdAt: m.createdAt, updatedAt: m.updatedAt)
    }
}

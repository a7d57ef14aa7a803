import Foundation
import SlipwayRegistry
import Testing

/// One contract, every store: what any `ModelStore` (in memory, SQLite queue, SQLite pool, later PostgreSQL) must do.
@Suite struct ModelStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func createsNumberedVersionsAndTheModel(kind: StoreKind) throws {
        let store = try kind.make()
        // Given an empty store, when two versions are created
        let v1 = try store.createVersion(draft("iris", seed: 1, tags: ["team": "ml"], description: "Iris classifier"))
        let v2 = try store.createVersion(draft("iris", seed: 2))
        // Then they are numbered 1, 2 and keep everything they were given
        #expect(v1.version == 1)
        #expect(v2.version == 2)
        #expect(v1.status == .ready)
        #expect(v1.tags == ["team": "ml"])
        #expect(v1.lineage.parameters == ["max_depth": "3"])
        #expect(v1.lineage.metrics == ["accuracy": 0.97])
        #expect(v1.lineage.createdAt == Date(timeIntervalSince1970: 1_700_000_000.123).registryTruncated)
        #expect(v1.signature == irisSignature)
        #expect(v1.card == "# iris\n")
        #expect(try store.version("iris", 1) == v1)
        let model = try store.model(named: "iris")
        #expect(model.description == "Iris classifier")
        #expect(model.versionCount == 2)
        #expect(model.latestVersion == 2)
        #expect(try store.models().map(\.name) == ["iris"])
        #expect(try store.versions(of: "iris").map(\.version) == [1, 2])
        #expect(try store.versions(of: "iris", limit: 1).map(\.version) == [2])
    }

    @Test(arguments: StoreKind.allCases)
    func sameArtifactTwiceIsAConflictAndWritesNothing(kind: StoreKind) throws {
        let store = try kind.make()
        _ = try store.createVersion(draft("iris", seed: 1))
        let error = #expect(throws: RegistryError.self) { try store.createVersion(draft("iris", seed: 1, aliases: ["prod"])) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("version 1") == true)
        #expect(try store.versions(of: "iris").count == 1)
        #expect(try store.model(named: "iris").aliases.isEmpty)
        // Another model may hold the same bytes.
        #expect(try store.createVersion(draft("iris-copy", seed: 1)).version == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func invalidDraftsAreRejectedBeforeAnyWrite(kind: StoreKind) throws {
        let store = try kind.make()
        for (d, fragment) in [
            (draft("Iris", seed: 1), "invalid model name 'Iris'"),
            (draft("iris", seed: 1, aliases: ["Prod"]), "invalid alias 'Prod'"),
            (draft("iris", seed: 1, aliases: ["prod", "prod"]), "given twice"),
            (draft("iris", seed: 1, tags: ["bad key": "x"]), "invalid tag key 'bad key'"),
            (draft("iris", seed: 1, actor: ""), "actor"),
        ] {
            let error = #expect(throws: RegistryError.self) { try store.createVersion(d) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
        }
        var bad = draft("iris", seed: 1)
        bad.artifact.sha256 = "xyz"
        #expect(throws: RegistryError.self) { try store.createVersion(bad) }
        bad = draft("iris", seed: 1)
        bad.lineage.metrics = ["loss": .nan]
        #expect(throws: RegistryError.self) { try store.createVersion(bad) }
        #expect(try store.models().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func resolvesSelectors(kind: StoreKind) throws {
        let store = try kind.make()
        _ = try store.createVersion(draft("iris", seed: 1, aliases: ["production"]))
        _ = try store.createVersion(draft("iris", seed: 2, aliases: ["staging"]))
        #expect(try store.resolve("iris").version == 2)
        #expect(try store.resolve("iris:1").version == 1)
        #expect(try store.resolve("iris@production").version == 1)
        #expect(try store.resolve("iris@production").aliases == ["production"])
        #expect(try store.resolve("iris@staging").version == 2)
        let unknownVersion = #expect(throws: RegistryError.self) { try store.resolve("iris:7") }
        #expect(unknownVersion?.code == .notFound)
        #expect(unknownVersion?.message == "model 'iris' has no version 7 (it has versions 1–2)")
        let unknownAlias = #expect(throws: RegistryError.self) { try store.resolve("iris@champion") }
        #expect(unknownAlias?.message == "model 'iris' has no alias 'champion' (its aliases: production, staging)")
        let unknownModel = #expect(throws: RegistryError.self) { try store.resolve("rose") }
        #expect(unknownModel?.code == .notFound)
        #expect(unknownModel?.message == "no model named 'rose'")
    }

    @Test(arguments: StoreKind.allCases)
    func aliasesMoveAndAreDeleted(kind: StoreKind) throws {
        let store = try kind.make()
        _ = try store.createVersion(draft("iris", seed: 1))
        _ = try store.createVersion(draft("iris", seed: 2))
        #expect(try store.setAlias("production", model: "iris", version: 1, actor: "bob") == nil)
        #expect(try store.setAlias("production", model: "iris", version: 2, actor: "bob") == 1)
        #expect(try store.resolve("iris@production").version == 2)
        #expect(try store.version("iris", 1).aliases.isEmpty)
        #expect(try store.model(named: "iris").aliases == ["production": 2])
        #expect(try store.deleteAlias("production", model: "iris", actor: "bob") == 2)
        #expect(throws: RegistryError.self) { try store.resolve("iris@production") }
        let missing = #expect(throws: RegistryError.self) { try store.deleteAlias("production", model: "iris", actor: "bob") }
        #expect(missing?.code == .notFound)
        let badVersion = #expect(throws: RegistryError.self) { try store.setAlias("production", model: "iris", version: 9, actor: "bob") }
        #expect(badVersion?.code == .notFound)
        let badAlias = #expect(throws: RegistryError.self) { try store.setAlias("3", model: "iris", version: 1, actor: "bob") }
        #expect(badAlias?.code == .invalidArgument)
    }

    @Test(arguments: StoreKind.allCases)
    func tagsAreSetAndRemoved(kind: StoreKind) throws {
        let store = try kind.make()
        _ = try store.createVersion(draft("iris", seed: 1, tags: ["stage": "dev"]))
        try store.setTags(["stage": "qa", "owner": "ml"], model: "iris", version: 1, actor: "carol")
        #expect(try store.version("iris", 1).tags == ["stage": "qa", "owner": "ml"])
        try store.setTags(["stage": ""], model: "iris", version: 1, actor: "carol")
        #expect(try store.version("iris", 1).tags == ["owner": "ml"])
        try store.setTags(["domain": "botany"], model: "iris", version: nil, actor: "carol")
        #expect(try store.model(named: "iris").tags == ["domain": "botany"])
        #expect(throws: RegistryError.self) { try store.setTags([:], model: "iris", version: nil, actor: "carol") }
        #expect(throws: RegistryError.self) { try store.setTags(["k": "v"], model: "iris", version: 4, actor: "carol") }
        #expect(throws: RegistryError.self) { try store.setTags(["k": "v"], model: "nope", version: nil, actor: "carol") }
    }

    @Test(arguments: StoreKind.allCases)
    func archivedVersionsAreSkippedAndNeverAliased(kind: StoreKind) throws {
        let store = try kind.make()
        _ = try store.createVersion(draft("iris", seed: 1))
        _ = try store.createVersion(draft("iris", seed: 2, aliases: ["production"]))
        let aliased = #expect(throws: RegistryError.self) { try store.archive(model: "iris", version: 2, actor: "dan") }
        #expect(aliased?.code == .conflict)
        #expect(aliased?.message.contains("'production'") == true)
        try store.deleteAlias("production", model: "iris", actor: "dan")
        #expect(try store.archive(model: "iris", version: 2, actor: "dan").status == .archived)
        #expect(try store.resolve("iris").version == 1)
        #expect(try store.resolve("iris:2").status == .archived)
        #expect(try store.model(named: "iris").latestVersion == 1)
        let toArchived = #expect(throws: RegistryError.self) { try store.setAlias("production", model: "iris", version: 2, actor: "dan") }
        #expect(toArchived?.code == .conflict)
        let twice = #expect(throws: RegistryError.self) { try store.archive(model: "iris", version: 2, actor: "dan") }
        #expect(twice?.code == .conflict)
        try store.archive(model: "iris", version: 1, actor: "dan")
        let none = #expect(throws: RegistryError.self) { try store.resolve("iris") }
        #expect(none?.code == .notFound)
    }

    @Test(arguments: StoreKind.allCases)
    func historyRecordsEveryChangeInOrder(kind: StoreKind) throws {
        let store = try kind.make()
        _ = try store.createVersion(draft("iris", seed: 1, aliases: ["staging"], actor: "alice"))
        _ = try store.createVersion(draft("iris", seed: 2, actor: "alice"))
        try store.setAlias("staging", model: "iris", version: 2, actor: "bob")
        try store.setTags(["k": "v"], model: "iris", version: 1, actor: "carol")
        try store.deleteAlias("staging", model: "iris", actor: "bob")
        try store.archive(model: "iris", version: 1, actor: "dan")
        let history = try store.history(of: "iris")
        #expect(
            history.map(\.kind) == [
                .modelCreated, .versionCreated, .aliasSet, .versionCreated, .aliasSet, .tagsSet, .aliasDeleted, .versionArchived,
            ])
        #expect(history.map(\.actor) == ["alice", "alice", "alice", "alice", "bob", "carol", "bob", "dan"])
        #expect(history[4].detail == ["alias": "staging", "from": "1", "to": "2"])
        #expect(history[1].detail["sha256"] == hash(1))
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.sequence < $1.sequence && $0.at <= $1.at })
        #expect(throws: RegistryError.self) { try store.history(of: "rose") }
    }

    @Test(arguments: StoreKind.allCases)
    func referencedArtifactsCoverEveryRow(kind: StoreKind) throws {
        let store = try kind.make()
        var d = draft("iris", seed: 1)
        d.reference = ReferenceData(artifact: ArtifactRef(sha256: hash(2), size: 5), format: .csv, columns: ["a"], rows: 1)
        d.example = ExampleRun(artifact: ArtifactRef(sha256: hash(3), size: 5), outputs: [])
        _ = try store.createVersion(d)
        _ = try store.createVersion(draft("rose", seed: 4))
        #expect(try store.referencedArtifacts() == [hash(1), hash(2), hash(3), hash(4)])
        let v = try store.version("iris", 1)
        #expect(v.reference?.columns == ["a"])
        #expect(v.example?.artifact.sha256 == hash(3))
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentCreatesGetDistinctNumbers(kind: StoreKind) async throws {
        let store = try kind.make()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for seed in 1...16 { group.addTask { try store.createVersion(draft("iris", seed: seed)).version } }
            var numbers: [Int] = []
            for try await n in group { numbers.append(n) }
            #expect(numbers.sorted() == Array(1...16))
        }
    }
}

import GRDB

/// The registry schema. Migrations are named and frozen: once one has shipped it is never edited; a
/// change is a new migration appended below. They use string names only, never the record types, and put
/// every invariant in the schema (NOT NULL, CHECK, UNIQUE, foreign keys, triggers).
enum RegistryMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1-models") { db in
            try db.create(table: "model") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                    .check(sql: "length(name) BETWEEN 1 AND 64 AND name GLOB '[a-z0-9]*' AND name NOT GLOB '*[^a-z0-9._-]*'")
                t.column("description", .text).notNull().defaults(to: "")
                t.column("created_at_ms", .integer).notNull()
                t.column("updated_at_ms", .integer).notNull()
            }
            try db.create(table: "model_tag") { t in
                t.column("model_id", .integer).notNull().references("model", onDelete: .cascade)
                t.column("key", .text).notNull().check(sql: "length(key) BETWEEN 1 AND 250")
                t.column("value", .text).notNull().check(sql: "length(value) BETWEEN 1 AND 5000")
                t.primaryKey(["model_id", "key"])
            }
        }

        migrator.registerMigration("v1-versions") { db in
            try db.create(table: "version") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model_id", .integer).notNull().references("model", onDelete: .restrict)
                t.column("number", .integer).notNull().check(sql: "number >= 1")
                t.column("status", .text).notNull().check(sql: "status IN ('ready', 'archived')")
                t.column("format", .text).notNull().check(sql: "format IN ('onnx')")
                t.column("artifact_sha256", .text).notNull()
                    .check(sql: "length(artifact_sha256) = 64 AND artifact_sha256 NOT GLOB '*[^0-9a-f]*'")
                t.column("artifact_size", .integer).notNull().check(sql: "artifact_size >= 0")
                t.column("signature", .jsonText).notNull()
                t.column("opsets", .jsonText).notNull()
                t.column("data_digest", .text)
                    .check(sql: "data_digest IS NULL OR (length(data_digest) = 64 AND data_digest NOT GLOB '*[^0-9a-f]*')")
                t.column("source", .text)
                t.column("parameters", .jsonText).notNull()
                t.column("metrics", .jsonText).notNull()
                t.column("created_by", .text).notNull()
                t.column("created_at_ms", .integer).notNull()
                t.column("card", .text)
                t.column("reference", .jsonText)
                t.column("reference_sha256", .text)
                    .check(sql: "reference_sha256 IS NULL OR (length(reference_sha256) = 64 AND reference_sha256 NOT GLOB '*[^0-9a-f]*')")
                t.column("example", .jsonText)
                t.column("example_sha256", .text)
                t.check(sql: "(reference IS NULL) = (reference_sha256 IS NULL)")
                t.check(sql: "(example IS NULL) = (example_sha256 IS NULL)")
                t.uniqueKey(["model_id", "number"])
                // A model holds an artifact once: versions are immutable, so a second copy would be a duplicate.
                t.uniqueKey(["model_id", "artifact_sha256"])
            }
            try db.create(table: "version_tag") { t in
                t.column("version_id", .integer).notNull().references("version", onDelete: .cascade)
                t.column("key", .text).notNull().check(sql: "length(key) BETWEEN 1 AND 250")
                t.column("value", .text).notNull().check(sql: "length(value) BETWEEN 1 AND 5000")
                t.primaryKey(["version_id", "key"])
            }
            // Versions are immutable: only the status may change, and only from ready to archived.
            try db.execute(
                sql: """
                    CREATE TRIGGER version_immutable
                    BEFORE UPDATE OF id, model_id, number, format, artifact_sha256, artifact_size, signature, opsets, data_digest,
                        source, parameters, metrics, created_by, created_at_ms, card, reference, reference_sha256, example, example_sha256
                    ON version
                    BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
                    CREATE TRIGGER version_status_forward
                    BEFORE UPDATE OF status ON version WHEN OLD.status = 'archived'
                    BEGIN SELECT RAISE(ABORT, 'an archived version stays archived'); END;
                    CREATE TRIGGER version_no_delete
                    BEFORE DELETE ON version
                    BEGIN SELECT RAISE(ABORT, 'model versions are never deleted'); END;
                    """)
        }

        migrator.registerMigration("v1-aliases") { db in
            try db.create(table: "alias") { t in
                t.column("model_id", .integer).notNull()
                t.column("name", .text).notNull()
                    .check(sql: "length(name) BETWEEN 1 AND 63 AND name GLOB '[a-z]*' AND name NOT GLOB '*[^a-z0-9_-]*'")
                t.column("version_number", .integer).notNull()
                t.primaryKey(["model_id", "name"])
                // The alias points at a version of its own model.
                t.foreignKey(["model_id", "version_number"], references: "version", columns: ["model_id", "number"])
            }
            try db.create(index: "alias_on_version", on: "alias", columns: ["model_id", "version_number"])
            try db.execute(
                sql: """
                    CREATE TRIGGER alias_insert_ready
                    BEFORE INSERT ON alias
                    WHEN (SELECT status FROM version WHERE model_id = NEW.model_id AND number = NEW.version_number) = 'archived'
                    BEGIN SELECT RAISE(ABORT, 'an alias cannot point at an archived version'); END;
                    CREATE TRIGGER alias_update_ready
                    BEFORE UPDATE ON alias
                    WHEN (SELECT status FROM version WHERE model_id = NEW.model_id AND number = NEW.version_number) = 'archived'
                    BEGIN SELECT RAISE(ABORT, 'an alias cannot point at an archived version'); END;
                    CREATE TRIGGER version_archive_unaliased
                    BEFORE UPDATE OF status ON version
                    WHEN NEW.status = 'archived' AND EXISTS (SELECT 1 FROM alias WHERE model_id = NEW.model_id AND version_number = NEW.number)
                    BEGIN SELECT RAISE(ABORT, 'an aliased version cannot be archived'); END;
                    """)
        }

        migrator.registerMigration("v1-events") { db in
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model_id", .integer).notNull().references("model", onDelete: .restrict)
                t.column("version_number", .integer)
                t.column("kind", .text).notNull()
                    .check(
                        sql:
                            "kind IN ('model_created', 'version_created', 'alias_set', 'alias_deleted', 'tags_set', 'version_archived')"
                    )
                t.column("detail", .jsonText).notNull()
                t.column("actor", .text).notNull().check(sql: "length(actor) >= 1")
                t.column("at_ms", .integer).notNull()
            }
            try db.create(index: "event_on_model", on: "event", columns: ["model_id", "id"])
            // The history is append-only.
            try db.execute(
                sql: """
                    CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'the event history is append-only'); END;
                    CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'the event history is append-only'); END;
                    """)
        }
        return migrator
    }
}

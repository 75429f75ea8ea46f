import Foundation
import KindlingMigrations
@testable import KindlingStorage
import KindlingTesting
import Testing

@Suite("Migrations")
struct MigratorTests {
    static let snapshotPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots/kindling.sql").path

    @Test("every Migrations/ file is compiled in, numbered and parsed")
    func catalogIsEmbedded() {
        let names = MigrationCatalog.all.map(\.fileName)
        #expect(names.contains("kindling/0001_create_catalog.sql"))
        #expect(names.contains("kv/0001_create_entries.sql"))
        #expect(names.contains("kv/0002_index_expiration.sql"))
        #expect(MigrationCatalog.migrations(for: "kv").map(\.id) == [1, 2])
    }

    @Test("a fresh database gets every migration, and its schema matches the snapshot")
    func freshDatabase() async throws {
        try await withTemporaryDirectory { root in
            let persistence = try Persistence.open(root: root)
            _ = try persistence.database.withConnection { connection in
                try Catalog.register(kind: "kv", name: "counts", migrator: persistence.migrator, now: 0, in: connection)
            }
            persistence.shutdown()

            let file = SQLiteFile(path: root + "/kindling.sqlite")
            #expect(
                try file.rows("SELECT store, id, name FROM kindling_migrations ORDER BY store, id") == [
                    ["kindling", "1", "create_catalog"]
                ]
            )
            #expect(try file.rows("PRAGMA journal_mode") == [["wal"]])
            let schema =
                try file.rows(
                    "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type DESC, name"
                ).map { $0[0] + ";" }.joined(separator: "\n") + "\n"
            let snapshot = try String(contentsOfFile: Self.snapshotPath, encoding: .utf8)
            #expect(schema == snapshot)
        }
    }

    @Test("opening again applies nothing twice")
    func rerunIsNoOp() async throws {
        try await withTemporaryDirectory { root in
            try Persistence.open(root: root).shutdown()
            try Persistence.open(root: root).shutdown()
            let file = SQLiteFile(path: root + "/kindling.sqlite")
            #expect(try file.rows("SELECT count(*) FROM kindling_migrations") == [["1"]])
        }
    }

    @Test("a database from an older Kindling is upgraded in place, data kept")
    func olderDatabaseIsUpgraded() async throws {
        try await withTemporaryDirectory { root in
            // An older Kindling: it knew only the first KV table migration (no expiry index).
            let older = MigrationCatalog.all.filter { !($0.store == "kv" && $0.id > 1) }
            let old = try Persistence.open(root: root, migrations: older)
            let entry = try old.database.withConnection { connection in
                try Catalog.register(kind: "kv", name: "counts", migrator: old.migrator, now: 0, in: connection)
            }
            #expect(entry.schemaVersion == 1)
            try ExpiringKeyValueStore(table: entry.tableName, database: old.database, clock: FakeClock())
                .put("count", StoredEntry(value: Array("6".utf8)))
            old.shutdown()

            let file = SQLiteFile(path: root + "/kindling.sqlite")
            #expect(
                try file.rows(
                    "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'kv_counts' AND sql IS NOT NULL"
                ) == []
            )

            let current = try Persistence.open(root: root)
            current.shutdown()
            #expect(try file.rows("SELECT schema_version FROM kindling_catalog WHERE name = 'counts'") == [["2"]])
            #expect(
                try file.rows(
                    "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'kv_counts' AND sql IS NOT NULL"
                ) == [["kv_counts:expiration"]]
            )
            #expect(try file.rows("SELECT key, CAST(value AS TEXT) FROM kv_counts") == [["count", "6"]])
        }
    }

    @Test(
        "a database from a newer Kindling is refused, naming the file and both versions, and left untouched",
        arguments: [
            "INSERT INTO kindling_migrations VALUES ('kindling', 7, 'add_something', '0', 0)",
            "UPDATE kindling_catalog SET schema_version = 9 WHERE name = 'counts'",
        ]
    )
    func newerDatabaseIsRefused(change: String) async throws {
        try await withTemporaryDirectory { root in
            let persistence = try Persistence.open(root: root)
            _ = try persistence.database.withConnection { connection in
                try Catalog.register(kind: "kv", name: "counts", migrator: persistence.migrator, now: 0, in: connection)
            }
            persistence.shutdown()
            let path = root + "/kindling.sqlite"
            let editor = try SQLiteConnection(path: path)
            try editor.execute(change)
            try editor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            editor.close()
            let before = SQLiteFile(path: path).contents()

            let error = try #require(throws: StorageError.self) { try Persistence.open(root: root) }
            #expect(error.code == .newerDatabase)
            #expect(error.message.contains(path))
            #expect(error.message.contains("written by a newer Kindling"))
            if change.contains("kindling_migrations") {
                #expect(error.message.contains("kindling/0007"))
                #expect(error.message.contains("kindling/0001_create_catalog.sql"))
            } else {
                #expect(error.message.contains("kv/0009"))
                #expect(error.message.contains("kv/0002_index_expiration.sql"))
            }
            #expect(SQLiteFile(path: path).contents() == before)
        }
    }

    @Test("a file that is not a database is refused with a fix, and left untouched")
    func corruptFileIsRefused() async throws {
        try await withTemporaryDirectory { root in
            let path = root + "/kindling.sqlite"
            let garbage = Data(repeating: 0x41, count: 4096)
            _ = FileManager.default.createFile(atPath: path, contents: garbage)
            let error = try #require(throws: StorageError.self) { try Persistence.open(root: root) }
            #expect(error.code == .corruptDatabase)
            #expect(error.message.contains("not a SQLite database"))
            #expect(FileManager.default.contents(atPath: path) == garbage)
        }
    }

    @Test("a persistence root that is a file is refused")
    func rootIsAFile() async throws {
        try await withTemporaryDirectory { root in
            let file = root + "/state"
            _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
            let error = try #require(throws: StorageError.self) { try Persistence.open(root: file) }
            #expect(error.code == .unusableRoot)
            #expect(
                error.message
                    == "The persistence directory \(file) is a file. Pass a directory, e.g. --persist-to .kindling"
            )
        }
    }

    @Test("a temporary root is deleted at shutdown")
    func temporaryRoot() throws {
        let persistence = try Persistence.temporary()
        #expect(FileManager.default.fileExists(atPath: persistence.databasePath))
        persistence.shutdown()
        #expect(!FileManager.default.fileExists(atPath: persistence.rootPath))
    }
}

@Suite("Opening a root while another process holds the lock")
struct BusyOpenTests {
    @Test("a busy answer during open is retried, any other error is not")
    func retriesOnlyBusy() throws {
        var attempts = 0
        try Persistence.retryingWhileBusy {
            attempts += 1
            if attempts < 3 { throw StorageError(code: .sqlite, message: "database is locked", resultCode: 5 | (2 << 8)) }
        }
        #expect(attempts == 3)
        attempts = 0
        #expect(throws: StorageError.self) {
            try Persistence.retryingWhileBusy {
                attempts += 1
                throw StorageError(code: .sqlite, message: "disk I/O error", resultCode: 10)
            }
        }
        #expect(attempts == 1)
    }
}

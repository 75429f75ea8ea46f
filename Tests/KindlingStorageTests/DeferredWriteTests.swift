import KindlingStorage
import KindlingTesting
import Testing

/// Deferred writes (the storage half of Kindling's output gate): acknowledged at once, read back
/// by the store at once, in the file only once committed — by `commitPendingWrites`, by a write
/// that commits at once, or by closing the database — and always in the order they were made.
@Suite("Deferred writes")
struct DeferredWriteTests {
    /// A store over namespace `counts` of a fresh root; the commit timer is set far out, so only
    /// what a test does commits.
    static func withStore(_ body: (Persistence, ExpiringKeyValueStore, SQLiteFile) throws -> Void) async throws {
        try await withTemporaryDirectory { root in
            let persistence = try Persistence.open(root: root, commitDelay: .seconds(3600))
            defer { persistence.shutdown() }
            let entry = try persistence.database.withConnection { connection in
                try Catalog.register(kind: "kv", name: "counts", migrator: persistence.migrator, now: 0, in: connection)
            }
            let store = ExpiringKeyValueStore(table: entry.tableName, database: persistence.database, clock: FakeClock())
            try body(persistence, store, SQLiteFile(path: root + "/kindling.sqlite"))
        }
    }

    static func text(_ entry: StoredEntry?) -> String? {
        entry.map { String(decoding: $0.value, as: UTF8.self) }
    }

    static let rows = "SELECT key, CAST(value AS TEXT) FROM kv_counts ORDER BY key"

    @Test("read back at once, in the file once committed, several writes to a key ending as the last one")
    func commitTogether() async throws {
        try await Self.withStore { persistence, store, file in
            try store.put("a", StoredEntry(value: Array("1".utf8)), deferred: true)
            try store.put("b", StoredEntry(value: Array("2".utf8)), deferred: true)
            try store.put("a", StoredEntry(value: Array("3".utf8)), deferred: true)
            try store.deleteDeferred("b")
            #expect(Self.text(try store.get("a")) == "3")
            #expect(try store.get("b") == nil)
            #expect(try store.get(["a", "b"]).map(Self.text) == ["3", nil])
            #expect(try file.rows(Self.rows) == [])
            try persistence.database.commitPendingWrites()
            #expect(try file.rows(Self.rows) == [["a", "3"]])
            #expect(Self.text(try store.get("a")) == "3")
        }
    }

    @Test("a write that commits at once takes the deferred ones before it along, in order")
    func orderKept() async throws {
        try await Self.withStore { _, store, file in
            try store.put("a", StoredEntry(value: Array("deferred".utf8)), deferred: true)
            try store.put("b", StoredEntry(value: Array("deferred".utf8)), deferred: true)
            try store.put("a", StoredEntry(value: Array("at once".utf8)))
            #expect(try file.rows(Self.rows) == [["a", "at once"], ["b", "deferred"]])
        }
    }

    @Test("a listing sees deferred writes; closing the database commits them")
    func listAndClose() async throws {
        try await withTemporaryDirectory { root in
            let persistence = try Persistence.open(root: root, commitDelay: .seconds(3600))
            let entry = try persistence.database.withConnection { connection in
                try Catalog.register(kind: "kv", name: "counts", migrator: persistence.migrator, now: 0, in: connection)
            }
            let store = ExpiringKeyValueStore(table: entry.tableName, database: persistence.database, clock: FakeClock())
            try store.put("x", StoredEntry(value: Array("1".utf8)), deferred: true)
            #expect(try store.list(prefix: "", after: nil, limit: 10).keys.map(\.key) == ["x"])
            try store.put("y", StoredEntry(value: Array("2".utf8)), deferred: true)
            persistence.shutdown()
            #expect(try SQLiteFile(path: root + "/kindling.sqlite").rows(Self.rows) == [["x", "1"], ["y", "2"]])
            #expect(throws: StorageError.self) { try store.put("z", StoredEntry(value: []), deferred: true) }
        }
    }
}

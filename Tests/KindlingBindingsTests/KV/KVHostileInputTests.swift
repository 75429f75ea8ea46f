import KindlingBindings
import KindlingStorage
import KindlingTesting
import Testing

/// Namespace names are whatever a user writes in wrangler.toml and keys are any string: none
/// of them may break out of their quoting or collide.
@Suite("KV namespace: hostile names and keys")
struct KVHostileInputTests {
    static let names = [
        "counts", "my-ns", "a\"b; DROP TABLE x; --", "Robert'); DROP TABLE kindling_catalog;--",
        "nul\u{0}byte", "emoji 😀 name", "COUNTS", "kv_counts", "sqlite_master", "",
    ]

    @Test("every hostile namespace name gets its own table and round-trips through the catalog")
    func namespaceNames() async throws {
        try await withKV { kv, _ in
            for name in Self.names {
                try kv.namespace(name).put("owner", name)
            }
            for name in Self.names {
                #expect(try kv.namespace(name).get("owner")?.text == name)
            }
            let entries = try kv.namespaces()
            #expect(Set(entries.map(\.name)) == Set(Self.names))
            #expect(Set(entries.map { $0.tableName.lowercased() }).count == Self.names.count)
            #expect(entries.allSatisfy { $0.tableName.hasPrefix("kv_") })
            #expect(try kv.namespace("counts").get("owner")?.text == "counts")
        }
    }

    @Test("hostile keys round-trip through put, get, list and delete")
    func keys() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let keys = [
                "it's", "a\"b", "x; DROP TABLE kv_ns; --", "nul\u{0}inside", "\u{0}", "🦄🦄", "%_\\", "tab\there", "'",
            ]
            for (index, key) in keys.enumerated() {
                try ns.put(key, "value \(index)")
            }
            for (index, key) in keys.enumerated() {
                #expect(try ns.get(key)?.text == "value \(index)")
            }
            #expect(Set(try ns.list().keys.map(\.name)) == Set(keys))
            #expect(try ns.list(KVListOptions(prefix: "nul\u{0}")).keys.map(\.name) == ["nul\u{0}inside"])
            for key in keys {
                try ns.delete(key)
            }
            #expect(try ns.list().keys.isEmpty)
        }
    }
}

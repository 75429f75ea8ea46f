import Foundation
import KindlingBindings
import KindlingStorage
import KindlingTesting
import Testing

@Suite("KV namespace: get, put, delete")
struct KVNamespaceTests {
    @Test("get returns what put wrote, and nil for a missing key")
    func putThenGet() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("counts")
            try ns.put("key", "value")
            #expect(try ns.get("key")?.text == "value")
            #expect(try ns.get("missing") == nil)
        }
    }

    @Test("an empty value is stored as empty, not missing")
    func emptyValue() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key", "")
            #expect(try ns.get("key")?.value == [])
        }
    }

    @Test("binary values round-trip byte for byte")
    func binaryValue() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let bytes: [UInt8] = [0, 255, 1, 0, 0xC3, 0x28, 10]
            try ns.put("bin", bytes)
            #expect(try ns.get("bin")?.value == bytes)
        }
    }

    @Test("keys are case-sensitive and put overwrites value, expiry and metadata")
    func overwrite() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key", "lower")
            try ns.put("KEY", "upper")
            try ns.put("key", "v1", options: KVPutOptions(expiration: timeNow + 600, metadata: #"{"a":1}"#))
            try ns.put("key", "v2")
            let entry = try #require(try ns.get("key"))
            #expect(entry.text == "v2")
            #expect(entry.expiration == nil)
            #expect(entry.metadata == nil)
            #expect(try ns.get("KEY")?.text == "upper")
        }
    }

    @Test("getWithMetadata gives the metadata as written, and its expiration")
    func metadata() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key", "value", options: KVPutOptions(expiration: timeNow + 500, metadata: #"{"testing":true}"#))
            let entry = try #require(try ns.get("key"))
            #expect(entry.metadata == #"{"testing":true}"#)
            #expect(entry.expiration == timeNow + 500)
            try ns.put("n", "v", options: KVPutOptions(metadata: "123"))
            #expect(try ns.get("n")?.metadata == "123")
        }
    }

    @Test("delete removes a key; deleting a missing key succeeds")
    func delete() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key", "value")
            try ns.delete("key")
            #expect(try ns.get("key") == nil)
            try ns.delete("never-there")
        }
    }

    @Test("bulk get returns values in the order asked, nil for missing keys")
    func bulkGet() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key1", "value1", options: KVPutOptions(metadata: #"{"m":1}"#))
            try ns.put("key3", "value3")
            let result = try ns.get(["key3", "key2", "key1"])
            #expect(result.map(\.key) == ["key3", "key2", "key1"])
            #expect(result.map { $0.entry?.text } == ["value3", nil, "value1"])
            #expect(result[2].entry?.metadata == #"{"m":1}"#)
            let hundred = (0..<100).map { "key\($0)" }
            #expect(try ns.get(hundred).count == 100)
        }
    }

    @Test("bulk get refuses a total over the size limit")
    func bulkGetSize() async throws {
        var limits = KVLimits()
        limits.maxBulkSize = 1024
        try await withKV(limits: limits) { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key1", String(repeating: "x", count: 1024))
            try ns.put("key2", String(repeating: "x", count: 1024))
            let error = try #require(throws: BindingError.self) { try ns.get(["key1", "key2"]) }
            #expect(
                error.message == "KV GET_BULK failed: 413 Total size of request exceeds the limit of 0.0009765625MB"
            )
        }
    }

    @Test("two handles on the same namespace name share rows; other names do not")
    func sharedByName() async throws {
        try await withTemporaryDirectory { root in
            let first = try Persistence.open(root: root)
            let second = try Persistence.open(root: root)
            defer {
                first.shutdown()
                second.shutdown()
            }
            let counts = try KVService(persistence: first).namespace("counts")
            let numbers = try KVService(persistence: second).namespace("counts")
            let other = try KVService(persistence: second).namespace("other")
            try counts.put("count", "1")
            #expect(try numbers.get("count")?.text == "1")
            try numbers.put("count", "2")
            #expect(try counts.get("count")?.text == "2")
            #expect(try other.get("count") == nil)
        }
    }

    @Test("a namespace is one table, registered in the catalog, holding the rows")
    func tableLayout() async throws {
        try await withTemporaryDirectory { root in
            let persistence = try Persistence.open(root: root)
            defer { persistence.shutdown() }
            let ns = try KVService(persistence: persistence).namespace("counts")
            try ns.put("count", "6")
            #expect(ns.tableName == "kv_counts")
            #expect(
                try sqliteRows(persistence, "SELECT kind, name, table_name FROM kindling_catalog") == [
                    ["kv", "counts", "kv_counts"]
                ]
            )
            #expect(try sqliteRows(persistence, "SELECT key, CAST(value AS TEXT) FROM kv_counts") == [["count", "6"]])
        }
    }

    @Test("reading a namespace that was never written creates nothing")
    func existingNamespace() async throws {
        try await withKV { kv, _ in
            #expect(try kv.existingNamespace("nope") == nil)
            #expect(try kv.namespaces().isEmpty)
            _ = try kv.namespace("yes")
            #expect(try kv.existingNamespace("yes")?.name == "yes")
            #expect(try kv.namespaces().map(\.name) == ["yes"])
        }
    }
}

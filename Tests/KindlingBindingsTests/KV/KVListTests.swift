import Foundation
import KindlingBindings
import KindlingTesting
import Testing

@Suite("KV namespace: list")
struct KVListTests {
    @Test("keys come back in UTF-8 byte order, not UTF-16 order")
    func byteOrder() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            // U+FFFD is EF BF BD in UTF-8 but U+1F600 is F0 9F 98 80: byte order puts the emoji
            // last, while UTF-16 order (D83D…) would put it before U+FFFD.
            for key in ["😀", "\u{FFFD}", "b", "B", "a", ", ", "!", "é"] {
                try ns.put(key, "v")
            }
            #expect(try ns.list().keys.map(\.name) == ["!", ", ", "B", "a", "b", "é", "\u{FFFD}", "😀"])
        }
    }

    @Test("prefix selects keys, is case-sensitive, and treats SQL wildcards literally")
    func prefix() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            for key in [
                "section1key1", "section1key2", "section2key1", "SECTION1x", #"key\_%1"#, #"key\a"#, #"key\_%2"#,
                "keyZ",
            ] {
                try ns.put(key, "v")
            }
            #expect(
                try ns.list(KVListOptions(prefix: "section1")).keys.map(\.name) == ["section1key1", "section1key2"]
            )
            #expect(try ns.list(KVListOptions(prefix: #"key\_%"#)).keys.map(\.name) == [#"key\_%1"#, #"key\_%2"#])
            #expect(try ns.list(KVListOptions(prefix: "none")).keys.isEmpty)
        }
    }

    @Test("a prefix ending in the highest code point still bounds the scan")
    func prefixUpperBound() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            for key in ["a\u{10FFFF}x", "a\u{10FFFF}", "b"] {
                try ns.put(key, "v")
            }
            #expect(
                try ns.list(KVListOptions(prefix: "a\u{10FFFF}")).keys.map(\.name) == ["a\u{10FFFF}", "a\u{10FFFF}x"]
            )
        }
    }

    @Test("2,500 keys page through with cursors: 1000, 1000, 500, then complete")
    func paginationAcrossPages() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let keys = (0..<2500).map { String(format: "key%05d", $0) }
            for key in keys {
                try ns.put(key, "v")
            }
            var pages: [Int] = []
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try ns.list(KVListOptions(cursor: cursor))
                pages.append(page.keys.count)
                seen += page.keys.map(\.name)
                #expect(page.listComplete == (page.cursor == nil))
                cursor = page.cursor
            } while cursor != nil
            #expect(pages == [1000, 1000, 500])
            #expect(seen == keys)
            #expect(try ns.allKeys(prefix: "key01", limit: 7).count == 1000)
        }
    }

    @Test("the last page has list_complete and no cursor; earlier pages have a cursor")
    func pageFlags() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            for key in ["key1", "key2", "key3"] {
                try ns.put(key, "v")
            }
            let first = try ns.list(KVListOptions(limit: 2))
            #expect(first.keys.map(\.name) == ["key1", "key2"])
            #expect(first.listComplete == false)
            let cursor = try #require(first.cursor)
            let second = try ns.list(KVListOptions(limit: 2, cursor: cursor))
            #expect(second.keys.map(\.name) == ["key3"])
            #expect(second.listComplete)
            #expect(second.cursor == nil)
            let exact = try ns.list(KVListOptions(limit: 3))
            #expect(exact.listComplete)
            #expect(exact.cursor == nil)
        }
    }

    @Test("the limit may change between pages")
    func variableLimit() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            for key in ["key1", "key2", "key3"] {
                try ns.put(key, "v")
            }
            let first = try ns.list(KVListOptions(limit: 1))
            #expect(first.keys.map(\.name) == ["key1"])
            let rest = try ns.list(KVListOptions(limit: 2, cursor: first.cursor))
            #expect(rest.keys.map(\.name) == ["key2", "key3"])
            #expect(rest.listComplete)
        }
    }

    @Test("keys inserted while paginating appear only after the cursor")
    func insertWhilePaginating() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            for key in ["key1", "key3", "key5"] {
                try ns.put(key, "v")
            }
            let first = try ns.list(KVListOptions(limit: 2))
            #expect(first.keys.map(\.name) == ["key1", "key3"])
            try ns.put("key2", "v")
            try ns.put("key4", "v")
            let second = try ns.list(KVListOptions(limit: 2, cursor: first.cursor))
            #expect(second.keys.map(\.name) == ["key4", "key5"])
            #expect(second.listComplete)
        }
    }

    @Test("a cursor with a prefix continues within the prefix")
    func cursorWithPrefix() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            for key in ["a1", "s1k1", "s1k2", "s1k3", "s2k1"] {
                try ns.put(key, "v")
            }
            #expect(try ns.allKeys(prefix: "s1", limit: 2) == ["s1k1", "s1k2", "s1k3"])
        }
    }

    @Test("listed keys carry expiration (seconds) and metadata")
    func expirationAndMetadata() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key1", "v", options: KVPutOptions(expiration: timeNow + 500, metadata: #"{"testing":1}"#))
            try ns.put("key2", "v")
            let keys = try ns.list().keys
            #expect(keys[0].name == "key1")
            #expect(keys[0].expiration == timeNow + 500)
            #expect(keys[0].metadata == #"{"testing":1}"#)
            #expect(keys[1].expiration == nil)
            #expect(keys[1].metadata == nil)
        }
    }

    @Test("a cursor that no list produced is refused")
    func badCursor() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let error = try #require(throws: BindingError.self) { try ns.list(KVListOptions(cursor: "%%%")) }
            #expect(error.message.hasPrefix("KV GET failed: 400 Invalid cursor"))
        }
    }
}

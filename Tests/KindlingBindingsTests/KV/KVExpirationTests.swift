import KindlingBindings
import KindlingStorage
import KindlingTesting
import Testing

@Suite("KV namespace: expiration")
struct KVExpirationTests {
    @Test("expirationTtl: present at 59 s, gone at 60 s, for get, bulk get and list")
    func ttl() async throws {
        try await withKV { kv, clock in
            let ns = try kv.namespace("ns")
            try ns.put("key", "value", options: KVPutOptions(expirationTtl: 60))
            #expect(try ns.get("key")?.expiration == timeNow + 60)
            clock.advance(bySeconds: 59)
            #expect(try ns.get("key")?.text == "value")
            #expect(try ns.list().keys.map(\.name) == ["key"])
            clock.advance(bySeconds: 1)
            #expect(try ns.get("key") == nil)
            #expect(try ns.get(["key"])[0].entry == nil)
            #expect(try ns.list().keys.isEmpty)
        }
    }

    @Test("expiration: an absolute time in seconds, gone once reached")
    func absolute() async throws {
        try await withKV { kv, clock in
            let ns = try kv.namespace("ns")
            for index in 1...3 {
                try ns.put("key\(index)", "v", options: KVPutOptions(expiration: timeNow + Int64(index) * 60))
            }
            clock.advance(bySeconds: 130)
            let keys = try ns.list().keys
            #expect(keys.map(\.name) == ["key3"])
            #expect(keys.map(\.expiration) == [timeNow + 180])
        }
    }

    @Test("expirationTtl wins over expiration")
    func ttlWins() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key", "v", options: KVPutOptions(expiration: timeNow + 5000, expirationTtl: 100))
            #expect(try ns.get("key")?.expiration == timeNow + 100)
        }
    }

    @Test("expired rows are removed from disk by the sweep, live ones stay")
    func sweep() async throws {
        try await withTemporaryDirectory { root in
            let clock = FakeClock(now: timeNow * 1000)
            let persistence = try Persistence.open(root: root, clock: clock)
            defer { persistence.shutdown() }
            let ns = try KVService(persistence: persistence).namespace("ns")
            try ns.put("short", "v", options: KVPutOptions(expirationTtl: 60))
            try ns.put("long", "v", options: KVPutOptions(expirationTtl: 3600))
            try ns.put("forever", "v")
            clock.advance(bySeconds: 61)
            #expect(try sqliteRows(persistence, "SELECT count(*) FROM kv_ns") == [["3"]])
            // A write a minute or more after the last sweep sweeps as part of its transaction.
            try ns.put("trigger", "v")
            #expect(
                try sqliteRows(persistence, "SELECT key FROM kv_ns ORDER BY key") == [
                    ["forever"], ["long"], ["trigger"],
                ]
            )
            clock.advance(bySeconds: 3600)
            #expect(try ns.sweepExpired() == 1)
            #expect(try sqliteRows(persistence, "SELECT key FROM kv_ns ORDER BY key") == [["forever"], ["trigger"]])
        }
    }
}

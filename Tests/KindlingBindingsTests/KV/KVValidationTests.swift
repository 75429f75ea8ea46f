import KindlingBindings
import KindlingStorage
import KindlingTesting
import Testing

/// Each limit with production's exact wording (as Miniflare's tests pin it), and proof that a
/// refused call wrote nothing.
@Suite("KV namespace: limits and their messages")
struct KVValidationTests {
    static let longKey = String(repeating: "x", count: 513)

    enum Call: String, CaseIterable, Sendable {
        case get, getBulk, put, delete
    }

    @Test(
        "invalid keys are refused with production's error type and text",
        arguments: Call.allCases,
        [
            ("", "TypeError", "Key name cannot be empty."),
            (".", "TypeError", "\".\" is not allowed as a key name."),
            ("..", "TypeError", "\"..\" is not allowed as a key name."),
            (longKey, "Error", "KV %@ failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."),
        ]
    )
    func invalidKey(call: Call, case: (key: String, jsName: String, message: String)) async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let error = try #require(throws: BindingError.self) {
                switch call {
                case .get: _ = try ns.get(`case`.key)
                case .getBulk: _ = try ns.get(["fine", `case`.key])
                case .put: try ns.put(`case`.key, "v")
                case .delete: try ns.delete(`case`.key)
                }
            }
            let operation =
                ["get": "GET", "getBulk": "GET_BULK", "put": "PUT", "delete": "DELETE"][call.rawValue] ?? ""
            #expect(error.message == `case`.message.replacing("%@", with: operation))
            #expect(error.jsErrorName == `case`.jsName)
            #expect(try ns.list().keys.isEmpty)
        }
    }

    @Test("a 512-byte key of 4-byte characters is accepted; one more byte is not")
    func keyLengthCountsBytes() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let key = String(repeating: "😀", count: 128)
            try ns.put(key, "v")
            #expect(try ns.get(key)?.text == "v")
            let error = try #require(throws: BindingError.self) { try ns.put(key + "x", "v") }
            #expect(error.message == "KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.")
        }
    }

    @Test(
        "put options outside the limits are refused and write nothing",
        arguments: [
            (
                KVPutOptions(expirationTtl: 0),
                "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0."
            ),
            (
                KVPutOptions(expirationTtl: -5),
                "KV PUT failed: 400 Invalid expiration_ttl of -5. Please specify integer greater than 0."
            ),
            (
                KVPutOptions(expirationTtl: 30),
                "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60."
            ),
            (
                KVPutOptions(expirationTtl: 59),
                "KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60."
            ),
            (
                KVPutOptions(expiration: 0),
                "KV PUT failed: 400 Invalid expiration of 0. Please specify integer greater than the current number of seconds since the UNIX epoch."
            ),
            (
                KVPutOptions(expiration: timeNow),
                "KV PUT failed: 400 Invalid expiration of \(timeNow). Please specify integer greater than the current number of seconds since the UNIX epoch."
            ),
            (
                KVPutOptions(expiration: timeNow + 30),
                "KV PUT failed: 400 Invalid expiration of \(timeNow + 30). Expiration times must be at least 60 seconds in the future."
            ),
            (
                KVPutOptions(metadata: "{\"key\":\"" + String(repeating: "x", count: 1015) + "\"}"),
                "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024."
            ),
        ]
    )
    func invalidPutOptions(options: KVPutOptions, message: String) async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key", "old")
            let error = try #require(throws: BindingError.self) { try ns.put("key", "new", options: options) }
            #expect(error.message == message)
            #expect(try ns.get("key")?.text == "old")
        }
    }

    @Test("the boundary values are accepted: ttl 60, expiration now + 60, metadata of 1024 bytes")
    func boundariesAccepted() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("a", "v", options: KVPutOptions(expirationTtl: 60))
            try ns.put("b", "v", options: KVPutOptions(expiration: timeNow + 60))
            try ns.put(
                "c",
                "v",
                options: KVPutOptions(metadata: "{\"key\":\"" + String(repeating: "x", count: 1014) + "\"}")
            )
            #expect(try ns.list().keys.count == 3)
        }
    }

    @Test("metadata must be JSON")
    func metadataMustBeJSON() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let error = try #require(throws: BindingError.self) {
                try ns.put("key", "v", options: KVPutOptions(metadata: "{not json"))
            }
            #expect(error.jsErrorName == "TypeError")
            #expect(error.message.contains("{not json"))
            #expect(try ns.get("key") == nil)
        }
    }

    @Test("a value over the size limit is refused; one byte less is stored")
    func valueSize() async throws {
        var limits = KVLimits()
        limits.maxValueSize = 1024
        try await withKV(limits: limits) { kv, _ in
            let ns = try kv.namespace("ns")
            let error = try #require(throws: BindingError.self) {
                try ns.put("key", [UInt8](repeating: 1, count: 1025))
            }
            #expect(error.message == "KV PUT failed: 413 Value length of 1025 exceeds limit of 1024.")
            #expect(try ns.get("key") == nil)
            try ns.put("key", [UInt8](repeating: 1, count: 1024))
            #expect(try ns.get("key")?.value.count == 1024)
        }
    }

    @Test("a 25 MiB value is accepted by default, 25 MiB + 1 is not")
    func defaultValueLimit() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            let limit = 25 * 1024 * 1024
            try ns.put("big", [UInt8](repeating: 7, count: limit))
            #expect(try ns.get("big")?.value.count == limit)
            let error = try #require(throws: BindingError.self) {
                try ns.put("bigger", [UInt8](repeating: 7, count: limit + 1))
            }
            #expect(error.message == "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.")
        }
    }

    @Test(
        "list limits and long prefixes are refused with production's wording",
        arguments: [
            (
                KVListOptions(limit: 1001),
                "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000."
            ),
            (
                KVListOptions(limit: 0),
                "KV GET failed: 400 Invalid key_count_limit of 0. Please specify an integer greater than 0."
            ),
            (
                KVListOptions(prefix: String(repeating: "p", count: 513)),
                "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
            ),
        ]
    )
    func invalidList(options: KVListOptions, message: String) async throws {
        try await withKV { kv, _ in
            let error = try #require(throws: BindingError.self) { try kv.namespace("ns").list(options) }
            #expect(error.message == message)
        }
    }

    @Test(
        "bulk get key counts and cacheTtl are checked",
        arguments: [
            (0, nil, "KV GET_BULK failed: 400 You must request a minimum of 1 key"),
            (101, nil, "KV GET_BULK failed: 400 You can request a maximum of 100 keys"),
            (1, 10, "KV GET_BULK failed: 400 Invalid cache_ttl of 10. Cache TTL must be at least 30."),
        ] as [(Int, Int64?, String)]
    )
    func invalidBulk(count: Int, cacheTtl: Int64?, message: String) async throws {
        try await withKV { kv, _ in
            let keys = (0..<count).map { "key\($0)" }
            let error = try #require(throws: BindingError.self) { try kv.namespace("ns").get(keys, cacheTtl: cacheTtl) }
            #expect(error.message == message)
        }
    }

    @Test("cacheTtl is validated, then ignored")
    func cacheTtl() async throws {
        try await withKV { kv, _ in
            let ns = try kv.namespace("ns")
            try ns.put("key", "value")
            let error = try #require(throws: BindingError.self) { try ns.get("key", cacheTtl: 10) }
            #expect(error.message == "KV GET failed: 400 Invalid cache_ttl of 10. Cache TTL must be at least 30.")
            #expect(try ns.get("key", cacheTtl: 30)?.text == "value")
        }
    }
}

import Foundation
import Kindling
import KindlingTesting
import Testing

/// The KV binding as Workers code sees it: each test runs a worker that makes a series of KV
/// calls and answers JSON of what it got back, which the test compares with what Cloudflare's
/// runtime (workerd's `api/kv.c++`) and Miniflare's KV tests say a worker gets.
@Suite("KV binding through a worker", .timeLimit(.minutes(2)))
struct KVBindingTests {
    // MARK: get

    @Test("get: text by default, and the text, json, arrayBuffer and stream forms of one value")
    func getForms() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("doc", '{"a":[1,"two"]}');
            const buffer = await env.KV.get("doc", "arrayBuffer");
            const stream = await env.KV.get("doc", { type: "stream" });
            return {
              plain: await env.KV.get("doc"),
              text: await env.KV.get("doc", "text"),
              textOption: await env.KV.get("doc", { type: "text" }),
              json: await env.KV.get("doc", "json"),
              jsonOption: await env.KV.get("doc", { type: "json", cacheTtl: 60 }),
              arrayBuffer: [buffer instanceof ArrayBuffer, buffer.byteLength, new TextDecoder().decode(buffer)],
              stream: [typeof stream.getReader, await new Response(stream).text()],
              emptyOptions: await env.KV.get("doc", {}),
            };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "plain": "{\"a\":[1,\"two\"]}",
                      "text": "{\"a\":[1,\"two\"]}",
                      "textOption": "{\"a\":[1,\"two\"]}",
                      "json": {"a": [1, "two"]},
                      "jsonOption": {"a": [1, "two"]},
                      "arrayBuffer": [true, 15, "{\"a\":[1,\"two\"]}"],
                      "stream": ["function", "{\"a\":[1,\"two\"]}"],
                      "emptyOptions": "{\"a\":[1,\"two\"]}"
                    }
                    """#
                )
        )
    }

    @Test("get: a missing key is null in every form; an empty value is an empty string")
    func getMissing() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("empty", "");
            return {
              missing: await Promise.all(["text", "json", "arrayBuffer", "stream"].map((t) => env.KV.get("nope", t))),
              empty: await env.KV.get("empty"),
              emptyBytes: (await env.KV.get("empty", "arrayBuffer")).byteLength,
            };
            """#
        )
        #expect(answer == JSON(#"{"missing": [null, null, null, null], "empty": "", "emptyBytes": 0}"#))
    }

    @Test("get: binary values come back byte for byte; as text, bad bytes become U+FFFD and a BOM is kept")
    func getBinary() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("bin", new Uint8Array([0, 255, 128, 10, 0]));
            await env.KV.put("bom", "\uFEFFx");
            const buffer = await env.KV.get("bin", "arrayBuffer");
            const text = await env.KV.get("bin");
            return [[...new Uint8Array(buffer)], [...text].map((c) => c.codePointAt(0)), (await env.KV.get("bom")).length];
            """#
        )
        #expect(answer == JSON("[[0, 255, 128, 10, 0], [0, 65533, 65533, 10, 0], 2]"))
    }

    @Test("get as text decodes malformed UTF-8 as TextDecoder does: one U+FFFD per maximal invalid subsequence")
    func getTextMalformed() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            // A truncated 3-byte sequence before "A", a lone continuation byte, an overlong NUL, an encoded
            // surrogate, a code point above U+10FFFF, and a 4-byte sequence cut off at the end.
            const bytes = new Uint8Array([0xE2, 0x82, 0x41, 0x80, 0xC0, 0x80, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80,
                                          0xF0, 0x9F, 0x98]);
            await env.KV.put("bad", bytes);
            const codes = (text) => [...text].map((c) => c.codePointAt(0));
            const expected = codes(new TextDecoder().decode(bytes));
            return {
              plain: codes(await env.KV.get("bad")),
              typed: codes(await env.KV.get("bad", { type: "text" })),
              sameAsDecoder: JSON.stringify(codes(await env.KV.get("bad", "text"))) === JSON.stringify(expected),
            };
            """#
        )
        let codes = "[65533, 65, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533]"
        #expect(answer == JSON(#"{"plain": \#(codes), "typed": \#(codes), "sameAsDecoder": true}"#))
    }

    @Test("get: an unknown type is a TypeError naming the four types (for a key that exists)")
    func getUnknownType() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("key", "value");
            return {
              string: await outcome(() => env.KV.get("key", "blob")),
              option: await outcome(() => env.KV.get("key", { type: "xml" })),
              withMetadata: await outcome(() => env.KV.getWithMetadata("key", "blob")),
              // workerd checks the type once the value arrives: a missing key is just null.
              missing: await outcome(() => env.KV.get("nope", "blob")),
            };
            """#
        )
        let error =
            #"{"error": "TypeError", "message": "Unknown response type. Possible types are \"text\", \"arrayBuffer\", \"json\", and \"stream\"."}"#
        #expect(
            answer
                == JSON(
                    #"{"string": \#(error), "option": \#(error), "withMetadata": \#(error), "missing": {"ok": null}}"#
                )
        )
    }

    @Test("get: cacheTtl is validated (a non-number counts as 0) and otherwise ignored")
    func getCacheTtl() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("key", "value");
            return [
              await outcome(() => env.KV.get("key", { cacheTtl: 10 })),
              await outcome(() => env.KV.get("key", { cacheTtl: "not a number" })),
              await outcome(() => env.KV.getWithMetadata("key", { cacheTtl: 29 })),
              await outcome(() => env.KV.get("key", { cacheTtl: 30 })),
              await outcome(() => env.KV.get("key", { type: "text", cacheTtl: 3600.9 })),
            ];
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    [
                      {"error": "Error", "message": "KV GET failed: 400 Invalid cache_ttl of 10. Cache TTL must be at least 30."},
                      {"error": "Error", "message": "KV GET failed: 400 Invalid cache_ttl of 0. Cache TTL must be at least 30."},
                      {"error": "Error", "message": "KV GET failed: 400 Invalid cache_ttl of 29. Cache TTL must be at least 30."},
                      {"ok": "value"},
                      {"ok": "value"}
                    ]
                    """#
                )
        )
    }

    // MARK: bulk get

    @Test("bulk get: a Map in the order asked, null for missing keys, text or json")
    func bulkGet() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("a", '{"n":1}');
            await env.KV.put("b", '"two"');
            const text = await env.KV.get(["b", "missing", "a"]);
            const json = await env.KV.get(["a", "b", "missing"], "json");
            const jsonOption = await env.KV.get(["a"], { type: "json", cacheTtl: 60 });
            return {
              isMap: text instanceof Map,
              text: [...text],
              json: [...json],
              jsonOption: [...jsonOption],
            };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "isMap": true,
                      "text": [["b", "\"two\""], ["missing", null], ["a", "{\"n\":1}"]],
                      "json": [["a", {"n": 1}], ["b", "two"], ["missing", null]],
                      "jsonOption": [["a", {"n": 1}]]
                    }
                    """#
                )
        )
    }

    @Test("bulk getWithMetadata: a Map of {value, metadata}, null for missing keys")
    func bulkGetWithMetadata() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("a", "1", { metadata: { tag: "first" } });
            await env.KV.put("b", "[2]");
            const text = await env.KV.getWithMetadata(["a", "b", "c"]);
            const json = await env.KV.getWithMetadata(["b"], "json");
            return { isMap: text instanceof Map, text: [...text], json: [...json] };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "isMap": true,
                      "text": [["a", {"value": "1", "metadata": {"tag": "first"}}],
                               ["b", {"value": "[2]", "metadata": null}],
                               ["c", null]],
                      "json": [["b", {"value": [2], "metadata": null}]]
                    }
                    """#
                )
        )
    }

    @Test(
        "bulk get: bad types, no keys, over 100 keys, bad keys and non-JSON values reject with the bulk API's wording"
    )
    func bulkGetErrors() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("plain", "not json");
            const keys = Array.from({ length: 101 }, (_, i) => `k${i}`);
            return [
              await outcome(() => env.KV.get(["a"], "arrayBuffer")),
              await outcome(() => env.KV.get(["a"], { type: "stream" })),
              await outcome(() => env.KV.get([])),
              await outcome(() => env.KV.get(keys)),
              await outcome(async () => (await env.KV.get(keys.slice(0, 100))).size),
              await outcome(() => env.KV.get(["plain"], "json")),
              await outcome(() => env.KV.get(["a"], { cacheTtl: 5 })),
              await outcome(() => env.KV.get(["a", ""])),
              await outcome(() => env.KV.getWithMetadata([".."])),
              await outcome(() => env.KV.get(["x".repeat(513)])),
            ];
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    [
                      {"error": "Error", "message": "KV GET_BULK failed: 400 \"arrayBuffer\" is not a valid type. Use \"json\" or \"text\""},
                      {"error": "Error", "message": "KV GET_BULK failed: 400 \"stream\" is not a valid type. Use \"json\" or \"text\""},
                      {"error": "Error", "message": "KV GET_BULK failed: 400 You must request a minimum of 1 key"},
                      {"error": "Error", "message": "KV GET_BULK failed: 400 You can request a maximum of 100 keys"},
                      {"ok": 100},
                      {"error": "Error", "message": "KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value"},
                      {"error": "Error", "message": "KV GET_BULK failed: 400 Invalid cache_ttl of 5. Cache TTL must be at least 30."},
                      {"error": "Error", "message": "KV GET_BULK failed: 400 Key names must not be empty"},
                      {"error": "Error", "message": "KV GET_BULK failed: 400 Illegal key name \"..\". Please use a different name."},
                      {"error": "Error", "message": "KV GET_BULK failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."}
                    ]
                    """#
                )
        )
    }

    // MARK: getWithMetadata

    @Test("getWithMetadata: {value, metadata, cacheStatus: null}, with null metadata when none was written")
    func getWithMetadata() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("with", '{"v":1}', { metadata: { author: "ann", n: [1, 2] } });
            await env.KV.put("without", "plain");
            const buffer = await env.KV.getWithMetadata("with", { type: "arrayBuffer" });
            const stream = await env.KV.getWithMetadata("with", "stream");
            return {
              with: await env.KV.getWithMetadata("with"),
              json: await env.KV.getWithMetadata("with", "json"),
              buffer: [buffer.value instanceof ArrayBuffer, buffer.value.byteLength, buffer.metadata],
              stream: [await new Response(stream.value).text(), stream.metadata.author],
              without: await env.KV.getWithMetadata("without"),
              missing: await env.KV.getWithMetadata("missing"),
              keys: Object.keys(await env.KV.getWithMetadata("without")),
            };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "with": {"value": "{\"v\":1}", "metadata": {"author": "ann", "n": [1, 2]}, "cacheStatus": null},
                      "json": {"value": {"v": 1}, "metadata": {"author": "ann", "n": [1, 2]}, "cacheStatus": null},
                      "buffer": [true, 7, {"author": "ann", "n": [1, 2]}],
                      "stream": ["{\"v\":1}", "ann"],
                      "without": {"value": "plain", "metadata": null, "cacheStatus": null},
                      "missing": {"value": null, "metadata": null, "cacheStatus": null},
                      "keys": ["value", "metadata", "cacheStatus"]
                    }
                    """#
                )
        )
    }

    // MARK: put

    @Test("put: strings, ArrayBuffers, typed-array views (their window only), DataViews and body streams")
    func putValueKinds() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            const bytes = new Uint8Array([65, 66, 67, 68, 69, 70]);
            await env.KV.put("string", "héllo");
            await env.KV.put("buffer", bytes.buffer);
            await env.KV.put("view", bytes.subarray(2, 4));
            await env.KV.put("dataView", new DataView(bytes.buffer, 1, 3));
            await env.KV.put("int16", new Int16Array([0x4241]));
            await env.KV.put("stream", new Response("from a stream").body);
            await env.KV.put("requestBody", new Request("http://x/", { method: "POST", body: "request body" }).body);
            const names = ["string", "buffer", "view", "dataView", "int16", "stream", "requestBody"];
            return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await env.KV.get(n)])));
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {"string": "héllo", "buffer": "ABCDEF", "view": "CD", "dataView": "BCD", "int16": "AB",
                     "stream": "from a stream", "requestBody": "request body"}
                    """#
                )
        )
    }

    @Test(
        "put: other objects are a TypeError; primitives are written as strings, as WebIDL converts them (a Symbol key is a TypeError)"
    )
    func putOtherValues() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            const results = [];
            for (const value of [{ a: 1 }, [1, 2], new Blob(["x"]), new Map(), () => 1]) {
              results.push(await outcome(() => env.KV.put("object", value)));
            }
            results.push(await outcome(() => env.KV.get(Symbol("key"))).then((r) => r.error));
            await env.KV.put("number", 42);
            await env.KV.put("boolean", true);
            results.push(await env.KV.get("object"), await env.KV.get("number"), await env.KV.get("boolean"));
            return results;
            """#
        )
        let error =
            #"{"error": "TypeError", "message": "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values."}"#
        #expect(
            answer == JSON("[\(error), \(error), \(error), \(error), \(error), \"TypeError\", null, \"42\", \"true\"]")
        )
    }

    @Test("put: expiration, expirationTtl and metadata show in list and getWithMetadata; a second put replaces all")
    func putOptions() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            const now = Math.floor(Date.now() / 1000);
            await env.KV.put("absolute", "1", { expiration: now + 3600, metadata: { n: 1 } });
            await env.KV.put("relative", "2", { expirationTtl: 120 });
            await env.KV.put("replaced", "old", { expirationTtl: 600, metadata: { old: true } });
            await env.KV.put("replaced", "new");
            await env.KV.put("nullMetadata", "4", { metadata: null, expiration: undefined });
            const { keys } = await env.KV.list();
            const byName = Object.fromEntries(keys.map((k) => [k.name, k]));
            return {
              absolute: [byName.absolute.expiration - now, byName.absolute.metadata],
              relativeWithin: byName.relative.expiration - now >= 119 && byName.relative.expiration - now <= 121,
              replaced: [byName.replaced, await env.KV.getWithMetadata("replaced")],
              nullMetadata: byName.nullMetadata,
            };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "absolute": [3600, {"n": 1}],
                      "relativeWithin": true,
                      "replaced": [{"name": "replaced"}, {"value": "new", "metadata": null, "cacheStatus": null}],
                      "nullMetadata": {"name": "nullMetadata"}
                    }
                    """#
                )
        )
    }

    @Test("put: expirationTtl and expiration limits, and metadata over 1024 bytes, reject with production's text")
    func putOptionErrors() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            const now = Math.floor(Date.now() / 1000);
            const put = (options) => outcome(() => env.KV.put("key", "value", options));
            return {
              ttl30: await put({ expirationTtl: 30 }),
              ttl0: await put({ expirationTtl: 0 }),
              ttlNaN: await put({ expirationTtl: "nan" }),
              ttl60: await put({ expirationTtl: 60 }),
              past: await put({ expiration: 1000 }),
              soon: (await put({ expiration: now + 30 })).message === `KV PUT failed: 400 Invalid expiration of ${now + 30}. Expiration times must be at least 60 seconds in the future.`,
              expirationNaN: await put({ expiration: "nan" }),
              metadata1025: await put({ metadata: { key: "x".repeat(1024 - '{"key":""}'.length + 1) } }),
              metadata1024: await put({ metadata: { key: "x".repeat(1024 - '{"key":""}'.length) } }),
              stored: await env.KV.getWithMetadata("key").then((r) => r.metadata.key.length),
            };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "ttl30": {"error": "Error", "message": "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60."},
                      "ttl0": {"error": "Error", "message": "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0."},
                      "ttlNaN": {"error": "Error", "message": "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0."},
                      "ttl60": {"ok": null},
                      "past": {"error": "Error", "message": "KV PUT failed: 400 Invalid expiration of 1000. Please specify integer greater than the current number of seconds since the UNIX epoch."},
                      "soon": true,
                      "expirationNaN": {"error": "Error", "message": "KV PUT failed: 400 Invalid expiration of 0. Please specify integer greater than the current number of seconds since the UNIX epoch."},
                      "metadata1025": {"error": "Error", "message": "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024."},
                      "metadata1024": {"ok": null},
                      "stored": 1014
                    }
                    """#
                )
        )
    }

    @Test("put: a value over 25 MiB rejects with 413; nothing is written")
    func putValueTooLarge() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            const big = new Uint8Array(25 * 1024 * 1024 + 1);
            return [
              await outcome(() => env.KV.put("big", big)),
              await env.KV.get("big"),
              await outcome(async () => { await env.KV.put("big", big.subarray(1)); return (await env.KV.get("big", "arrayBuffer")).byteLength; }),
            ];
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    [{"error": "Error", "message": "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400."},
                     null, {"ok": 26214400}]
                    """#
                )
        )
    }

    // MARK: delete

    @Test("delete: removes the key (get, getWithMetadata and list no longer see it); a missing key succeeds")
    func delete() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            await env.KV.put("a", "1", { metadata: { m: 1 } });
            await env.KV.put("b", "2");
            const before = await env.KV.get("a");
            const deleted = await env.KV.delete("a");
            return {
              before, deleted: deleted === undefined,
              after: await env.KV.get("a"),
              withMetadata: await env.KV.getWithMetadata("a"),
              list: (await env.KV.list()).keys,
              missing: await outcome(() => env.KV.delete("never-there")),
            };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {"before": "1", "deleted": true, "after": null,
                     "withMetadata": {"value": null, "metadata": null, "cacheStatus": null},
                     "list": [{"name": "b"}], "missing": {"ok": null}}
                    """#
                )
        )
    }

    // MARK: list

    @Test("list: prefix, limit and cursor page through; the last page has list_complete and no cursor")
    func listPages() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            for (const key of ["section2key1", "section1key3", "section1key1", "other", "section1key2"]) {
              await env.KV.put(key, "v");
            }
            const first = await env.KV.list({ prefix: "section1", limit: 2 });
            const second = await env.KV.list({ prefix: "section1", limit: 2, cursor: first.cursor });
            const all = await env.KV.list();
            const none = await env.KV.list({ prefix: "zzz" });
            return {
              first: [first.keys, first.list_complete, typeof first.cursor, first.cacheStatus],
              second,
              secondHasCursor: "cursor" in second,
              all: all.keys.map((k) => k.name),
              none,
              zeroLimit: (await env.KV.list({ limit: 0 })).keys.length,
              nullOptions: (await env.KV.list({ prefix: null, cursor: null })).keys.length,
            };
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "first": [[{"name": "section1key1"}, {"name": "section1key2"}], false, "string", null],
                      "second": {"keys": [{"name": "section1key3"}], "list_complete": true, "cacheStatus": null},
                      "secondHasCursor": false,
                      "all": ["other", "section1key1", "section1key2", "section1key3", "section2key1"],
                      "none": {"keys": [], "list_complete": true, "cacheStatus": null},
                      "zeroLimit": 5,
                      "nullOptions": 5
                    }
                    """#
                )
        )
    }

    @Test("list: keys carry expiration (seconds) and metadata when they have them")
    func listExpirationAndMetadata() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            const expiration = Math.floor(Date.now() / 1000) + 7200;
            await env.KV.put("k1", "v", { expiration, metadata: { testing: 1 } });
            await env.KV.put("k2", "v", { expiration: expiration + 100 });
            await env.KV.put("k3", "v", { metadata: "just a string" });
            await env.KV.put("k4", "v");
            const { keys } = await env.KV.list({ prefix: "k" });
            return keys.map((k) => ({ ...k, expiration: k.expiration === undefined ? "none" : k.expiration - expiration }));
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    [
                      {"name": "k1", "expiration": 0, "metadata": {"testing": 1}},
                      {"name": "k2", "expiration": 100},
                      {"name": "k3", "expiration": "none", "metadata": "just a string"},
                      {"name": "k4", "expiration": "none"}
                    ]
                    """#
                )
        )
    }

    @Test("list: a limit over 1000, a prefix over 512 bytes and a made-up cursor reject")
    func listErrors() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            return [
              await outcome(() => env.KV.list({ limit: 1001 })),
              await outcome(() => env.KV.list({ prefix: "x".repeat(513) })),
              await outcome(async () => (await env.KV.list({ prefix: "x".repeat(512) })).keys),
            ];
            """#
        )
        #expect(
            answer
                == JSON(
                    #"""
                    [
                      {"error": "Error", "message": "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000."},
                      {"error": "Error", "message": "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."},
                      {"ok": []}
                    ]
                    """#
                )
        )
    }

    // MARK: key validation

    static let keyCases: [(key: String, error: String, message: String)] = [
        (#""""#, "TypeError", "Key name cannot be empty."),
        (#"".""#, "TypeError", #""." is not allowed as a key name."#),
        (#""..""#, "TypeError", #"".." is not allowed as a key name."#),
        (
            #""x".repeat(513)"#, "Error",
            "KV %@ failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
        ),
        (
            #""€".repeat(171)"#, "Error",
            "KV %@ failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
        ),
    ]

    @Test(
        "every operation validates its key with production's error and message",
        arguments: [
            ("get", "GET", "env.KV.get(KEY)"),
            ("getWithMetadata", "GET", "env.KV.getWithMetadata(KEY)"),
            ("put", "PUT", "env.KV.put(KEY, 'value')"),
            ("delete", "DELETE", "env.KV.delete(KEY)"),
        ]
    )
    func keyValidation(operation: String, method: String, call: String) async throws {
        let calls = Self.keyCases.map { "await outcome(() => \(call.replacingOccurrences(of: "KEY", with: $0.key)))" }
        let answer = try await WorkerProbe.run("return [\(calls.joined(separator: ",\n"))];")
        let expected = Self.keyCases.map { item in
            let message = item.message.replacingOccurrences(of: "%@", with: method)
            return #"{"error": "\#(item.error)", "message": \#(JSON.quoted(message))}"#
        }
        #expect(answer == JSON("[\(expected.joined(separator: ","))]"), "\(operation)")
    }

    @Test("a 512-byte key works end to end; keys are case-sensitive and may hold any character")
    func keyBoundary() async throws {
        let answer = try await WorkerProbe.run(
            #"""
            const long = "k".repeat(509) + "€";
            const odd = "a/b?c#d%20 é\u0000";
            await env.KV.put(long, "long");
            await env.KV.put("key", "lower");
            await env.KV.put("KEY", "upper");
            await env.KV.put(odd, "odd");
            return [new TextEncoder().encode(long).length, await env.KV.get(long), await env.KV.get("key"),
                    await env.KV.get("KEY"), await env.KV.get(odd), (await env.KV.list({ prefix: "a/" })).keys[0].name === odd];
            """#
        )
        #expect(answer == JSON(#"[512, "long", "lower", "upper", "odd", true]"#))
    }

    // MARK: expiry

    @Test("a key past its expiration is gone for get, getWithMetadata, bulk get and list")
    func expiredKeys() async throws {
        try await withTemporaryDirectory { root in
            let kindling = try await Kindling(
                KindlingOptions(
                    persistence: .directory(root),
                    workers: [
                        WorkerOptions(
                            name: "w",
                            script: WorkerProbe.script(
                                #"""
                                if (new URL(request.url).pathname === "/write") {
                                  await env.KV.put("expiring", "soon gone", { expirationTtl: 3600, metadata: { m: 1 } });
                                  await env.KV.put("staying", "here");
                                }
                                return {
                                  get: await env.KV.get("expiring"),
                                  withMetadata: await env.KV.getWithMetadata("expiring"),
                                  bulk: [...await env.KV.get(["expiring", "staying"])],
                                  list: (await env.KV.list()).keys.map((k) => k.name),
                                };
                                """#
                            ),
                            modules: true,
                            kvNamespaces: ["KV": "expiry"]
                        )
                    ]
                )
            )
            let before = try await WorkerProbe.fetchJSON(kindling, path: "/write")
            #expect(
                before
                    == JSON(
                        #"""
                        {"get": "soon gone", "withMetadata": {"value": "soon gone", "metadata": {"m": 1}, "cacheStatus": null},
                         "bulk": [["expiring", "soon gone"], ["staying", "here"]], "list": ["expiring", "staying"]}
                        """#
                    )
            )
            // As if the hour had passed: the row's expiry (ms since the epoch) set a second into the past.
            let table = try kindling.getKVNamespace("expiry").tableName
            let past = Int64(Date().timeIntervalSince1970 * 1000) - 1000
            _ = try SQLiteFile(path: root + "/kindling.sqlite").rows(
                "UPDATE \"\(table)\" SET expiration = \(past) WHERE key = 'expiring'"
            )
            let after = try await WorkerProbe.fetchJSON(kindling, path: "/read")
            await kindling.dispose()
            #expect(
                after
                    == JSON(
                        #"""
                        {"get": null, "withMetadata": {"value": null, "metadata": null, "cacheStatus": null},
                         "bulk": [["expiring", null], ["staying", "here"]], "list": ["staying"]}
                        """#
                    )
            )
        }
    }

    // MARK: sharing

    @Test("the same namespace under two binding names in two workers is the same rows")
    func sharedNamespace() async throws {
        let answer = try await WorkerProbe.answer(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "writer",
                    script: WorkerProbe.script(
                        #"""
                        await env.FIRST.put("shared", "from writer", { metadata: { by: "writer" } });
                        const other = await env.READER.fetch("http://reader/");
                        return { reader: await other.json(), own: await env.FIRST.get("from-reader"),
                                 separate: await env.OTHER.get("shared") };
                        """#
                    ),
                    modules: true,
                    kvNamespaces: ["FIRST": "shared-ns", "OTHER": "other-ns"],
                    serviceBindings: ["READER": .worker("reader")]
                ),
                WorkerOptions(
                    name: "reader",
                    script: WorkerProbe.script(
                        #"""
                        await env.SECOND.put("from-reader", "hello back");
                        return await env.SECOND.getWithMetadata("shared");
                        """#
                    ),
                    modules: true,
                    kvNamespaces: ["SECOND": "shared-ns"]
                ),
            ])
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {"reader": {"value": "from writer", "metadata": {"by": "writer"}, "cacheStatus": null},
                     "own": "hello back", "separate": null}
                    """#
                )
        )
    }

    @Test("rows written by a worker are visible through getKVNamespace, and the reverse")
    func visibleFromSwift() async throws {
        let kindling = try await Kindling(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "w",
                    script: WorkerProbe.script(
                        #"""
                        const seeded = await env.KV.getWithMetadata("seeded", "json");
                        const { keys } = await env.KV.list({ prefix: "seeded" });
                        await env.KV.put("written", new Uint8Array([1, 2, 3]), { metadata: { from: "js" }, expirationTtl: 3600 });
                        return { seeded, keys };
                        """#
                    ),
                    modules: true,
                    kvNamespaces: ["KV": "visible"]
                )
            ])
        )
        let namespace = try kindling.getKVNamespace("visible")
        let expiration = Int64(Date().timeIntervalSince1970) + 600
        try namespace.put(
            "seeded",
            #"{"n":1}"#,
            options: KVPutOptions(expiration: expiration, metadata: #"{"from":"swift"}"#)
        )
        let answer = try await WorkerProbe.fetchJSON(kindling)
        #expect(
            answer
                == JSON(
                    #"""
                    {"seeded": {"value": {"n": 1}, "metadata": {"from": "swift"}, "cacheStatus": null},
                     "keys": [{"name": "seeded", "expiration": \#(expiration), "metadata": {"from": "swift"}}]}
                    """#
                )
        )
        let written = try #require(try namespace.get("written"))
        #expect(written.value == [1, 2, 3])
        #expect(written.metadata == #"{"from":"js"}"#)
        #expect(written.expiration != nil)
        await kindling.dispose()
    }

    @Test("a service-worker script sees the namespace as a global")
    func serviceWorkerGlobal() async throws {
        let kindling = try await Kindling(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "sw",
                    script: #"""
                        addEventListener("fetch", (event) => event.respondWith((async () => {
                          await NUMBERS.put("n", "7");
                          return new Response(String(NUMBERS) + " " + (await NUMBERS.get("n", "json")));
                        })()));
                        """#,
                    kvNamespaces: ["NUMBERS": "numbers"]
                )
            ])
        )
        #expect(try await kindling.dispatchFetch("http://localhost/").text() == "[object KvNamespace] 7")
        await kindling.dispose()
    }
}

// MARK: - Support

/// Runs JS in a worker and brings back what it answered as ``JSON``.
enum WorkerProbe {
    /// A modules worker whose `fetch` runs `body` (the body of an async function with `env` in scope) and answers
    /// the JSON of what it returns. `outcome(f)` gives `{ok: value}` or `{error, message}`, where `error` names the
    /// error's constructor (`TypeError`, `Error`, …).
    static func script(_ body: String) -> String {
        """
        async function outcome(f) {
          try {
            const ok = await f();
            return { ok: ok === undefined ? null : ok };
          } catch (e) {
            const error = e instanceof Error ? e.constructor.name : typeof e;
            return { error, message: e instanceof Error ? e.message : String(e) };
          }
        }
        export default {
          async fetch(request, env) {
            const result = await (async () => {
        \(body)
            })();
            return new Response(JSON.stringify(result), { headers: { "content-type": "application/json" } });
          },
        };
        """
    }

    /// Runs `body` (see ``script(_:)``) in a worker with the given KV bindings, on a temporary store.
    static func run(_ body: String, kvNamespaces: [String: String] = ["KV": "ns"]) async throws -> JSON {
        try await answer(
            KindlingOptions(workers: [
                WorkerOptions(name: "probe", script: script(body), modules: true, kvNamespaces: kvNamespaces)
            ]))
    }

    /// Starts an instance with `options`, returns the primary worker's JSON answer, and always disposes it.
    static func answer(_ options: KindlingOptions) async throws -> JSON {
        let kindling = try await Kindling(options)
        do {
            let answer = try await fetchJSON(kindling)
            await kindling.dispose()
            return answer
        } catch {
            await kindling.dispose()
            throw error
        }
    }

    /// The primary worker's answer to `GET http://localhost<path>`, as JSON.
    static func fetchJSON(_ kindling: Kindling, path: String = "/") async throws -> JSON {
        let text = try await kindling.dispatchFetch("http://localhost" + path).text()
        return JSON(text)
    }
}

/// A JSON value, compared structurally (object key order does not matter; numbers as doubles).
enum JSON: Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
    /// Text that did not parse, kept so a failing expectation shows it.
    case invalid(String)

    /// Parses `text`; text that is not JSON becomes ``invalid(_:)``.
    init(_ text: String) {
        do {
            self = try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
        } catch {
            self = .invalid(text)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try! encoder.encode(text), as: UTF8.self)
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
        case .string(let value): Self.quoted(value)
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            "{"
                + members.sorted { $0.key < $1.key }.map { "\(Self.quoted($0.key)): \($0.value)" }
                .joined(separator: ", ") + "}"
        case .invalid(let text): "invalid JSON: \(text)"
        }
    }
}

import Foundation
import Kindling
import KindlingTesting
import Testing

/// The instance's lifecycle as a user sees it: waitUntil work, dispose, routing by URL.
@Suite("Kindling lifecycle and routing", .timeLimit(.minutes(2)))
struct LifecycleTests {
    /// Served over HTTP, the isolate runs on an event loop until dispose() hands it back to its own thread, with
    /// the waitUntil timer still pending.
    @Test("ctx.waitUntil work finishes after the response and is awaited by dispose()", arguments: [false, true])
    func waitUntil(overHTTP: Bool) async throws {
        try await withTemporaryDirectory { root in
            let kindling = try await Kindling(KindlingOptions(
                port: overHTTP ? 0 : nil,
                persistence: .directory(root),
                workers: [
                    WorkerOptions(
                        name: "w",
                        script: """
                            export default {
                              async fetch(request, env, ctx) {
                                ctx.passThroughOnException();
                                ctx.waitUntil((async () => {
                                  await new Promise((resolve) => setTimeout(resolve, 200));
                                  await env.KV.put("later", "done");
                                })());
                                return new Response(String(await env.KV.get("later")));
                              },
                            };
                            """,
                        modules: true,
                        kvNamespaces: ["KV": "state"]
                    )
                ]
            ))
            // The response comes before the waitUntil work has written anything.
            if overHTTP {
                #expect(try await StreamingHTTPClient.text(of: "/", at: try #require(kindling.url)) == "null")
            } else {
                #expect(try await kindling.dispatchFetch("http://localhost/").text() == "null")
            }
            await kindling.dispose()
            let rows = try SQLiteFile(path: root + "/kindling.sqlite").rows("SELECT key, CAST(value AS TEXT) FROM kv_state")
            #expect(rows == [["later", "done"]])
        }
    }

    @Test("dispatchFetch routes by URL; the worker sees the URL it was sent; formats mix")
    func routing() async throws {
        let kindling = try await Kindling(KindlingOptions(workers: [
            WorkerOptions(
                name: "primary",
                script: "addEventListener('fetch', (e) => e.respondWith(new Response('primary ' + e.request.url)));"
            ),
            WorkerOptions(
                name: "api",
                script: "export default { fetch: (request) => new Response('api ' + request.method + ' ' + request.url) };",
                modules: true,
                routes: ["*.example.com/api/*"]
            ),
        ]))
        #expect(try await kindling.dispatchFetch("https://www.example.com/api/users?id=1", method: "post").text()
            == "api POST https://www.example.com/api/users?id=1")
        #expect(try await kindling.dispatchFetch("http://localhost:8787/other").text() == "primary http://localhost:8787/other")
        // Back and forth: the dispatcher keeps the worker it found last, and must notice the name change each time.
        #expect(try await kindling.dispatchFetch("https://a.example.com/api/").text() == "api GET https://a.example.com/api/")
        #expect(try await kindling.dispatchFetch("http://localhost:8787/").text() == "primary http://localhost:8787/")
        await kindling.dispose()
        await kindling.dispose()
        await #expect(throws: KindlingError.self) { try await kindling.dispatchFetch("http://localhost/") }
    }

    @Test("vars reach env as text and parsed JSON; service-worker scripts see them as globals")
    func vars() async throws {
        let kindling = try await Kindling(KindlingOptions(workers: [
            WorkerOptions(
                name: "modules",
                script: "export default { fetch: (r, env) => Response.json({ text: env.TEXT, json: env.JSON, other: env.OTHER }) };",
                modules: true,
                bindings: ["TEXT": .text("hello"), "JSON": .json(#"{"n": 3, "list": [true, null, "x"]}"#)],
                serviceBindings: ["OTHER": .worker("sw")]
            ),
            WorkerOptions(name: "sw", script: "addEventListener('fetch', (e) => e.respondWith(new Response(typeof GREETING + ' ' + GREETING)));",
                          bindings: ["GREETING": .text("hi")], routes: ["sw.test/*"]),
        ]))
        let body = try await kindling.dispatchFetch("http://localhost/").text()
        #expect(body == #"{"text":"hello","json":{"n":3,"list":[true,null,"x"]},"other":{}}"#)
        #expect(try await kindling.dispatchFetch("http://sw.test/").text() == "string hi")
        await kindling.dispose()
    }

    @Test("a string script imports its extra modules: JS, JSON and text")
    func extraModules() async throws {
        let kindling = try await Kindling(KindlingOptions(workers: [
            WorkerOptions(
                name: "modular",
                script: """
                    import { shout } from "./lib/shout.js";
                    import config from "./config.json";
                    import banner from "./banner.txt";
                    export default { fetch: () => new Response(shout(config.greeting) + " " + banner.trim()) };
                    """,
                modules: true,
                extraModules: [
                    WorkerModule(path: "lib/shout.js", text: "export const shout = (s) => s.toUpperCase() + '!';"),
                    WorkerModule(path: "config.json", text: #"{"greeting": "hello"}"#),
                    WorkerModule(path: "banner.txt", text: "from a text module\n"),
                ]
            )
        ]))
        #expect(try await kindling.dispatchFetch("http://localhost/").text() == "HELLO! from a text module")
        await kindling.dispose()
    }

    @Test("a worker that throws reaches Swift as an error with the message and the user's line")
    func uncaught() async throws {
        let kindling = try await Kindling(KindlingOptions(workers: [
            WorkerOptions(name: "boom", script: "export default {\n  fetch() {\n    throw new RangeError('too far');\n  },\n};", modules: true)
        ]))
        do {
            _ = try await kindling.dispatchFetch("http://localhost/")
            Issue.record("expected the worker's error")
        } catch {
            #expect("\(error)".contains("RangeError: too far"))
            #expect("\(error)".contains("boom.mjs:3"), "\(error)")
        }
        // The worker stays usable.
        await #expect(throws: (any Error).self) { try await kindling.dispatchFetch("http://localhost/") }
        await kindling.dispose()
    }

    @Test("a syntax error stops start-up with file and line, and writes nothing")
    func syntaxError() async throws {
        try await withTemporaryDirectory { root in
            do {
                _ = try await Kindling(KindlingOptions(
                    persistence: .directory(root + "/state"),
                    workers: [WorkerOptions(name: "bad", script: "export default {\n  fetch() { return new Response('x' }\n};", modules: true,
                                            kvNamespaces: ["KV": "kv"])]
                ))
                Issue.record("expected a start-up error")
            } catch let error as KindlingError {
                #expect(error.code == .workerFailed)
                #expect(error.message.hasPrefix("Worker \"bad\" failed to start: "))
                #expect(error.message.contains("bad.mjs:2"), "\(error.message)")
            }
            #expect(!FileManager.default.fileExists(atPath: root + "/state/kindling.sqlite"))
        }
    }
}

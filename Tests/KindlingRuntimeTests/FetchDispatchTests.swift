import KindlingRuntime
import Synchronization
import Testing

@Suite("Delivering fetch and scheduled events")
struct FetchDispatchTests {
    @Test("the handler sees the request's method, URL, headers and body; Swift reads status, headers and body")
    func roundTrip() async throws {
        let worker = """
            export default {
              async fetch(request, env, ctx) {
                const body = await request.text();
                return Response.json(
                  { method: request.method, path: new URL(request.url).pathname, type: request.headers.get("content-type"),
                    body, hasCtx: typeof ctx.waitUntil === "function" },
                  { status: 201, headers: { "X-Reply": "yes", "Set-Cookie": "a=1" } });
              }
            };
            """
        try await withWorker(["index.js": worker]) { isolate, _ async throws in
            let request = WorkerRequest(
                method: "POST", url: "http://example.com/items?x=1",
                headers: [.init("Content-Type", "text/plain"), .init("X-Other", "1")], body: .bytes(Array("héllo".utf8)))
            let response = try await isolate.fetch(request)
            #expect(response.status == 201)
            #expect(response.statusText == "Created")
            #expect(response.header("x-reply") == "yes")
            #expect(response.header("content-type") == "application/json")
            #expect(response.text == #"{"method":"POST","path":"/items","type":"text/plain","body":"héllo","hasCtx":true}"#)
        }
    }

    @Test("a string body comes back as its UTF-8 bytes, exactly: empty, short, long, non-ASCII and emoji")
    func stringBodies() async throws {
        let worker = """
            const bodies = { empty: "", short: "ok", long: "Grüße aus Zürich — ünïcödé 😀 ".repeat(40) };
            export default { fetch: (request) => new Response(bodies[new URL(request.url).pathname.slice(1)]) };
            """
        try await withWorker(["index.js": worker]) { isolate, _ async throws in
            func body(_ name: String) async throws -> [UInt8] {
                guard case .bytes(let bytes) = try await isolate.fetch(WorkerRequest(url: "http://x/\(name)")).body else {
                    Issue.record("no bytes for \(name)")
                    return []
                }
                return bytes
            }
            #expect(try await body("empty") == [])
            #expect(try await body("short") == Array("ok".utf8))
            #expect(try await body("long") == Array(String(repeating: "Grüße aus Zürich — ünïcödé 😀 ", count: 40).utf8))
        }
    }

    @Test("header names reach JS lower-cased and in order, values as given (non-ASCII too), the method upper-cased")
    func requestHeadersAndMethod() async throws {
        let worker = """
            export default {
              fetch: (request) => Response.json({ method: request.method, headers: [...request.headers] }),
            };
            """
        try await withWorker(["index.js": worker]) { isolate, _ async throws in
            let ascii = WorkerRequest(
                method: "post", url: "http://x/",
                headers: [.init("host", "x"), .init("X-Mixed-Case", "Value One"), .init("accept", "*/*")])
            #expect(try await isolate.fetch(ascii).text
                == #"{"method":"POST","headers":[["accept","*/*"],["host","x"],["x-mixed-case","Value One"]]}"#)
            let wide = WorkerRequest(method: "GET", url: "http://x/", headers: [.init("X-Name", "caf\u{e9} \u{2603}")])
            #expect(try await isolate.fetch(wide).text == #"{"method":"GET","headers":[["x-name","caf\#u{e9} \#u{2603}"]]}"#)
        }
    }

    @Test("Swift reads every response header in the order it was set: empty values, repeated Set-Cookie, non-ASCII values")
    func responseHeaders() async throws {
        let worker = #"""
            export default {
              fetch() {
                const headers = new Headers([["X-Empty", ""], ["Set-Cookie", "a=1"], ["x-wide", "caf\u00e9"]]);
                headers.append("Set-Cookie", "b=2");
                headers.set("X-Last", "end");
                return new Response("ok", { headers });
              }
            };
            """#
        try await withWorker(["index.js": worker]) { isolate, _ async throws in
            let response = try await isolate.fetch(WorkerRequest(url: "http://x/"))
            let pairs = response.headers.map { "\($0.name)=\($0.value)" }
            #expect(pairs == [
                "x-empty=", "set-cookie=a=1", "x-wide=caf\u{e9}", "set-cookie=b=2", "x-last=end",
                "content-type=text/plain;charset=UTF-8",
            ])
        }
    }

    @Test("binary, empty and streamed response bodies come back as bytes")
    func responseBodies() async throws {
        let worker = """
            export default {
              fetch(request) {
                switch (new URL(request.url).pathname) {
                  case "/bytes": return new Response(new Uint8Array([0, 1, 254, 255]));
                  case "/empty": return new Response(null, { status: 204 });
                  default: return new Response(new Response("streamed ✓").body);
                }
              }
            };
            """
        try await withWorker(["index.js": worker]) { isolate, _ async throws in
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/bytes")).body == .bytes([0, 1, 254, 255]))
            let empty = try await isolate.fetch(WorkerRequest(url: "http://x/empty"))
            #expect(empty.status == 204)
            #expect(empty.body == .empty)
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/stream")).text == "streamed ✓")
        }
    }

    @Test("env bindings made of host functions are handler arguments and the cloudflare:workers env")
    func environmentBindings() async throws {
        let store = Mutex<[String: String]>(["greeting": "hello"])
        let kv: ScriptArgument = .object([
            "get": .function(.async { arguments in store.withLock { $0[arguments[0].stringValue ?? ""] }.map(HostValue.string) ?? .null }),
            "put": .function(.sync { arguments in
                store.withLock { $0[arguments[0].stringValue ?? ""] = arguments[1].stringValue }
                return .undefined
            }),
        ])
        let worker = """
            import { env as importedEnv } from "cloudflare:workers";
            export default {
              async fetch(request, env) {
                env.KV.put("visited", new URL(request.url).pathname);
                const value = await env.KV.get("greeting");
                return new Response(`${value} ${env.NAME} ${importedEnv === env}`);
              }
            };
            """
        let configuration = IsolateConfiguration(name: "test", environment: ["KV": kv, "NAME": "world"])
        try await withWorker(["index.js": worker], configuration: configuration) { isolate, _ async throws in
            let response = try await isolate.fetch(WorkerRequest(url: "http://x/page"))
            #expect(response.text == "hello world true")
        }
        #expect(store.withLock { $0["visited"] } == "/page")
    }

    @Test("a binding's JS half can wrap host functions through .made(by:)")
    func madeBinding() async throws {
        try await withWorker(["index.js": "export default { fetch: async (r, env) => new Response(await env.COUNTER.next()) }"]) { isolate, _ async throws in
            _ = try await isolate.evaluate(
                "globalThis.makeCounter = (step, read) => ({ async next() { return String(await read() + step) } })")
            try await isolate.setEnvironment([
                "COUNTER": .made(by: "makeCounter", arguments: [.value(10), .function(.sync { _ in .number(5) })])
            ])
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/")).text == "15")
        }
    }

    @Test("a WorkerEntrypoint class as the default export gets fetch(request) with this.env and this.ctx")
    func entrypointClass() async throws {
        let worker = """
            import { WorkerEntrypoint } from "cloudflare:workers";
            export default class extends WorkerEntrypoint {
              fetch(request) { return new Response(`${this.env.NAME} ${typeof this.ctx.waitUntil}`); }
            }
            """
        let configuration = IsolateConfiguration(name: "test", environment: ["NAME": "entry"])
        try await withWorker(["index.js": worker], configuration: configuration) { isolate, exports async throws in
            #expect(exports["default"]?.kind == .class)
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/")).text == "entry function")
        }
    }

    @Test("many requests interleave at await points in one isolate")
    func interleavedRequests() async throws {
        let worker = """
            let active = 0, peak = 0;
            export default {
              async fetch(request, env) {
                active++; peak = Math.max(peak, active);
                await env.pause();
                active--;
                return new Response(String(peak));
              }
            };
            """
        // No request continues until all 200 are inside the handler at once.
        let arrived = Mutex<[PromiseResolver]>([])
        let pause = HostFunction.promise { _, resolver in
            let all = arrived.withLock { list -> [PromiseResolver]? in
                list.append(resolver)
                return list.count == 200 ? list : nil
            }
            all?.forEach { $0.resolve(.undefined) }
        }
        let configuration = IsolateConfiguration(name: "test", environment: ["pause": .function(pause)])
        try await withWorker(["index.js": worker], configuration: configuration) { isolate, _ async throws in
            let peaks = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask { Int(try await isolate.fetch(WorkerRequest(url: "http://x/\(index)")).text) ?? 0 }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(peaks.count == 200)
            #expect(peaks.max() == 200)
        }
    }

    @Test("scheduled runs the handler and waits for its waitUntil promises")
    func scheduled() async throws {
        let seen = Mutex<[HostValue]>([])
        let record = HostFunction.sync { arguments in
            seen.withLock { $0.append(contentsOf: arguments) }
            return .undefined
        }
        let worker = """
            export default {
              scheduled(controller, env, ctx) {
                ctx.waitUntil(new Promise((resolve) => setTimeout(() => { env.record("late"); resolve(); }, 20)));
                env.record(controller.cron, controller.scheduledTime);
              }
            };
            """
        let configuration = IsolateConfiguration(name: "test", environment: ["record": .function(record)])
        try await withWorker(["index.js": worker], configuration: configuration) { isolate, _ async throws in
            try await isolate.scheduled(cron: "*/5 * * * *", scheduledTime: 1_700_000_000_000)
        }
        #expect(seen.withLock { $0 } == ["*/5 * * * *", 1_700_000_000_000, "late"])
    }

    @Test("fetch answers before waitUntil work finishes; waitUntilSettled waits for it and logs its failures")
    func waitUntil() async throws {
        let log = CapturedLog()
        // The background work waits for a promise only the test settles, so timing cannot decide the outcome.
        let gate = Mutex<PromiseResolver?>(nil)
        let wait = HostFunction.promise { _, resolver in gate.withLock { $0 = resolver } }
        let worker = """
            export let done = [];
            export default {
              fetch(request, env, ctx) {
                ctx.waitUntil(env.wait().then(() => { done.push("slow"); }));
                ctx.waitUntil(Promise.reject(new Error("background failed")));
                return new Response("early");
              },
              done() { return done; }
            };
            """
        let configuration = IsolateConfiguration(name: "bg", logger: log.logger, environment: ["wait": .function(wait)])
        try await withWorker(["index.js": worker], configuration: configuration) { isolate, _ async throws in
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/")).text == "early")
            #expect(try await isolate.call("done") == [])
            let resolver = try #require(gate.withLock { $0 })
            resolver.resolve(.undefined)
            try await isolate.waitUntilSettled()
            #expect(try await isolate.call("done") == ["slow"])
        }
        #expect(log.all.contains { $0.hasPrefix("error [bg] Uncaught Error: background failed") })
    }

    @Test("calling a missing export or method is a noHandler RuntimeError")
    func missingExport() async throws {
        try await withWorker(["index.js": "export default { fetch() {} }; export const n = 1;"]) { isolate, _ async throws in
            let missing = try await #require(throws: RuntimeError.self) { try await isolate.call("fetch", export: "Nope") }
            #expect(missing.message == #"Worker "test" has no export named "Nope"."#)
            let method = try await #require(throws: RuntimeError.self) { try await isolate.call("queue") }
            #expect(method.message == #"Export "default" of worker "test" has no method "queue"."#)
        }
    }

    @Test("completion-form fetches alternating exports and methods each reach the right handler with their own method")
    func alternatingExportsAndMethods() async throws {
        let worker = """
            const answer = (name) => ({ fetch: (request) => new Response(name + " " + request.method) });
            export default answer("default");
            export const other = answer("other");
            export const broken = 1;
            """
        try await withWorker(["index.js": worker]) { isolate, _ async throws in
            func fetch(_ export: String, _ method: String) async throws -> String {
                let result = await withCheckedContinuation { continuation in
                    isolate.fetch(WorkerRequest(method: method, url: "http://x/"), export: export) { continuation.resume(returning: $0) }
                }
                return try result.get().text
            }
            // The isolate keeps the last export's handler and the last method's string: each change must be seen.
            #expect(try await fetch("default", "GET") == "default GET")
            #expect(try await fetch("other", "GET") == "other GET")
            #expect(try await fetch("other", "post") == "other POST")
            #expect(try await fetch("default", "PATCH") == "default PATCH")
            #expect(try await fetch("default", "get") == "default GET")
            #expect(try await fetch("default", "GET") == "default GET")
            let error = await #expect(throws: RuntimeError.self) { try await fetch("broken", "GET") }
            #expect(error?.message == #"Worker "test" has no fetch handler: its export "broken" has no "fetch" method."#)
            #expect(try await fetch("other", "GET") == "other GET")
        }
    }
}

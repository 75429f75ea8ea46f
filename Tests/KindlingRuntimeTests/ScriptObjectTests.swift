import KindlingRuntime
import Testing

@Suite("Kept objects (Durable Object instances)")
struct ScriptObjectTests {
    static let worker = """
        import { DurableObject } from "cloudflare:workers";
        export class Counter extends DurableObject {
          constructor(state, env) { super(state, env); this.count = env.START; this.name = state.name; }
          increment(by = 1) { this.count += by; return this.count; }
          async fetch(request) { return new Response(`${this.name}:${this.count}:${new URL(request.url).pathname}`); }
        }
        export default { fetch() { return new Response("default"); } };
        """

    @Test("a constructed instance keeps its state across calls and fetches")
    func instanceState() async throws {
        let configuration = IsolateConfiguration(name: "test", environment: ["START": .value(10)])
        try await withWorker(["index.js": Self.worker], configuration: configuration) { isolate, _ async throws in
            let first = try await isolate.construct("Counter", arguments: [.value(["name": "a"]), .value(["START": 10])])
            let second = try await isolate.construct("Counter", arguments: [.value(["name": "b"]), .value(["START": 100])])
            #expect(try await isolate.call("increment", on: first) == 11)
            #expect(try await isolate.call("increment", on: first, arguments: [.value(5)]) == 16)
            #expect(try await isolate.call("increment", on: second) == 101)
            #expect(try await isolate.fetch(WorkerRequest(url: "http://do/x"), on: first).text == "a:16:/x")
        }
    }

    @Test("a missing method is a TypeError; a released object cannot be used")
    func misuse() async throws {
        try await withWorker(["index.js": Self.worker]) { isolate, _ async throws in
            let object = try await isolate.construct("Counter", arguments: [.value(["name": "a"]), .value(["START": 0])])
            let missing = try await #require(throws: ScriptError.self) { try await isolate.call("nope", on: object) }
            #expect(missing.name == "TypeError")
            #expect(missing.message == #"The object has no method "nope"."#)
            await isolate.release(object)
            let released = try await #require(throws: RuntimeError.self) { try await isolate.call("increment", on: object) }
            #expect(released.code == .invalidArgument)
            await #expect(throws: RuntimeError.self) { try await isolate.construct("default") }
        }
    }

    @Test("a Request passed as a call argument arrives as a JS Request")
    func requestArgument() async throws {
        let worker = "export default { describe(request) { return [request instanceof Request, request.method, request.headers.get('x-a')]; } };"
        try await withWorker(["index.js": worker]) { isolate, _ async throws in
            let request = WorkerRequest(method: "PUT", url: "http://x/", headers: [.init("X-A", "1")], body: .bytes([1]))
            #expect(try await isolate.call("describe", arguments: [.request(request)]) == [true, "PUT", "1"])
        }
    }
}

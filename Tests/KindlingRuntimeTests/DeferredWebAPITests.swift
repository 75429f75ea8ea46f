import KindlingRuntime
import Testing

@Suite("Web APIs set up on first use")
struct DeferredWebAPITests {
    /// An isolate made after another one has run the Web API files, so its own are deferred.
    func withDeferredIsolate(_ body: (WorkerIsolate) async throws -> Void) async throws {
        try await withIsolate { _ async throws in }
        try await withIsolate(IsolateConfiguration(name: "deferred")) { isolate async throws in try await body(isolate) }
    }

    @Test("the first use of a Web API global sets them all up, then the globals are plain values")
    func firstUse() async throws {
        try await withDeferredIsolate { isolate async throws in
            let before = try await isolate.evaluate(
                "['URL', 'Headers', 'TextEncoder'].map(n => typeof Object.getOwnPropertyDescriptor(globalThis, n).get)")
            #expect(before == #"["function","function","function"]"#)
            #expect(try await isolate.evaluate("new URL('http://example.com/a/../b').pathname") == #""/b""#)
            let after = try await isolate.evaluate(
                "['URL', 'Headers', 'TextEncoder'].map(n => typeof Object.getOwnPropertyDescriptor(globalThis, n).value)")
            #expect(after == #"["function","function","function"]"#)
        }
    }

    @Test("assigning a Web API global before its first use keeps the assigned value")
    func assignmentFirst() async throws {
        try await withDeferredIsolate { isolate async throws in
            #expect(try await isolate.evaluate("globalThis.Headers = 42; [Headers, typeof Request]") == #"[42,"function"]"#)
        }
    }

    @Test("a fetch into a worker that never named a Web API still gets Request and Response")
    func fetchLoadsThem() async throws {
        try await withIsolate { _ async throws in }
        try await withWorker(["index.js": "export default { fetch: (r) => new Response(r.method) }"]) { isolate, _ async throws in
            #expect(try await isolate.fetch(WorkerRequest(method: "PATCH", url: "http://x/")).text == "PATCH")
        }
    }

    @Test("with deferral off the globals are plain values from the start")
    func deferralOff() async throws {
        var configuration = IsolateConfiguration(name: "eager")
        configuration.defersWebAPIs = false
        try await withIsolate { _ async throws in }
        try await withIsolate(configuration) { isolate async throws in
            #expect(try await isolate.evaluate("typeof Object.getOwnPropertyDescriptor(globalThis, 'URL').value") == #""function""#)
        }
    }
}

import KindlingRuntime
import Testing

@Suite("Web APIs set up on first use")
struct DeferredWebAPITests {
    /// An isolate made after another one has run the Web API files, so its own are deferred.
    func withDeferredIsolate(_ body: (WorkerIsolate) async throws -> Void) async throws {
        try await withIsolate { _ async throws in }
        try await withIsolate(IsolateConfiguration(name: "deferred")) { isolate async throws in try await body(isolate) }
    }

    @Test("the first use of a Web API global sets up its own files only, then the global is a plain value")
    func firstUse() async throws {
        try await withDeferredIsolate { isolate async throws in
            let kinds = "['URL', 'Headers', 'ReadableStream', 'URLPattern'].map(n => Object.getOwnPropertyDescriptor(globalThis, n)).map(d => typeof d.get + '/' + typeof d.value)"
            #expect(try await isolate.evaluate(kinds) == #"["function/undefined","function/undefined","function/undefined","function/undefined"]"#)
            #expect(try await isolate.evaluate("new URL('http://example.com/a/../b').pathname") == #""/b""#)
            #expect(try await isolate.evaluate(kinds) == #"["undefined/function","function/undefined","function/undefined","function/undefined"]"#)
        }
    }

    @Test("a hello-world fetch sets up neither streams nor URLPattern nor SubtleCrypto; reaching for them does")
    func fetchLoadsWhatItUses() async throws {
        try await withIsolate { _ async throws in }
        try await withWorker(["index.js": "export default { fetch: () => new Response('hi') }"]) { isolate, _ async throws in
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/")).text == "hi")
            let deferred = "['Response', 'ReadableStream', 'URLPattern', 'SubtleCrypto'].map(n => typeof Object.getOwnPropertyDescriptor(globalThis, n).get)"
            #expect(try await isolate.evaluate(deferred) == #"["undefined","function","function","function"]"#)
            #expect(try await isolate.evaluate("[crypto.subtle instanceof SubtleCrypto, new Response('x').body instanceof ReadableStream, new URLPattern({ pathname: '/a/:id' }).exec('http://h/a/7').pathname.groups.id]") == #"[true,true,"7"]"#)
            #expect(try await isolate.evaluate(deferred) == #"["undefined","undefined","undefined","undefined"]"#)
        }
    }

    @Test("structuredClone refuses a URL whose files ran after structuredClone's")
    func cloneRegistryAcrossUnits() async throws {
        try await withDeferredIsolate { isolate async throws in
            let result = try await isolate.evaluate(
                "structuredClone(1); const u = new URL('http://a/'); try { structuredClone(u); 'cloned' } catch (e) { e.name }")
            #expect(result == #""DataCloneError""#)
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

import KindlingRuntime
import Testing

@Suite("WorkerIsolate.evaluate")
struct EvaluateTests {
    @Test("returns JSON of the completion value")
    func completionValue() async throws {
        try await withIsolate { isolate async throws in
            #expect(try await isolate.evaluate("1 + 2") == "3")
            #expect(try await isolate.evaluate("({a: [1, 'x', null]})") == #"{"a":[1,"x",null]}"#)
            #expect(try await isolate.evaluate("undefined") == "undefined")
            #expect(try await isolate.evaluate("(function () {})") == "undefined")
            #expect(try await isolate.evaluate("'h\\u0000i'") == "\"h\\u0000i\"")
        }
    }

    @Test("keeps globals between evaluations")
    func globalsPersist() async throws {
        try await withIsolate { isolate async throws in
            _ = try await isolate.evaluate("var counter = 41; let other = 1")
            #expect(try await isolate.evaluate("++counter + other") == "43")
        }
    }

    @Test("awaits a promise completion value")
    func awaitsPromise() async throws {
        try await withIsolate { isolate async throws in
            #expect(try await isolate.evaluate("Promise.resolve(5).then(v => v * 2)") == "10")
            #expect(try await isolate.evaluate("(async () => { await null; return 'done' })()") == "\"done\"")
        }
    }

    @Test("a cancelled caller stops waiting for a promise that never settles, with CancellationError")
    func cancelledWait() async throws {
        try await withIsolate { isolate async throws in
            let (started, signal) = AsyncStream<Void>.makeStream()
            try await isolate.setGlobal("started", to: .function(.sync { _ in signal.yield(); return .undefined }))
            let waiting = Task { try await isolate.evaluate("started(); new Promise(() => {})") }
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()  // the promise exists; the caller waits (or is about to)
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            // Cancelled before it began, the wait ends at once too; the isolate goes on working.
            let early = Task { try await isolate.evaluate("new Promise(() => {})") }
            early.cancel()
            await #expect(throws: CancellationError.self) { try await early.value }
            #expect(try await isolate.evaluate("Promise.resolve(2).then(v => v + 1)") == "3")
        }
    }

    @Test("throws ScriptError with name and message")
    func throwsScriptError() async throws {
        try await withIsolate { isolate async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.evaluate("null.x", sourceURL: "boom.js")
            }
            #expect(error.name == "TypeError")
            #expect(error.message == "null is not an object (evaluating 'null.x')")
            #expect(error.sourceURL == "boom.js")
            #expect(error.line == 1)
        }
    }

    @Test("a rejected promise becomes a ScriptError")
    func rejectedPromise() async throws {
        try await withIsolate { isolate async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.evaluate("Promise.reject(new RangeError('nope'))")
            }
            #expect(error.name == "RangeError")
            #expect(error.message == "nope")
        }
    }

    @Test("a thrown non-error value keeps its text")
    func thrownString() async throws {
        try await withIsolate { isolate async throws in
            let error = try await #require(throws: ScriptError.self) { try await isolate.evaluate("throw 'plain'") }
            #expect(error.name == "Error")
            #expect(error.message == "plain")
        }
    }

    @Test("a syntax error reports its line")
    func syntaxError() async throws {
        try await withIsolate { isolate async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.evaluate("let a = 1;\nlet b = ;", sourceURL: "bad.js")
            }
            #expect(error.name == "SyntaxError")
            #expect(error.sourceURL == "bad.js")
            #expect(error.line == 2)
        }
    }

    @Test("the stack names functions, files and lines")
    func stack() async throws {
        try await withIsolate { isolate async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.evaluate("function inner() { throw new Error('deep') }\nfunction outer() { inner() }\nouter()", sourceURL: "s.js")
            }
            #expect(error.stack.hasPrefix("Error: deep\n    at inner (s.js:1:"))
            #expect(error.stack.contains("\n    at outer (s.js:2:"))
        }
    }

    @Test("evaluate after shutdown throws")
    func afterShutdown() async throws {
        let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "test"))
        await isolate.shutdown()
        await #expect(throws: RuntimeError.self) { try await isolate.evaluate("1") }
    }

    @Test("collectGarbage collects before it returns")
    func collectGarbageCollects() async throws {
        try await withIsolate { isolate async throws in
            // Weak references whose targets nothing else holds: a collection clears them. A few may survive, as
            // the collector also keeps what a stale word on the native stack seems to point at.
            _ = try await isolate.evaluate("globalThis.refs = Array.from({ length: 1000 }, (_, i) => new WeakRef({ i })); 0")
            await isolate.collectGarbage()
            let cleared = try await isolate.evaluate("refs.filter((ref) => ref.deref() === undefined).length")
            #expect((Int(cleared) ?? 0) > 900)
        }
    }
}

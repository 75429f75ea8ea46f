import Foundation
import KindlingRuntime
import Testing

@Suite("Runtime globals: timers, console, queueMicrotask, crypto, navigator")
struct RuntimeGlobalsTests {
    @Test("setTimeout callbacks run in delay order with their arguments; clearTimeout cancels")
    func timeouts() async throws {
        try await withIsolate { isolate async throws in
            let result = try await isolate.evaluate(
                """
                new Promise((resolve) => {
                  const order = [];
                  // Delays far apart: a timer set later is due later than one set a few ms earlier with a
                  // delay that much shorter, and a loaded machine may stall the script for a few ms.
                  setTimeout((tag) => order.push(tag), 120, "later");
                  setTimeout((tag) => order.push(tag), 60, "sooner");
                  const cancelled = setTimeout(() => order.push("cancelled"), 10);
                  clearTimeout(cancelled);
                  setTimeout(() => order.push("zero"));
                  setTimeout(() => resolve(order), 200);
                })
                """)
            #expect(result == #"["zero","sooner","later"]"#)
        }
    }

    @Test("delays count from the frozen time: a timer set after 80 ms of blocking still fires before a longer one set earlier")
    func delaysFromFrozenTime() async throws {
        try await withIsolate { isolate async throws in
            // Blocks the isolate's thread, as a long synchronous computation would.
            try await isolate.setGlobal(
                "block", to: .function(.sync { _ in usleep(80_000); return .undefined }))
            let result = try await isolate.evaluate(
                """
                new Promise((resolve) => {
                  const order = [];
                  setTimeout(() => order.push("longer"), 30);
                  const before = Date.now();
                  block();
                  const frozen = Date.now() === before;
                  setTimeout(() => order.push("shorter"), 10);
                  setTimeout(() => resolve([frozen, ...order]), 150);
                })
                """)
            #expect(result == #"[true,"shorter","longer"]"#)
        }
    }

    /// The README's "What workers get" lists these; a global added or lost shows here first.
    static let webGlobals = """
        AbortController AbortSignal Blob ByteLengthQueuingStrategy CompressionStream CountQueuingStrategy Crypto \
        CryptoKey CustomEvent DOMException DecompressionStream Event EventTarget ExecutionContext FetchEvent File \
        FixedLengthStream FormData Headers IdentityTransformStream Navigator ReadableByteStreamController \
        ReadableStream ReadableStreamBYOBReader ReadableStreamBYOBRequest ReadableStreamDefaultController \
        ReadableStreamDefaultReader Request Response ScheduledEvent SubtleCrypto TextDecoder TextDecoderStream \
        TextEncoder TextEncoderStream TransformStream TransformStreamDefaultController URL URLPattern \
        URLSearchParams WritableStream WritableStreamDefaultController WritableStreamDefaultWriter addEventListener \
        atob btoa clearInterval clearTimeout console crypto fetch navigator performance queueMicrotask \
        removeEventListener reportError scheduler setInterval setTimeout structuredClone
        """

    @Test("the globals a worker sees besides JavaScript's own are exactly the documented ones")
    func documentedGlobals() async throws {
        try await withIsolate { isolate async throws in
            // JavaScript's own globals (ECMAScript, Intl, WebAssembly), named: a bare context to compare with is not
            // at hand from a worker.
            let result = try await isolate.evaluate(
                """
                const own = new Set(["Object", "Function", "Array", "Number", "parseFloat", "parseInt", "Infinity",
                  "NaN", "undefined", "Boolean", "String", "Symbol", "Date", "Promise", "RegExp", "Error",
                  "AggregateError", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError",
                  "URIError", "SuppressedError", "globalThis", "JSON", "Math", "Intl", "ArrayBuffer", "Atomics",
                  "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array",
                  "Float16Array", "Float32Array", "Float64Array", "Uint8ClampedArray", "BigUint64Array",
                  "BigInt64Array", "DataView", "Map", "BigInt", "Set", "WeakMap", "WeakSet", "Proxy", "Reflect",
                  "FinalizationRegistry", "WeakRef", "decodeURI", "decodeURIComponent", "encodeURI",
                  "encodeURIComponent", "escape", "unescape", "eval", "isFinite", "isNaN", "SharedArrayBuffer",
                  "WebAssembly", "Iterator", "DisposableStack", "AsyncDisposableStack"]);
                Object.getOwnPropertyNames(globalThis).filter((name) => !own.has(name)).sort().join(" ")
                """)
            #expect(result == "\"\(Self.webGlobals)\"")  // evaluate answers JSON
        }
    }

    @Test("timers with equal delays fire in the order they were set")
    func equalDelays() async throws {
        try await withIsolate { isolate async throws in
            let result = try await isolate.evaluate(
                """
                new Promise((resolve) => {
                  const order = [];
                  for (let i = 0; i < 50; i++) setTimeout(() => order.push(i), i % 2);
                  const inOrder = (list) => list.every((v, i) => i === 0 || list[i - 1] < v);
                  setTimeout(() => resolve([order.length, inOrder(order.filter(i => i % 2 === 0)), inOrder(order.filter(i => i % 2 === 1))]), 20);
                })
                """)
            #expect(result == "[50,true,true]")
        }
    }

    @Test("setInterval repeats until clearInterval; ids are positive and distinct")
    func intervals() async throws {
        try await withIsolate { isolate async throws in
            let result = try await isolate.evaluate(
                """
                new Promise((resolve) => {
                  let ticks = 0;
                  const id = setInterval(() => {
                    ticks++;
                    if (ticks === 3) { clearInterval(id); setTimeout(() => resolve([ticks, id > 0, id !== setTimeout(() => {})]), 30); }
                  }, 2);
                })
                """)
            #expect(result == "[3,true,true]")
        }
    }

    @Test("a timer callback that throws is reported and later timers still run")
    func throwingTimer() async throws {
        let log = CapturedLog()
        try await withIsolate(IsolateConfiguration(name: "timers", logger: log.logger)) { isolate async throws in
            let result = try await isolate.evaluate(
                "new Promise((resolve) => { setTimeout(() => { throw new TypeError('tick failed') }); setTimeout(() => resolve('after'), 5); })")
            #expect(result == #""after""#)
        }
        #expect(log.all.contains { $0.hasPrefix("error [timers] Uncaught TypeError: tick failed") })
    }

    @Test("setTimeout without a function throws TypeError")
    func timerValidation() async throws {
        try await withIsolate { isolate async throws in
            #expect(try await isolate.evaluate("try { setTimeout('code', 1) } catch (e) { e.name }") == #""TypeError""#)
        }
    }

    @Test("queueMicrotask runs after the current script and before timers")
    func microtasks() async throws {
        try await withIsolate { isolate async throws in
            let result = try await isolate.evaluate(
                """
                new Promise((resolve) => {
                  const order = [];
                  setTimeout(() => { order.push("timer"); resolve(order); });
                  queueMicrotask(() => order.push("microtask"));
                  Promise.resolve().then(() => order.push("promise"));
                  order.push("sync");
                })
                """)
            #expect(result == #"["sync","microtask","promise","timer"]"#)
            #expect(try await isolate.evaluate("try { queueMicrotask(1) } catch (e) { e.name }") == #""TypeError""#)
        }
    }

    @Test("a timer's promise reactions run before the next timer that is due at the same moment")
    func microtasksBetweenTimers() async throws {
        try await withIsolate { isolate async throws in
            // Both timers are due together and fire in one go from Swift: each callback is its own entry into
            // JavaScript, with a microtask checkpoint after it, as in a browser or workerd.
            let result = try await isolate.evaluate(
                """
                new Promise((resolve) => {
                  const order = [];
                  setTimeout(() => {
                    order.push("first");
                    Promise.resolve().then(() => order.push("first's reaction"));
                    queueMicrotask(() => order.push("first's microtask"));
                  }, 0);
                  setTimeout(() => { order.push("second"); resolve(order); }, 0);
                })
                """)
            #expect(result == #"["first","first's reaction","first's microtask","second"]"#)
        }
    }

    @Test("console methods log to the host logger at their level, tagged with the worker's name")
    func console() async throws {
        let log = CapturedLog()
        try await withIsolate(IsolateConfiguration(name: "shop", logger: log.logger)) { isolate async throws in
            _ = try await isolate.evaluate(
                """
                console.log("hello", 42, {a: [1, "x"]}, null, undefined);
                console.info("%s has %d items", "cart", 3);
                console.warn(new Map([["k", 1]]), new Set([2]));
                console.error("bad", new Uint8Array([1, 2]));
                console.debug(-0, 10n, Symbol("s"), function named() {});
                """)
        }
        #expect(
            log.all == [
                #"info [shop] hello 42 { a: [ 1, "x" ] } null undefined"#,
                "info [shop] cart has 3 items",
                "warning [shop] Map(1) { \"k\" => 1 } Set(1) { 2 }",
                "error [shop] bad Uint8Array(2) [ 1, 2 ]",
                "debug [shop] -0 10n Symbol(s) [Function: named]",
            ])
    }

    @Test("crypto.getRandomValues fills integer arrays and rejects others and more than 65536 bytes")
    func getRandomValues() async throws {
        try await withIsolate { isolate async throws in
            let filled = try await isolate.evaluate(
                "const a = new Uint32Array(64); const r = crypto.getRandomValues(a); [r === a, a.some(v => v !== 0), new Set(a).size > 60]")
            #expect(filled == "[true,true,true]")
            #expect(try await isolate.evaluate("try { crypto.getRandomValues(new Float64Array(2)) } catch (e) { e.name }") == #""TypeMismatchError""#)
            #expect(try await isolate.evaluate("try { crypto.getRandomValues(new Uint8Array(65537)) } catch (e) { e.name }") == #""QuotaExceededError""#)
            #expect(try await isolate.evaluate("crypto.getRandomValues(new Uint8Array(65536)).length") == "65536")
        }
    }

    @Test("crypto.randomUUID gives distinct version 4 UUIDs")
    func randomUUID() async throws {
        try await withIsolate { isolate async throws in
            let result = try await isolate.evaluate(
                "const ids = Array.from({length: 100}, () => crypto.randomUUID()); [ids.every(id => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), new Set(ids).size]")
            #expect(result == "[true,100]")
        }
    }

    @Test("navigator.userAgent is Cloudflare-Workers")
    func navigator() async throws {
        try await withIsolate { isolate async throws in
            #expect(try await isolate.evaluate("[navigator.userAgent, String(navigator)]") == #"["Cloudflare-Workers","[object Navigator]"]"#)
        }
    }

    @Test("the runtime's internals are not reachable from worker code")
    func noInternals() async throws {
        try await withIsolate { isolate async throws in
            #expect(try await isolate.evaluate("[typeof __kindling, typeof require, Object.keys(globalThis).length]") == #"["undefined","undefined",0]"#)
        }
    }
}

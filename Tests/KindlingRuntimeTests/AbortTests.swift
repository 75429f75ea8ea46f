import KindlingRuntime
import Testing

@Suite("AbortController and AbortSignal")
struct AbortTests {
    @Test("abort() without a reason gives an AbortError DOMException, fires one trusted abort event and happens once")
    func defaultReason() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const c = new AbortController();
              const s = c.signal;
              const events = [];
              s.addEventListener("abort", (e) => events.push([e.type, e.isTrusted, e.target === s, s.aborted, e.cancelable]));
              const before = [s.aborted, s.reason, thrown(() => s.throwIfAborted())];
              c.abort();
              const reason = s.reason;
              c.abort("again");
              return [before, s.aborted, reason instanceof DOMException, reason.name, reason.code, reason.message,
                s.reason === reason, events, thrown(() => s.throwIfAborted()), c.signal === s];
            })()
            """)
        #expect(
            result
                == #"[[false,null,"no error"],true,true,"AbortError",20,"The operation was aborted",true,[["abort",true,true,true,false]],"AbortError: The operation was aborted",true]"#
        )
    }

    @Test("abort(reason) keeps any reason, and throwIfAborted throws it as is")
    func customReason() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const out = [];
              for (const reason of [new RangeError("too slow"), "text", 0, null]) {
                const c = new AbortController();
                c.abort(reason);
                try { c.signal.throwIfAborted(); out.push("no throw"); } catch (e) { out.push(e === reason, c.signal.reason === reason); }
              }
              return out;
            })()
            """)
        #expect(result == "[true,true,true,true,true,true,true,true]")
    }

    @Test("AbortSignal.abort() is aborted from the start and fires nothing; new AbortSignal() is refused")
    func staticAbort() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const s = AbortSignal.abort();
              const r = AbortSignal.abort("why");
              return [s.aborted, s.reason.name, s.reason.message, r.reason, s instanceof EventTarget,
                Object.prototype.toString.call(s), thrown(() => new AbortSignal())];
            })()
            """)
        #expect(
            result
                == #"[true,"AbortError","The operation was aborted","why",true,"[object AbortSignal]","TypeError: Illegal constructor"]"#
        )
    }

    @Test("onabort is an event handler attribute: runs in its place among the listeners, null removes it")
    func onabort() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const out = [];
              const c = new AbortController();
              const s = c.signal;
              s.addEventListener("abort", () => out.push("listener 1"));
              s.onabort = () => out.push("first handler");
              s.addEventListener("abort", () => out.push("listener 2"));
              const handler = function (e) { out.push(["handler", this === s, e.type]); };
              s.onabort = handler;
              const kept = s.onabort === handler;
              c.abort();
              const d = new AbortController();
              d.signal.onabort = () => out.push("removed handler");
              d.signal.onabort = null;
              const afterNull = d.signal.onabort;
              d.signal.onabort = 5;
              d.abort();
              return [out, kept, afterNull, d.signal.onabort, new AbortController().signal.onabort];
            })()
            """)
        #expect(result == #"[["listener 1",["handler",true,"abort"],"listener 2"],true,null,null,null]"#)
    }

    @Test("AbortSignal.timeout aborts with a TimeoutError once its timer fires")
    func timeout() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const s = AbortSignal.timeout(5);
              const before = s.aborted;
              const event = await new Promise((resolve) => s.addEventListener("abort", (e) => resolve(e.type)));
              return [before, event, s.aborted, s.reason instanceof DOMException, s.reason.name, s.reason.code, s.reason.message];
            })()
            """)
        #expect(result == #"[false,"abort",true,true,"TimeoutError",23,"The operation was aborted due to timeout"]"#)
    }

    @Test(
        "AbortSignal.timeout takes an unsigned long long",
        arguments: [
            ("AbortSignal.timeout(-1)", "TypeError: Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range."),
            ("AbortSignal.timeout(NaN)", "TypeError: Failed to execute 'timeout' on 'AbortSignal': Value is not a finite number."),
            ("AbortSignal.timeout(Infinity)", "TypeError: Failed to execute 'timeout' on 'AbortSignal': Value is not a finite number."),
            ("AbortSignal.timeout()", "TypeError: Failed to execute 'timeout' on 'AbortSignal': 1 argument required, but only 0 present."),
            ("AbortSignal.timeout('1e3')", "no error"),
        ])
    func timeoutArguments(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI("thrown(() => \(source))") == jsString(expected))
    }

    @Test("AbortSignal.any follows the first source to abort, with that source's reason, after the source's own event")
    func any() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const out = [];
              const a = new AbortController();
              const b = new AbortController();
              const any = AbortSignal.any([a.signal, b.signal]);
              a.signal.addEventListener("abort", () => out.push(["source event", any.aborted]));
              any.addEventListener("abort", () => out.push("dependent event"));
              b.abort("b went first");
              a.abort("a later");
              return [out, any.aborted, any.reason, a.signal.reason];
            })()
            """)
        #expect(result == #"[["dependent event",["source event",true]],true,"b went first","a later"]"#)
    }

    @Test("a dependent signal aborts after its source's listeners ran, and nested any() follows the original sources")
    func anyOrderAndNesting() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const out = [];
              const root = new AbortController();
              const inner = AbortSignal.any([root.signal]);
              const outer = AbortSignal.any([inner, new AbortController().signal]);
              root.signal.addEventListener("abort", () => out.push(["root", inner.aborted, outer.aborted]));
              inner.addEventListener("abort", () => out.push("inner"));
              outer.addEventListener("abort", () => out.push("outer"));
              root.abort("stop");
              return [out, inner.reason, outer.reason];
            })()
            """)
        // The standard sets every dependent's reason before any abort steps run.
        #expect(result == #"[[["root",true,true],"inner","outer"],"stop","stop"]"#)
    }

    @Test("AbortSignal.any of an aborted signal is aborted at once; of nothing, never; of a non-signal, a TypeError")
    func anyEdges() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const done = AbortSignal.any([new AbortController().signal, AbortSignal.abort("already")]);
              const none = AbortSignal.any([]);
              const fromSet = AbortSignal.any(new Set([AbortSignal.abort("set")]));
              return [done.aborted, done.reason, none.aborted, fromSet.reason,
                thrown(() => AbortSignal.any([{}])), thrown(() => AbortSignal.any(5)), thrown(() => AbortSignal.any())];
            })()
            """)
        #expect(
            result
                == #"[true,"already",false,"set","TypeError: Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.","TypeError: Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.","TypeError: Failed to execute 'any' on 'AbortSignal': 1 argument required, but only 0 present."]"#
        )
    }

    @Test("an abort listener that throws is reported and the others still run")
    func throwingAbortListener() async throws {
        let log = CapturedLog()
        try await withIsolate(IsolateConfiguration(name: "abort", logger: log.logger)) { isolate async throws in
            let result = try await isolate.evaluate(
                """
                (() => {
                  const c = new AbortController();
                  let ran = false;
                  c.signal.onabort = () => { throw new Error("cleanup failed"); };
                  c.signal.addEventListener("abort", () => { ran = true; });
                  c.abort();
                  return ran;
                })()
                """)
            #expect(result == "true")
        }
        #expect(log.all.contains { $0.hasPrefix("error [abort] Uncaught Error: cleanup failed") })
    }

    @Test("accessors and methods check their receiver")
    func brandChecks() async throws {
        let result = try await evaluateWebAPI(
            """
            [thrown(() => Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted").get.call({})),
             thrown(() => AbortController.prototype.abort.call({})),
             thrown(() => Object.getOwnPropertyDescriptor(AbortController.prototype, "signal").get.call(new EventTarget())),
             Object.prototype.toString.call(new AbortController())]
            """)
        #expect(
            result
                == #"["TypeError: Illegal invocation","TypeError: Illegal invocation","TypeError: Illegal invocation","[object AbortController]"]"#
        )
    }
}

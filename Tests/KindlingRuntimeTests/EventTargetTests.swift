import KindlingRuntime
import Testing

@Suite("Event, CustomEvent and EventTarget")
struct EventTargetTests {
    @Test("capturing listeners run first, all at the target; target stays set after dispatch, currentTarget does not")
    func dispatchOrder() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              const out = [];
              const record = (name) => (e) => out.push([name, e.eventPhase, e.target === t, e.currentTarget === t, e.composedPath().length]);
              t.addEventListener("x", record("bubble1"));
              t.addEventListener("x", record("capture"), { capture: true });
              t.addEventListener("x", record("bubble2"), false);
              const e = new Event("x");
              const returned = t.dispatchEvent(e);
              return [out, returned, e.eventPhase, e.target === t, e.currentTarget, e.composedPath().length];
            })()
            """)
        #expect(
            result
                == #"[[["capture",2,true,true,1],["bubble1",2,true,true,1],["bubble2",2,true,true,1]],true,0,true,null,0]"#)
    }

    @Test("a listener is identified by type, callback and capture; removal must name the same capture")
    func listenerIdentity() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              let n = 0;
              const f = () => n++;
              t.addEventListener("x", f);
              t.addEventListener("x", f);
              t.addEventListener("x", f, { capture: false, once: true });
              t.addEventListener("x", f, true);
              t.dispatchEvent(new Event("x"));
              const afterTwo = n;
              t.removeEventListener("x", f, true);
              t.dispatchEvent(new Event("x"));
              const afterCaptureRemoved = n;
              t.removeEventListener("x", f, { capture: true });
              t.dispatchEvent(new Event("x"));
              const stillThere = n;
              t.removeEventListener("x", f);
              t.dispatchEvent(new Event("x"));
              t.dispatchEvent(new Event("y"));
              return [afterTwo, afterCaptureRemoved, stillThere, n];
            })()
            """)
        #expect(result == "[2,3,4,4]")
    }

    @Test("once removes the listener before it is called, so a nested dispatch does not reach it")
    func once() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              let calls = 0;
              t.addEventListener("x", () => { calls++; t.dispatchEvent(new Event("x")); }, { once: true });
              t.dispatchEvent(new Event("x"));
              t.dispatchEvent(new Event("x"));
              return calls;
            })()
            """)
        #expect(result == "1")
    }

    @Test("preventDefault cancels only cancelable events and not from a passive listener")
    func cancelation() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              t.addEventListener("cancel", (e) => e.preventDefault());
              t.addEventListener("passive", (e) => { e.preventDefault(); e.returnValue = false; }, { passive: true });
              t.addEventListener("legacy", (e) => { e.returnValue = false; });
              const a = new Event("cancel", { cancelable: true });
              const b = new Event("cancel");
              const c = new Event("passive", { cancelable: true });
              const d = new Event("legacy", { cancelable: true });
              return [t.dispatchEvent(a), a.defaultPrevented, a.returnValue, t.dispatchEvent(b), b.defaultPrevented,
                t.dispatchEvent(c), c.defaultPrevented, t.dispatchEvent(d), d.defaultPrevented];
            })()
            """)
        #expect(result == "[false,true,false,true,false,true,false,false,true]")
    }

    @Test("stopImmediatePropagation skips the remaining listeners; stopPropagation in a capturing one skips the others")
    func propagation() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const out = [];
              const a = new EventTarget();
              a.addEventListener("x", (e) => { out.push("a1"); e.stopImmediatePropagation(); });
              a.addEventListener("x", () => out.push("a2"));
              a.dispatchEvent(new Event("x"));
              const b = new EventTarget();
              b.addEventListener("x", (e) => { out.push("b-capture1"); e.stopPropagation(); }, true);
              b.addEventListener("x", () => out.push("b-capture2"), true);
              b.addEventListener("x", () => out.push("b-bubble"));
              const e = new Event("x");
              b.dispatchEvent(e);
              const c = new EventTarget();
              c.addEventListener("x", (e) => { out.push("c1"); e.cancelBubble = true; });
              c.addEventListener("x", () => out.push("c2"));
              c.dispatchEvent(new Event("x"));
              // The flags are cleared once dispatch ends, so the event can be dispatched again.
              b.dispatchEvent(e);
              return [out, e.cancelBubble];
            })()
            """)
        #expect(
            result
                == #"[["a1","b-capture1","b-capture2","c1","c2","b-capture1","b-capture2"],false]"#)
    }

    @Test("a listener that throws is reported and the next listener still runs")
    func throwingListener() async throws {
        let log = CapturedLog()
        try await withIsolate(IsolateConfiguration(name: "events", logger: log.logger)) { isolate async throws in
            let result = try await isolate.evaluate(
                """
                (() => {
                  const t = new EventTarget();
                  const out = [];
                  t.addEventListener("x", () => { throw new RangeError("first listener failed"); });
                  t.addEventListener("x", {});
                  t.addEventListener("x", () => out.push("second ran"));
                  out.push(t.dispatchEvent(new Event("x")));
                  return out;
                })()
                """)
            #expect(result == #"["second ran",true]"#)
        }
        #expect(log.all.contains { $0.hasPrefix("error [events] Uncaught RangeError: first listener failed") })
        #expect(
            log.all.contains {
                $0.hasPrefix("error [events] Uncaught TypeError: The 'handleEvent' property of the event listener is not a function.")
            })
    }

    @Test("handleEvent objects are called with themselves as this, reading handleEvent at dispatch time")
    func handleEventObjects() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              const out = [];
              const listener = { handleEvent(e) { out.push(["first", this === listener, e.type]); } };
              t.addEventListener("x", listener);
              t.dispatchEvent(new Event("x"));
              listener.handleEvent = function () { out.push(["replaced", this === listener]); };
              t.dispatchEvent(new Event("x"));
              const fn = function () { out.push(["function this is target", this === t]); };
              fn.handleEvent = () => out.push("never");
              t.addEventListener("y", fn);
              t.dispatchEvent(new Event("y"));
              return out;
            })()
            """)
        #expect(
            result == #"[["first",true,"x"],["replaced",true],["function this is target",true]]"#)
    }

    @Test("listeners added during dispatch wait for the next one; removed ones do not run")
    func mutationDuringDispatch() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              const out = [];
              const late = () => out.push("late");
              const removed = () => out.push("removed");
              t.addEventListener("x", () => { out.push("first"); t.addEventListener("x", late); t.removeEventListener("x", removed); });
              t.addEventListener("x", removed);
              t.dispatchEvent(new Event("x"));
              t.dispatchEvent(new Event("x"));
              // A non-capturing listener added by a capturing one runs in the same dispatch (the second pass).
              const u = new EventTarget();
              u.addEventListener("x", () => { out.push("capture"); u.addEventListener("x", () => out.push("added by capture")); }, true);
              u.dispatchEvent(new Event("x"));
              return out;
            })()
            """)
        #expect(result == #"["first","first","late","capture","added by capture"]"#)
    }

    @Test("the signal option removes the listener on abort; an aborted signal adds nothing")
    func signalOption() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              let n = 0;
              const c = new AbortController();
              t.addEventListener("x", () => n++, { signal: c.signal });
              t.dispatchEvent(new Event("x"));
              c.abort();
              t.dispatchEvent(new Event("x"));
              t.addEventListener("x", () => n++, { signal: AbortSignal.abort() });
              t.dispatchEvent(new Event("x"));
              return [n, thrown(() => t.addEventListener("x", () => {}, { signal: {} })),
                thrown(() => t.addEventListener("x", () => {}, { signal: null }))];
            })()
            """)
        #expect(
            result
                == #"[1,"TypeError: Failed to execute 'addEventListener' on 'EventTarget': Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'.","TypeError: Failed to execute 'addEventListener' on 'EventTarget': Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'."]"#
        )
    }

    @Test(
        "bad calls throw the platform's errors",
        arguments: [
            (
                "new EventTarget().dispatchEvent({ type: 'x' })",
                "TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'."
            ),
            (
                "new EventTarget().dispatchEvent()",
                "TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': 1 argument required, but only 0 present."
            ),
            (
                "new EventTarget().addEventListener('x')",
                "TypeError: Failed to execute 'addEventListener' on 'EventTarget': 2 arguments required, but only 1 present."
            ),
            (
                "new EventTarget().addEventListener('x', 'not a callback')",
                "TypeError: Failed to execute 'addEventListener' on 'EventTarget': The callback provided as parameter 2 is not an object."
            ),
            ("new EventTarget().addEventListener('x', null)", "no error"),
            ("EventTarget.prototype.addEventListener.call({}, 'x', () => {})", "TypeError: Illegal invocation"),
            ("new Event()", "TypeError: Failed to construct 'Event': 1 argument required, but only 0 present."),
            ("new Event('x', 1)", "TypeError: Failed to construct 'Event': The provided value is not of type 'EventInit'."),
            (
                "new CustomEvent('x', 'detail')",
                "TypeError: Failed to construct 'CustomEvent': The provided value is not of type 'CustomEventInit'."
            ),
            ("Event('x')", "TypeError: Cannot call a class constructor without |new|"),
            ("Object.getOwnPropertyDescriptor(Event.prototype, 'type').get.call({})", "TypeError: Illegal invocation"),
        ])
    func badCalls(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI("thrown(() => \(source))") == jsString(expected))
    }

    @Test("dispatching an event that is being dispatched throws InvalidStateError")
    func redispatch() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              let inner;
              t.addEventListener("x", (e) => {
                try { new EventTarget().dispatchEvent(e); } catch (error) { inner = [error instanceof DOMException, error.name, error.code, error.message]; }
              });
              t.dispatchEvent(new Event("x"));
              return inner;
            })()
            """)
        #expect(
            result
                == #"[true,"InvalidStateError",11,"Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched."]"#
        )
    }

    @Test("Event has its init members, constants, an unforgeable isTrusted and a timeStamp from the frozen clock")
    func eventMembers() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const e = new Event(42, { bubbles: 1, cancelable: "yes" });
              const d = new Event("d");
              const trusted = Object.getOwnPropertyDescriptor(e, "isTrusted");
              return [e.type, e.bubbles, e.cancelable, e.composed, d.bubbles, d.cancelable, e.isTrusted, e.eventPhase,
                e.target, e.srcElement, e.defaultPrevented, e.returnValue, Event.AT_TARGET, e.BUBBLING_PHASE, Event.NONE,
                e.timeStamp === performance.now(), typeof trusted.get, trusted.configurable,
                Object.prototype.toString.call(e), Object.keys(Event.prototype).includes("preventDefault")];
            })()
            """)
        #expect(
            result
                == #"["42",true,true,false,false,false,false,0,null,null,false,true,2,3,0,true,"function",false,"[object Event]",true]"#
        )
    }

    @Test("initEvent re-initialises an event, except while it is dispatched")
    func initEvent() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const e = new Event("a", { cancelable: true });
              e.preventDefault();
              e.initEvent("b", true);
              const afterInit = [e.type, e.bubbles, e.cancelable, e.defaultPrevented];
              const t = new EventTarget();
              t.addEventListener("b", () => e.initEvent("c"));
              t.dispatchEvent(e);
              return [afterInit, e.type];
            })()
            """)
        #expect(result == #"[["b",true,false,false],"b"]"#)
    }

    @Test("CustomEvent carries detail (null by default) and is an Event")
    func customEvent() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const t = new EventTarget();
              let seen;
              t.addEventListener("ping", (e) => { seen = [e.detail, e instanceof CustomEvent, e instanceof Event, e.cancelable]; });
              t.dispatchEvent(new CustomEvent("ping", { detail: { n: 1 }, cancelable: true }));
              const plain = new CustomEvent("x");
              plain.initCustomEvent("y", false, false, 7);
              return [seen, new CustomEvent("x").detail, plain.type, plain.detail, Object.prototype.toString.call(plain)];
            })()
            """)
        #expect(result == #"[[{"n":1},true,true,true],null,"y",7,"[object CustomEvent]"]"#)
    }

    @Test("EventTarget and Event can be subclassed, and a subclass dispatches to itself")
    func subclassing() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              class Counter extends EventTarget {
                count = 0;
                increment() { this.count++; this.dispatchEvent(new CountEvent(this.count)); }
              }
              class CountEvent extends Event { constructor(n) { super("count"); this.n = n; } }
              const c = new Counter();
              const seen = [];
              c.addEventListener("count", (e) => seen.push([e.n, e instanceof CountEvent, e.target === c]));
              c.increment();
              c.increment();
              return [seen, Object.prototype.toString.call(c)];
            })()
            """)
        #expect(result == #"[[[1,true,true],[2,true,true]],"[object EventTarget]"]"#)
    }
}

import KindlingRuntime
import Testing

@Suite("performance, scheduler.wait and the frozen clock")
struct ClockTests {
    @Test("Date.now, new Date() and performance.now do not advance during synchronous work or across microtasks")
    func frozenDuringExecution() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const start = [Date.now(), new Date().getTime(), performance.now()];
              let x = 0;
              for (let i = 0; i < 2e6; i++) x += i % 7;
              await Promise.resolve();
              await null;
              const end = [Date.now(), new Date().getTime(), performance.now()];
              return [end[0] - start[0], end[1] - start[1], end[2] - start[2], start[0] === start[2],
                Number.isInteger(start[0]), Math.abs(start[0] - Date.parse(Date())) < 1000];
            })()
            """)
        #expect(result == "[0,0,0,true,true,true]")
    }

    @Test("the clock moves when Swift enters JavaScript again")
    func advancesBetweenEntries() async throws {
        try await withIsolate { isolate async throws in
            _ = try await isolate.evaluate("globalThis.first = Date.now()")
            try await Task.sleep(for: .milliseconds(5))
            #expect(try await isolate.evaluate("Date.now() - first >= 5") == "true")
        }
    }

    @Test("after awaiting scheduler.wait(ms) the clock has advanced by at least ms")
    func advancesAcrossTimers() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const start = performance.now();
              const value = await scheduler.wait(20);
              const waited = performance.now() - start;
              return [value === undefined, waited >= 20];
            })()
            """)
        #expect(result == "[true,true]")
    }

    @Test("performance has timeOrigin 0, as in workerd, and its class is not a global")
    func performanceObject() async throws {
        let result = try await evaluateWebAPI(
            """
            [performance.timeOrigin, performance.toJSON(), Object.prototype.toString.call(performance),
             performance instanceof EventTarget, typeof Performance, typeof scheduler.wait, typeof Scheduler,
             thrown(() => new performance.constructor()),
             thrown(() => Object.getOwnPropertyDescriptor(Object.getPrototypeOf(performance), "timeOrigin").get.call({}))]
            """)
        #expect(
            result
                == #"[0,{"timeOrigin":0},"[object Performance]",true,"undefined","function","undefined","TypeError: Illegal constructor","TypeError: Illegal invocation"]"#
        )
    }

    @Test("scheduler.wait rejects with the signal's reason, at once when it is already aborted")
    func waitWithSignal() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const out = [];
              await scheduler.wait(1000, { signal: AbortSignal.abort() }).catch((e) => out.push(e.name, e.message));
              const c = new AbortController();
              const pending = scheduler.wait(60000, { signal: c.signal });
              setTimeout(() => c.abort(new Error("stop waiting")), 1);
              await pending.catch((e) => out.push(e.message));
              await scheduler.wait(1000, { signal: AbortSignal.timeout(1) }).catch((e) => out.push(e.name));
              await scheduler.wait(1, { signal: new AbortController().signal }).then((v) => out.push("resolved", v === undefined));
              out.push(await rejected(() => scheduler.wait(1, { signal: "no" })));
              out.push(await rejected(() => scheduler.wait(1, 7)));
              out.push(await rejected(() => scheduler.wait()));
              return out;
            })()
            """)
        #expect(
            result
                == #"["AbortError","The operation was aborted","stop waiting","TimeoutError","resolved",true,"TypeError: Failed to execute 'wait' on 'Scheduler': Failed to read the 'signal' property from 'SchedulerWaitOptions': Failed to convert value to 'AbortSignal'.","TypeError: Failed to execute 'wait' on 'Scheduler': The provided value is not of type 'SchedulerWaitOptions'.","TypeError: Failed to execute 'wait' on 'Scheduler': 1 argument required, but only 0 present."]"#
        )
    }

    @Test("Date keeps its behaviour apart from the clock: arguments, statics, subclasses, prototype")
    func dateConstructor() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              class Stamp extends Date { year() { return this.getUTCFullYear(); } }
              const s = new Stamp(Date.UTC(2024, 1, 29));
              const noNew = Date();
              return [new Date(0).toISOString(), new Date(2020, 0, 2, 3).getFullYear(), new Date("2021-05-06T00:00:00Z").getTime(),
                Date.UTC(2000, 0), Date.parse("1970-01-01T00:00:01Z"), s.year(), s instanceof Date, s instanceof Stamp,
                Date.prototype.constructor === Date, Date.length, Date.name, typeof noNew, new Date(new Date(7)).getTime(),
                Object.prototype.toString.call(new Date()), "prototype" in Date.now, thrown(() => new Date.now()).split(":")[0]];
            })()
            """)
        #expect(
            result
                == #"["1970-01-01T00:00:00.000Z",2020,1620259200000,946684800000,1000,2024,true,true,true,7,"Date","string",7,"[object Date]",false,"TypeError"]"#
        )
    }

    @Test("in a fetch handler, CPU work measures 0 ms and an awaited timer measures its delay")
    func fetchHandlerTiming() async throws {
        try await withWorker([
            "index.js": """
                export default {
                  async fetch() {
                    const start = performance.now();
                    let x = 0;
                    for (let i = 0; i < 1e6; i++) x += i;
                    const cpu = performance.now() - start;
                    await scheduler.wait(15);
                    const waited = performance.now() - start;
                    return Response.json({ cpu, waitedAtLeast15: waited >= 15, sameAsDate: performance.now() === Date.now() });
                  },
                };
                """
        ]) { isolate, _ in
            let response = try await isolate.fetch(WorkerRequest(url: "https://example.com/"))
            #expect(response.text == #"{"cpu":0,"waitedAtLeast15":true,"sameAsDate":true}"#)
        }
    }
}

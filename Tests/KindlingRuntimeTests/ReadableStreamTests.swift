import KindlingRuntime
import Testing

@Suite("ReadableStream")
struct ReadableStreamTests {
    @Test("a default stream gives its chunks in order, then done; closed resolves")
    func defaultStream() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const stream = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue(1); c.close(); } });
              const reader = stream.getReader();
              const out = [stream.locked, Object.prototype.toString.call(reader)];
              for (let i = 0; i < 3; i++) out.push(JSON.stringify(await reader.read()));
              await reader.closed;
              out.push("closed");
              return out;
            })()
            """)
        #expect(
            result
                == #"[true,"[object ReadableStreamDefaultReader]","{\"value\":\"a\",\"done\":false}","{\"value\":1,\"done\":false}","{\"done\":true}","closed"]"#
        )
    }

    @Test("backpressure: desiredSize follows the queue and pull is not called while the queue is full")
    func backpressure() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              let pulls = 0;
              let controller;
              const stream = new ReadableStream({
                start(c) { controller = c; },
                pull(c) { pulls++; c.enqueue("x".repeat(pulls)); },
              }, new CountQueuingStrategy({ highWaterMark: 3 }));
              await new Promise((r) => setTimeout(r, 5));
              const full = [pulls, controller.desiredSize];
              const reader = stream.getReader();
              await reader.read();
              await new Promise((r) => setTimeout(r, 5));
              const afterOne = [pulls, controller.desiredSize];
              const bytes = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(4)); c.enqueue(new Uint16Array(1)); controller = c; } },
                new ByteLengthQueuingStrategy({ highWaterMark: 10 }));
              return [full, afterOne, controller.desiredSize, new CountQueuingStrategy({ highWaterMark: 2 }).size(), typeof new ByteLengthQueuingStrategy({ highWaterMark: 1 }).size];
            })()
            """)
        #expect(result == #"[[3,0],[4,0],4,1,"function"]"#)
    }

    @Test("a size function and highWaterMark are checked")
    func strategyValidation() async throws {
        let result = try await evaluateWebAPI(
            """
            [thrown(() => new ReadableStream({}, { highWaterMark: -1 })),
             thrown(() => new ReadableStream({}, { size: 5 })),
             thrown(() => new ReadableStream({ type: "bytes" }, { size() { return 1; } })),
             thrown(() => new ReadableStream({ type: "nope" })),
             thrown(() => new CountQueuingStrategy()),
             thrown(() => new ReadableStream({ start(c) { c.enqueue(1); } }, { size() { return -1; } }))]
            """)
        #expect(
            result
                == #"["RangeError: Invalid highWaterMark: it must be a non-negative number.","TypeError: The size member of a queuing strategy must be a function.","RangeError: The strategy for a byte stream cannot have a size function.","TypeError: Failed to construct 'ReadableStream': 'nope' is not a valid value for type.","TypeError: Failed to construct 'CountQueuingStrategy': 1 argument required, but only 0 present.","RangeError: The return value of a queuing strategy's size function must be a finite, non-NaN, non-negative number."]"#
        )
    }

    @Test("cancel reaches the source with its reason, resolves pending reads as done and closes the stream")
    func cancel() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const seen = [];
              const stream = new ReadableStream({ cancel(reason) { seen.push(reason); return new Promise((r) => setTimeout(r, 1)); } });
              const reader = stream.getReader();
              const pending = reader.read();
              const cancelled = await reader.cancel("enough");
              return [seen, cancelled === undefined, JSON.stringify(await pending), await reader.closed === undefined,
                      await rejected(() => stream.cancel())];
            })()
            """)
        #expect(result == #"[["enough"],true,"{\"done\":true}",true,"TypeError: This ReadableStream is currently locked to a reader."]"#)
    }

    @Test("an error mid-stream: queued chunks are dropped, read and closed reject with the error")
    func errorMidStream() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              let controller;
              const stream = new ReadableStream({ start(c) { controller = c; c.enqueue("first"); } });
              const reader = stream.getReader();
              const first = await reader.read();
              controller.enqueue("lost");
              controller.error(new TypeError("broken pipe"));
              return [first.value, await rejected(() => reader.read()), await rejected(() => reader.closed),
                      controller.desiredSize, thrown(() => controller.enqueue("late")),
                      await rejected(() => new ReadableStream({ pull() { throw new RangeError("pull failed"); } }).getReader().read())];
            })()
            """)
        #expect(
            result
                == #"["first","TypeError: broken pipe","TypeError: broken pipe",null,"TypeError: This ReadableStream is closed.","RangeError: pull failed"]"#
        )
    }

    @Test("releaseLock rejects pending reads and closed, unlocks the stream, and a new reader reads on")
    func releaseLock() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              let controller;
              const stream = new ReadableStream({ start(c) { controller = c; } });
              const reader = stream.getReader();
              const pending = reader.read();
              reader.releaseLock();
              reader.releaseLock(); // a second release does nothing
              const out = [await rejected(() => pending), await rejected(() => reader.closed), stream.locked,
                           await rejected(() => reader.read())];
              const second = stream.getReader();
              controller.enqueue("after");
              out.push((await second.read()).value, thrown(() => stream.getReader()));
              return out;
            })()
            """)
        #expect(
            result
                == #"["TypeError: This ReadableStream reader has been released.","TypeError: This ReadableStream reader has been released.",false,"TypeError: This ReadableStream reader has been released.","after","TypeError: This ReadableStream is currently locked to a reader."]"#
        )
    }

    @Test("tee gives both branches every chunk; cancelling both cancels the source with both reasons")
    func tee() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const stream = new ReadableStream({ start(c) { for (const x of ["a", "b", "c"]) c.enqueue(x); c.close(); } });
              const [one, two] = stream.tee();
              const read = async (s) => { const out = []; for await (const x of s) out.push(x); return out.join(""); };
              const both = await Promise.all([read(one), read(two)]);
              let reason;
              const source = new ReadableStream({ cancel(r) { reason = r; } });
              const [x, y] = source.tee();
              // Cancelling one branch settles only once the other is cancelled too (the source is cancelled then).
              const first = x.cancel("x");
              await new Promise((r) => setTimeout(r, 1));
              const beforeSecond = reason;
              await y.cancel("y");
              await first;
              return [both, stream.locked, beforeSecond === undefined, reason];
            })()
            """)
        #expect(result == #"[["abc","abc"],true,true,["x","y"]]"#)
    }

    @Test("a large body teed arrives whole on both branches")
    func teeLargeBody() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const big = new Uint8Array(8 * 1024 * 1024);
              for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
              const chunks = new ReadableStream({
                type: "bytes",
                start(c) { for (let i = 0; i < big.length; i += 65536) c.enqueue(big.slice(i, i + 65536)); c.close(); },
              });
              const [a, b] = new Response(chunks).body.tee();
              const [x, y] = await Promise.all([new Response(a).arrayBuffer(), new Response(b).bytes()]);
              const same = (u) => u.length === big.length && u.every((v, i) => v === big[i]);
              return [x.byteLength, same(new Uint8Array(x)), same(y)];
            })()
            """)
        #expect(result == "[8388608,true,true]")
    }

    @Test("async iteration: for await reads every chunk; an early break cancels the stream, preventCancel keeps it")
    func asyncIteration() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              let cancelled = "no";
              let n = 0;
              const make = () => new ReadableStream({ pull(c) { c.enqueue(++n); }, cancel(r) { cancelled = String(r); } });
              const stream = make();
              const seen = [];
              for await (const x of stream) { seen.push(x); if (x === 3) break; }
              const out = [seen, cancelled, stream.locked];
              cancelled = "no";
              const kept = make();
              for await (const x of kept.values({ preventCancel: true })) break;
              out.push(cancelled, kept.locked, (await kept.getReader().read()).done);
              const proto = Object.getPrototypeOf(Object.getPrototypeOf(stream.values()));
              out.push(typeof proto[Symbol.asyncIterator]);
              try { for await (const x of new ReadableStream({ start(c) { c.error(new Error("bad")); } })) {} } catch (e) { out.push(e.message); }
              return out;
            })()
            """)
        #expect(result == #"[[1,2,3],"undefined",false,"no",false,false,"function","bad"]"#)
    }

    @Test("ReadableStream.from takes async and sync iterables, awaits promised values and calls return() on cancel")
    func from() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const collect = async (s) => { const out = []; for await (const x of s) out.push(x); return out; };
              async function* gen() { yield 1; yield 2; }
              let returned = false;
              const iterable = { [Symbol.iterator]() { let i = 0; return { next: () => ({ value: i++, done: false }), return() { returned = true; return {}; } }; } };
              const endless = ReadableStream.from(iterable);
              const reader = endless.getReader();
              await reader.read();
              await reader.cancel("stop");
              return [await collect(ReadableStream.from(gen())), await collect(ReadableStream.from([Promise.resolve("p"), "q"])),
                      returned, thrown(() => ReadableStream.from(5)),
                      await collect(ReadableStream.from(new ReadableStream({ start(c) { c.enqueue("s"); c.close(); } })))];
            })()
            """)
        #expect(
            result
                == #"[[1,2],["p","q"],true,"TypeError: ReadableStream.from() requires an iterable or async iterable object.",["s"]]"#
        )
    }
}

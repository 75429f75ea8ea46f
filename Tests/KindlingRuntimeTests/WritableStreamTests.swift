import KindlingRuntime
import Testing

@Suite("WritableStream and pipes")
struct WritableStreamTests {
    @Test("a writer writes in order, one at a time; ready and desiredSize show backpressure; close waits for the writes")
    func writer() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const log = [];
              let active = 0;
              const stream = new WritableStream({
                async write(chunk) { active++; log.push(`w${chunk}:${active}`); await new Promise((r) => setTimeout(r, 1)); active--; },
                close() { log.push("close"); },
              }, new CountQueuingStrategy({ highWaterMark: 2 }));
              const writer = stream.getWriter();
              const sizes = [writer.desiredSize];
              const writes = [writer.write(1), writer.write(2), writer.write(3)];
              sizes.push(writer.desiredSize);
              // ready settles once the queue drops below the high-water mark: after the second write, as the third starts.
              writer.ready.then(() => log.push("ready"));
              await Promise.all(writes);
              await writer.close();
              await writer.closed;
              return [log, sizes, stream.locked, thrown(() => stream.getWriter()),
                      await rejected(() => writer.write(4))];
            })()
            """)
        #expect(
            result
                == #"[["w1:1","w2:1","w3:1","ready","close"],[2,-1],true,"TypeError: This WritableStream is currently locked to a writer.","TypeError: This WritableStream has been closed."]"#
        )
    }

    @Test("abort rejects queued writes, calls the sink's abort with the reason, and errors the stream")
    func abort() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              let aborted;
              let signalReason;
              const stream = new WritableStream({
                start(c) { c.signal.addEventListener("abort", () => { signalReason = c.signal.reason; }); },
                write() { return new Promise((r) => setTimeout(r, 5)); },
                abort(reason) { aborted = reason; },
              });
              const writer = stream.getWriter();
              const first = writer.write("a");
              const second = writer.write("b");
              await new Promise((r) => setTimeout(r, 1)); // "a" is being written, "b" waits in the queue
              await writer.abort("stop");
              return [aborted, signalReason, await first === undefined, await second.then(() => "resolved", (e) => e),
                      await writer.closed.then(() => "closed", (e) => `closed rejected: ${e}`)];
            })()
            """)
        #expect(result == #"["stop","stop",true,"stop","closed rejected: stop"]"#)
    }

    @Test("a sink error errors the stream: later writes reject with it, close with a TypeError; releaseLock rejects closed")
    func sinkError() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const stream = new WritableStream({ write(chunk) { if (chunk === "bad") throw new RangeError("no bad chunks"); } });
              const writer = stream.getWriter();
              await writer.write("good");
              const out = [await rejected(() => writer.write("bad")), await rejected(() => writer.write("more")),
                           await rejected(() => writer.close()), writer.desiredSize];
              const other = new WritableStream().getWriter();
              const closed = other.closed;
              other.releaseLock();
              out.push(await rejected(() => closed), await rejected(() => other.write(1)));
              return out;
            })()
            """)
        #expect(
            result
                == #"["RangeError: no bad chunks","RangeError: no bad chunks","TypeError: This WritableStream has been closed.",null,"TypeError: This WritableStream writer has been released.","TypeError: This WritableStream writer has been released."]"#
        )
    }

    @Test("pipeTo moves every chunk and closes the destination; preventClose keeps it open")
    func pipeTo() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const source = () => new ReadableStream({ start(c) { c.enqueue("x"); c.enqueue("y"); c.close(); } });
              const written = [];
              let closes = 0;
              const sink = () => new WritableStream({ write(c) { written.push(c); }, close() { closes++; } });
              await source().pipeTo(sink());
              const kept = sink();
              await source().pipeTo(kept, { preventClose: true });
              const writer = kept.getWriter();
              await writer.write("z");
              return [written, closes, await rejected(() => source().pipeTo({})),];
            })()
            """)
        #expect(
            result
                == #"[["x","y","x","y","z"],1,"TypeError: Failed to execute 'pipeTo' on 'ReadableStream': parameter 1 is not of type 'WritableStream'."]"#
        )
    }

    @Test("pipeTo: a source error aborts the destination, a destination error cancels the source")
    func pipeErrors() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              let aborted;
              const failing = new ReadableStream({ start(c) { c.enqueue("one"); c.error(new TypeError("source broke")); } });
              const first = await rejected(() => failing.pipeTo(new WritableStream({ abort(r) { aborted = r.message; } })));
              let cancelled;
              const endless = new ReadableStream({ pull(c) { c.enqueue("more"); }, cancel(r) { cancelled = r.message; } });
              const second = await rejected(() => endless.pipeTo(new WritableStream({ write() { throw new RangeError("sink broke"); } })));
              let kept = "not cancelled";
              const third = await rejected(() => new ReadableStream({ pull(c) { c.enqueue(1); }, cancel() { kept = "cancelled"; } })
                .pipeTo(new WritableStream({ write() { throw new Error("x"); } }), { preventCancel: true }));
              return [first, aborted, second, cancelled, third, kept];
            })()
            """)
        #expect(
            result
                == #"["TypeError: source broke","source broke","RangeError: sink broke","sink broke","Error: x","not cancelled"]"#
        )
    }

    @Test("pipeTo stops with the signal's reason when it is aborted, cancelling the source and aborting the destination")
    func pipeSignal() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const controller = new AbortController();
              let cancelled;
              let aborted;
              const source = new ReadableStream({ pull(c) { return new Promise((r) => setTimeout(() => { c.enqueue(1); r(); }, 1)); }, cancel(r) { cancelled = r; } });
              const piping = source.pipeTo(new WritableStream({ abort(r) { aborted = r; } }), { signal: controller.signal });
              setTimeout(() => controller.abort("enough"), 5);
              const error = await piping.then(() => "resolved", (e) => e);
              return [error, cancelled, aborted, source.locked,
                      (await rejected(() => new ReadableStream().pipeTo(new WritableStream(), { signal: AbortSignal.abort() }))).split(":")[0]];
            })()
            """)
        #expect(result == #"["enough","enough","enough",false,"AbortError"]"#)
    }
}

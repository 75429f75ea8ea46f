import KindlingRuntime
import Testing

@Suite("TransformStream and the Workers byte transforms")
struct TransformStreamTests {
    @Test("a body streamed through a TransformStream is read back as text")
    func bodyThroughTransform() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const upper = new TransformStream({
                transform(chunk, controller) {
                  controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()));
                },
                flush(controller) { controller.enqueue(new TextEncoder().encode("!")); },
              });
              const response = new Response(new Response("shout this").body.pipeThrough(upper));
              return [await response.text(), Object.prototype.toString.call(upper), upper.readable.locked];
            })()
            """)
        #expect(result == #"["SHOUT THIS!","[object TransformStream]",true]"#)
    }

    @Test("the identity TransformStream passes chunks; terminate closes the readable side and errors the writable")
    func identityAndTerminate() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const { readable, writable } = new TransformStream();
              const writer = writable.getWriter();
              writer.write("a");
              writer.write({ b: 1 });
              writer.close();
              const seen = [];
              for await (const chunk of readable) seen.push(chunk);
              let controller;
              const t = new TransformStream({ start(c) { controller = c; } });
              controller.terminate();
              const read = await t.readable.getReader().read();
              return [seen, read.done, await rejected(() => t.writable.getWriter().write("late"))];
            })()
            """)
        #expect(result == #"[["a",{"b":1}],true,"TypeError: The TransformStream has been terminated."]"#)
    }

    @Test("an error in transform errors both sides; a cancelled readable side errors the writable side")
    func errors() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const t = new TransformStream({ transform() { throw new RangeError("cannot transform"); } });
              const writer = t.writable.getWriter();
              const read = t.readable.getReader().read(); // a write waits until the readable side wants data
              const out = [await rejected(() => writer.write("x")), await rejected(() => read)];
              let cancelReason;
              const u = new TransformStream({ cancel(r) { cancelReason = r; } });
              await u.readable.cancel("reader gave up");
              out.push(cancelReason, await u.writable.getWriter().write(1).then(() => "written", (e) => String(e)));
              out.push(thrown(() => new TransformStream({ readableType: "bytes" })));
              return out;
            })()
            """)
        #expect(
            result
                == #"["RangeError: cannot transform","RangeError: cannot transform","reader gave up","reader gave up","RangeError: Invalid readableType specified"]"#
        )
    }

    @Test("backpressure: nothing is transformed until the readable side is read")
    func backpressure() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const seen = [];
              const t = new TransformStream({ transform(chunk, c) { seen.push(chunk); c.enqueue(chunk); } });
              const writer = t.writable.getWriter();
              writer.write(1);
              writer.write(2);
              await new Promise((r) => setTimeout(r, 5));
              const before = seen.slice();
              const reader = t.readable.getReader();
              await reader.read();
              await reader.read();
              return [before, seen];
            })()
            """)
        #expect(result == "[[],[1,2]]")
    }

    @Test("IdentityTransformStream passes bytes to a BYOB reader and refuses anything else")
    func identityTransformStream() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const { readable, writable } = new IdentityTransformStream();
              const writer = writable.getWriter();
              writer.write(new TextEncoder().encode("bytes through"));
              writer.close();
              const reader = readable.getReader({ mode: "byob" });
              const first = await reader.read(new Uint8Array(5));
              const rest = await new Response(new ReadableStream({ async pull(c) { const r = await reader.read(new Uint8Array(64)); if (r.done) c.close(); else c.enqueue(r.value); } })).text();
              const bad = new IdentityTransformStream();
              const refused = await rejected(() => bad.writable.getWriter().write("text"));
              return [new TextDecoder().decode(first.value), rest, refused];
            })()
            """)
        #expect(
            result
                == #"["bytes"," through","TypeError: This WritableStream only supports writing byte types."]"#
        )
    }

    @Test("FixedLengthStream errors with workerd's wording when more or fewer bytes than declared are written")
    func fixedLengthStream() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const exact = new FixedLengthStream(5);
              const w = exact.writable.getWriter();
              w.write(new Uint8Array([1, 2]));
              w.write(new Uint8Array([3, 4, 5]));
              w.close();
              const bytes = await new Response(exact.readable).bytes();
              const over = new FixedLengthStream(2);
              const overWriter = over.writable.getWriter();
              over.readable.getReader().read();
              const tooMany = await rejected(() => overWriter.write(new Uint8Array(3)));
              const under = new FixedLengthStream(4);
              const underWriter = under.writable.getWriter();
              const reading = new Response(under.readable).arrayBuffer();
              await underWriter.write(new Uint8Array(1));
              const tooFew = await rejected(() => underWriter.close());
              return [Array.from(bytes), tooMany, tooFew, await rejected(() => reading), exact instanceof TransformStream,
                      thrown(() => new FixedLengthStream(-1))];
            })()
            """)
        #expect(
            result
                == #"[[1,2,3,4,5],"TypeError: Attempt to write too many bytes through a FixedLengthStream.","TypeError: FixedLengthStream did not see all expected bytes before close().","TypeError: FixedLengthStream did not see all expected bytes before close().",true,"TypeError: FixedLengthStream requires an integer expected length less than 2^53."]"#
        )
    }

    @Test("pipeTo into an IdentityTransformStream or a FixedLengthStream flows as the readable side is read")
    func pipeIntoIdentityStreams() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const source = () => ReadableStream.from(["first;", "last"].map((s) => new TextEncoder().encode(s)));
              const through = async (stream) => {
                const piped = source().pipeTo(stream.writable);
                const text = await new Response(stream.readable).text();
                await piped;
                return text;
              };
              return [await through(new IdentityTransformStream()), await through(new FixedLengthStream(10)),
                      await through(new IdentityTransformStream({ highWaterMark: 0 }))];
            })()
            """)
        #expect(result == #"["first;last","first;last","first;last"]"#)
    }
}

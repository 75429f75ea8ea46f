import KindlingRuntime
import Testing

@Suite("Readable byte streams")
struct ByteStreamTests {
    @Test("BYOB reads of odd sizes take exactly what fits; the rest stays queued")
    func oddSizedReads() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const stream = new ReadableStream({
                type: "bytes",
                start(c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5, 6, 7])); c.enqueue(new Uint8Array([8, 9, 10])); c.close(); },
              });
              const reader = stream.getReader({ mode: "byob" });
              const out = [Object.prototype.toString.call(reader)];
              let buffer = new ArrayBuffer(3);
              for (;;) {
                const { value, done } = await reader.read(new Uint8Array(buffer));
                if (done) { out.push(["done", value.byteLength]); break; }
                out.push(Array.from(value));
                buffer = value.buffer;
              }
              return out;
            })()
            """)
        #expect(result == #"["[object ReadableStreamBYOBReader]",[1,2,3],[4,5,6],[7,8,9],[10],["done",0]]"#)
    }

    @Test("a BYOB read is answered through byobRequest; min waits for enough bytes; views of wider elements")
    func byobRequest() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const sizes = [];
              let fill = 0;
              const stream = new ReadableStream({
                type: "bytes",
                pull(c) {
                  const request = c.byobRequest;
                  sizes.push(request.view.byteLength);
                  const n = Math.min(2, request.view.byteLength);
                  request.view.fill(++fill, 0, n);
                  request.respond(n);
                },
              });
              const reader = stream.getReader({ mode: "byob" });
              const a = await reader.read(new Uint8Array(5), { min: 5 });
              const b = await reader.read(new Uint16Array(2));
              const read = reader.read(new Uint8Array(0));
              return [Array.from(a.value), sizes, b.value.constructor.name, b.value.length, await rejected(() => read),
                      await rejected(() => reader.read(new Uint8Array(2), { min: 3 }))];
            })()
            """)
        #expect(
            result
                == #"[[1,1,2,2,3],[5,3,1,4],"Uint16Array",1,"TypeError: You must call read() on a \"byob\" reader with a positive-sized TypedArray object.","RangeError: Minimum bytes to read (3) exceeds size of buffer (2)."]"#
        )
    }

    @Test("the read buffer is transferred: the caller's view is detached")
    func transfer() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const stream = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([7])); } });
              const view = new Uint8Array(4);
              const { value } = await stream.getReader({ mode: "byob" }).read(view);
              return [view.byteLength, view.buffer.detached, value.byteLength, value.buffer.byteLength];
            })()
            """)
        #expect(result == "[0,true,1,4]")
    }

    @Test("a default reader on a byte stream gets Uint8Arrays; autoAllocateChunkSize gives pull a byobRequest")
    func defaultReaderOnBytes() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              let done = false;
              const stream = new ReadableStream({
                type: "bytes",
                autoAllocateChunkSize: 16,
                pull(c) {
                  if (done) { c.close(); c.byobRequest?.respond(0); return; }
                  done = true;
                  c.byobRequest.view.set([65, 66], 0);
                  c.byobRequest.respond(2);
                },
              });
              const reader = stream.getReader();
              const first = await reader.read();
              return [first.value.constructor.name, Array.from(first.value), first.value.buffer.byteLength, (await reader.read()).done,
                      thrown(() => new ReadableStream({ start(c) {} }).getReader({ mode: "byob" })),
                      thrown(() => new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array(0)); } }))];
            })()
            """)
        #expect(
            result
                == #"["Uint8Array",[65,66],16,true,"TypeError: This ReadableStream does not support BYOB reads; only byte streams (type: \"bytes\") do.","TypeError: Cannot enqueue a zero-length ArrayBufferView."]"#
        )
    }

    @Test("bodies are byte streams: a BYOB reader reads a Response body in pieces")
    func bodyBYOB() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const response = new Response("hello, world");
              const reader = response.body.getReader({ mode: "byob" });
              const parts = [];
              for (;;) {
                const { value, done } = await reader.read(new Uint8Array(5));
                if (done) break;
                parts.push(new TextDecoder().decode(value));
              }
              return [parts, response.bodyUsed, await rejected(() => response.text())];
            })()
            """)
        #expect(
            result
                == #"[["hello",", wor","ld"],true,"TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice."]"#
        )
    }
}

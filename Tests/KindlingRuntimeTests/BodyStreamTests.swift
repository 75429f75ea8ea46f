import KindlingRuntime
import Testing

@Suite("Bodies as ReadableStreams")
struct BodyStreamTests {
    @Test("Request.body and Response.body are real ReadableStreams; Blob.stream() too")
    func realStreams() async throws {
        let result = try await evaluateWebAPI(
            """
            [new Response("x").body instanceof ReadableStream,
             new Request("https://a/", { method: "POST", body: "x" }).body instanceof ReadableStream,
             new Blob(["b"]).stream() instanceof ReadableStream,
             new Response("x").body.getReader({ mode: "byob" }) instanceof ReadableStreamBYOBReader]
            """)
        #expect(result == "[true,true,true,true]")
    }

    @Test("new Response(stream) and a POST Request with a stream body read any ReadableStream chunk by chunk")
    func userStreams() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const encoder = new TextEncoder();
              let pulls = 0;
              const source = () => new ReadableStream({
                pull(c) {
                  pulls++;
                  if (pulls <= 3) c.enqueue(encoder.encode(`part${pulls};`));
                  else c.close();
                },
              });
              const text = await new Response(source()).text();
              pulls = 0;
              const request = new Request("https://a/", { method: "POST", body: source() });
              const json = await new Response(new ReadableStream({ start(c) { c.enqueue(encoder.encode('{"a":')); c.enqueue(new Uint16Array([0x3131]).buffer); c.enqueue(encoder.encode("}")); c.close(); } })).json();
              return [text, await request.text(), json, await rejected(() => new Response(new ReadableStream({ start(c) { c.enqueue("not bytes"); } })).text()),
                      await rejected(() => new Response(new ReadableStream({ start(c) { c.error(new RangeError("source failed")); } })).arrayBuffer())];
            })()
            """)
        #expect(
            result
                == #"["part1;part2;part3;","part1;part2;part3;",{"a":11},"TypeError: This ReadableStream did not return bytes.","RangeError: source failed"]"#
        )
    }

    @Test("a disturbed or locked stream cannot become a body")
    func disturbedStreams() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const read = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1])); } });
              await read.getReader().read();
              const locked = new ReadableStream();
              locked.getReader();
              return [thrown(() => new Response(read)), thrown(() => new Response(locked))];
            })()
            """)
        #expect(
            result
                == #"["TypeError: This ReadableStream is disturbed (has already been read from), and cannot be used as a body.","TypeError: This ReadableStream is currently locked to a reader."]"#
        )
    }

    @Test("an untouched body stream passed to a new Response is unwrapped and leaves the old one used")
    func unwrapping() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const original = new Response("pass it on");
              const stream = original.body;
              const copy = new Response(stream);
              return [await copy.text(), stream.locked, original.bodyUsed, await rejected(() => original.text())];
            })()
            """)
        #expect(
            result
                == #"["pass it on",true,true,"TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice."]"#
        )
    }

    @Test("clone() of a streamed response tees it: both read the whole body")
    func cloneStreamed() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const response = new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("twice")); c.close(); } }));
              const clone = response.clone();
              return [await response.text(), await clone.text()];
            })()
            """)
        #expect(result == #"["twice","twice"]"#)
    }
}

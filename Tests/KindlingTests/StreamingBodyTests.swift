import Foundation
import Kindling
import KindlingTesting
import Testing

/// Bodies that stream end to end: out of a worker to a `dispatchFetch` caller or an HTTP client chunk by chunk,
/// into a worker from an upload as it arrives, and between workers over service bindings.
///
/// Nothing here is timed: a body that were buffered whole would make these tests wait for a chunk that is only
/// written after the test has seen an earlier one, and the time limit would fail them.
@Suite("Streamed request and response bodies", .timeLimit(.minutes(2)))
struct StreamingBodyTests {
    /// `/stream` answers "first;" at once and "last" only after `/release` was requested; `/upper` is that stream
    /// upper-cased through a `TransformStream`, `/fixed` the same stream through a `FixedLengthStream`. `/stuck` never writes to its stream. `/cancelled` answers once a `/forever` stream was cancelled, with the
    /// reason it got. `/invert` sends the upload back through a `TransformStream` that inverts every byte.
    static let streamer = #"""
        let release;
        const released = new Promise((resolve) => { release = resolve; });
        let cancelled;
        const cancelledReason = new Promise((resolve) => { cancelled = resolve; });
        const encoder = new TextEncoder();
        // "first;" at once, "last" once released.
        const staged = () => {
          let step = 0;
          return new ReadableStream({
            async pull(controller) {
              step += 1;
              if (step === 1) return controller.enqueue(encoder.encode("first;"));
              if (step === 2) { await released; return controller.enqueue(encoder.encode("last")); }
              controller.close();
            },
          });
        };
        const transform = (map) => new TransformStream(
          { transform(chunk, controller) { controller.enqueue(map(chunk)); } },
          undefined,
          new CountQueuingStrategy({ highWaterMark: 1 })
        );

        export default {
          async fetch(request) {
            switch (new URL(request.url).pathname) {
              case "/release":
                release();
                return new Response("released");
              case "/stream":
                return new Response(staged());
              case "/fixed": {
                // "first;" at once, "last" once released, through a FixedLengthStream of their length.
                const { readable, writable } = new FixedLengthStream(10);
                staged().pipeTo(writable);
                return new Response(readable);
              }
              case "/upper": {
                const decoder = new TextDecoder();
                return new Response(staged().pipeThrough(
                  transform((chunk) => encoder.encode(decoder.decode(chunk, { stream: true }).toUpperCase()))));
              }
              case "/invert":
                return new Response(request.body.pipeThrough(transform((chunk) => chunk.map((byte) => byte ^ 0xff))));
              case "/forever":
                return new Response(new ReadableStream({
                  pull(controller) { controller.enqueue(new Uint8Array(16 * 1024).fill(120)); },
                  cancel(reason) { cancelled(String(reason)); },
                }));
              case "/stuck":
                // A head, then a body whose first read the worker never answers.
                return new Response(new ReadableStream({ pull() { return new Promise(() => {}); } }));
              case "/cancelled":
                return new Response("cancelled: " + await cancelledReason);
              case "/broken": {
                let step = 0;
                return new Response(new ReadableStream({
                  pull(controller) {
                    step += 1;
                    if (step === 1) return controller.enqueue(encoder.encode("partial"));
                    throw new Error("the stream broke");
                  },
                }));
              }
              case "/count": {
                // Reads the upload chunk by chunk: its length, a checksum and how many chunks it came in.
                const reader = request.body.getReader();
                let bytes = 0, chunks = 0, sum = 0;
                for (;;) {
                  const { done, value } = await reader.read();
                  if (done) break;
                  chunks += 1;
                  bytes += value.byteLength;
                  for (let i = 0; i < value.length; i++) sum = (sum * 31 + value[i]) >>> 0;
                }
                return Response.json({ bytes, chunks, sum });
              }
              case "/big": {
                // One buffer enqueued again and again: the worker allocates nothing, so whatever memory the
                // transfer takes is Kindling's.
                const total = Number(new URL(request.url).searchParams.get("mib")) * 1024 * 1024;
                const chunk = new Uint8Array(64 * 1024).fill(120);
                let sent = 0;
                return new Response(new ReadableStream({
                  pull(controller) {
                    if (sent >= total) return controller.close();
                    controller.enqueue(chunk);
                    sent += chunk.length;
                  },
                }));
              }
            }
            return new Response("not found", { status: 404 });
          },
        };
        """#

    static func withStreamer(port: Int? = nil, _ body: (Kindling) async throws -> Void) async throws {
        let kindling = try await Kindling(
            KindlingOptions(port: port, workers: [WorkerOptions(name: "streamer", script: streamer, modules: true)]))
        do {
            try await body(kindling)
        } catch {
            await kindling.dispose()
            throw error
        }
        await kindling.dispose()
    }

    /// The checksum `/count` computes.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.reduce(UInt32(0)) { $0 &* 31 &+ UInt32($1) }
    }

    static func upload(mebibytes: Int) -> [UInt8] {
        (0..<(mebibytes << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
    }

    // MARK: dispatchFetch

    @Test("dispatchFetch: a streamed response arrives chunk by chunk, the first before the worker writes the last")
    func dispatchFetchStreams() async throws {
        try await Self.withStreamer { kindling in
            let response = try await kindling.dispatchFetch("http://localhost/stream")
            guard case .stream(let stream) = response.body else {
                Issue.record("expected a streamed body, got \(response.body)")
                return
            }
            var chunks = stream.makeAsyncIterator()
            #expect(try await chunks.next().map { String(decoding: $0, as: UTF8.self) } == "first;")
            #expect(try await kindling.dispatchFetch("http://localhost/release").text() == "released")
            #expect(try await chunks.next().map { String(decoding: $0, as: UTF8.self) } == "last")
            #expect(try await chunks.next() == nil)
        }
    }

    @Test("dispatchFetch: a .stream request body reaches the worker as a stream, read chunk by chunk")
    func dispatchFetchUpload() async throws {
        let upload = Self.upload(mebibytes: 3)
        try await Self.withStreamer { kindling in
            let pieces = stride(from: 0, to: upload.count, by: 100_000).map { Array(upload[$0..<min($0 + 100_000, upload.count)]) }
            let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
                for piece in pieces { continuation.yield(piece) }
                continuation.finish()
            }
            let response = try await kindling.dispatchFetch("http://localhost/count", method: "POST", body: .stream(body))
            let counted = try JSONSerialization.jsonObject(with: Data(try await response.bytes())) as? [String: Int]
            #expect(counted?["bytes"] == upload.count)
            #expect(counted?["chunks"] == pieces.count)
            #expect(counted?["sum"] == Int(Self.checksum(upload)))
        }
    }

    @Test("dispatchFetch: an error thrown mid-stream reaches the reader after the chunks before it")
    func dispatchFetchError() async throws {
        try await Self.withStreamer { kindling in
            let response = try await kindling.dispatchFetch("http://localhost/broken")
            var received: [UInt8] = []
            await #expect(throws: (any Error).self) {
                for try await chunk in response.body.stream { received += chunk }
            }
            #expect(String(decoding: received, as: UTF8.self) == "partial")
        }
    }

    @Test("dispatchFetch: dropping a streamed body unfinished cancels the worker's stream")
    func dispatchFetchCancel() async throws {
        try await Self.withStreamer { kindling in
            try await {
                let response = try await kindling.dispatchFetch("http://localhost/forever")
                var chunks = response.body.stream.makeAsyncIterator()
                #expect(try await chunks.next()?.isEmpty == false)
            }()
            #expect(try await kindling.dispatchFetch("http://localhost/cancelled").text() == "cancelled: undefined")
        }
    }

    // MARK: HTTP

    @Test("HTTP: a streamed response is sent chunked, the first chunk before the worker writes the last")
    func httpStreams() async throws {
        try await Self.withStreamer(port: 0) { kindling in
            let url = try #require(kindling.url)
            let client = try await StreamingHTTPClient.connect(url)
            try await client.send("GET", "/stream")
            #expect(client.status == 200)
            #expect(client.header("transfer-encoding") == "chunked")
            #expect(try await client.nextChunk().map { String(decoding: $0, as: UTF8.self) } == "first;")

            #expect(try await StreamingHTTPClient.text(of: "/release", at: url) == "released")

            #expect(String(decoding: try await client.readRest(), as: UTF8.self) == "last")
            #expect(client.complete)
            await client.close()
        }
    }

    @Test("HTTP: a FixedLengthStream's body is sent with its Content-Length, not chunked, and still streams")
    func httpFixedLength() async throws {
        try await Self.withStreamer(port: 0) { kindling in
            let url = try #require(kindling.url)
            let client = try await StreamingHTTPClient.connect(url)
            try await client.send("GET", "/fixed")
            #expect(client.header("content-length") == "10")
            #expect(client.header("transfer-encoding") == nil)
            #expect(try await client.read(exactly: 6).map { String(decoding: $0, as: UTF8.self) } == "first;")

            #expect(try await StreamingHTTPClient.text(of: "/release", at: url) == "released")

            #expect(try await client.read(exactly: 4).map { String(decoding: $0, as: UTF8.self) } == "last")
            await client.close()
        }
    }

    @Test("HTTP: shutting down with a stream the worker never writes to ends after the grace period, the body cut")
    func httpShutdownWithStuckStream() async throws {
        try await Self.withStreamer(port: 0) { kindling in
            let client = try await StreamingHTTPClient.connect(try #require(kindling.url))
            try await client.send("GET", "/stuck")
            #expect(client.status == 200)
            // Before the fix this never returned: the responder waited for a read the worker would never answer.
            await kindling.dispose()
            #expect(try await client.nextChunk() == nil)
            #expect(!client.complete)
            await client.close()
        }
    }

    @Test("HTTP: a stream piped through a TransformStream reaches the client transformed, the first chunk before the worker writes the last")
    func httpTransformedStream() async throws {
        try await Self.withStreamer(port: 0) { kindling in
            let url = try #require(kindling.url)
            let client = try await StreamingHTTPClient.connect(url)
            try await client.send("GET", "/upper")
            #expect(client.header("transfer-encoding") == "chunked")
            #expect(try await client.nextChunk().map { String(decoding: $0, as: UTF8.self) } == "FIRST;")

            #expect(try await StreamingHTTPClient.text(of: "/release", at: url) == "released")

            #expect(String(decoding: try await client.readRest(), as: UTF8.self) == "LAST")
            #expect(client.complete)
            await client.close()
        }
    }

    @Test("HTTP: an upload of several MiB piped through a TransformStream comes back transformed, byte for byte")
    func httpTransformedUpload() async throws {
        let upload = Self.upload(mebibytes: 3)
        try await Self.withStreamer(port: 0) { kindling in
            let client = try await StreamingHTTPClient.connect(try #require(kindling.url))
            try await client.send("POST", "/invert", body: upload)
            let echoed = try await client.readRest()
            await client.close()
            // Compared by hand: a failing `==` on two 3 MiB arrays makes the test library diff them for minutes.
            #expect(echoed.count == upload.count)
            let mismatch = echoed.indices.first { echoed[$0] != upload[$0] ^ 0xff }
            #expect(mismatch == nil, "the first byte that differs is at \(mismatch ?? 0)")
        }
    }

    @Test("HTTP: a POST body of several MiB streams into the worker, which counts and checksums it")
    func httpUpload() async throws {
        let upload = Self.upload(mebibytes: 6)
        try await Self.withStreamer(port: 0) { kindling in
            let client = try await StreamingHTTPClient.connect(try #require(kindling.url))
            try await client.send("POST", "/count", body: upload)
            let counted = try JSONSerialization.jsonObject(with: Data(try await client.readBody())) as? [String: Int]
            await client.close()
            #expect(counted?["bytes"] == upload.count)
            #expect((counted?["chunks"] ?? 0) > 1)
            #expect(counted?["sum"] == Int(Self.checksum(upload)))
        }
    }

    @Test("HTTP: a client that hangs up mid-stream cancels the worker's stream")
    func httpDisconnect() async throws {
        try await Self.withStreamer(port: 0) { kindling in
            let url = try #require(kindling.url)
            let client = try await StreamingHTTPClient.connect(url)
            try await client.send("GET", "/forever")
            #expect(try await client.nextChunk()?.isEmpty == false)
            await client.close()
            #expect(try await StreamingHTTPClient.text(of: "/cancelled", at: url) == "cancelled: undefined")
        }
    }

    @Test("HTTP: an error thrown mid-stream cuts the connection after the chunks before it (no last chunk)")
    func httpError() async throws {
        try await Self.withStreamer(port: 0) { kindling in
            let client = try await StreamingHTTPClient.connect(try #require(kindling.url))
            try await client.send("GET", "/broken")
            #expect(client.status == 200)
            #expect(String(decoding: try await client.readRest(), as: UTF8.self) == "partial")
            #expect(!client.complete)
            #expect(client.closed)
        }
    }

    @Test("HTTP: a 128 MiB streamed response to a slow client goes through without the server holding it")
    func httpBigBody() async throws {
        try await Self.withStreamer(port: 0) { kindling in
            let client = try await StreamingHTTPClient.connect(try #require(kindling.url))
            try await client.send("GET", "/big?mib=128")
            let before = residentMemoryBytes()
            var peak = before
            var received = 0
            var chunks = 0
            while let chunk = try await client.nextChunk() {
                received += chunk.count
                chunks += 1
                if chunks % 64 == 0 { peak = max(peak, residentMemoryBytes()) }
            }
            await client.close()
            #expect(received == 128 << 20)
            #expect(client.complete)
            // Holding the body would add at least 128 MiB. Garbage not yet collected and other suites running
            // meanwhile add noise (tens of MiB in a debug build), so the bound is half the body.
            #expect(peak - before < 64 << 20, "resident memory grew by \((peak - before) >> 20) MiB")
        }
    }

    // MARK: Service bindings

    @Test("a service binding passes a stream through: the caller's client gets the first chunk before the last is written")
    func serviceBindingStreams() async throws {
        let caller = #"""
            export default {
              async fetch(request, env) {
                const url = new URL(request.url);
                if (url.pathname === "/release") return env.STREAMER.fetch("http://streamer/release");
                if (url.pathname === "/upload") return env.STREAMER.fetch("http://streamer/count", request);
                // Read the callee's stream incrementally, then pass the rest through.
                const response = await env.STREAMER.fetch("http://streamer/stream");
                const reader = response.body.getReader();
                const first = await reader.read();
                return new Response(new ReadableStream({
                  start(controller) { controller.enqueue(first.value); },
                  async pull(controller) {
                    const next = await reader.read();
                    if (next.done) controller.close(); else controller.enqueue(next.value);
                  },
                }));
              },
            };
            """#
        let kindling = try await Kindling(
            KindlingOptions(workers: [
                WorkerOptions(name: "caller", script: caller, modules: true, serviceBindings: ["STREAMER": .worker("streamer")]),
                WorkerOptions(name: "streamer", script: Self.streamer, modules: true),
            ]))
        let response = try await kindling.dispatchFetch("http://localhost/")
        var chunks = response.body.stream.makeAsyncIterator()
        #expect(try await chunks.next().map { String(decoding: $0, as: UTF8.self) } == "first;")
        #expect(try await kindling.dispatchFetch("http://localhost/release").text() == "released")
        var rest: [UInt8] = []
        while let chunk = try await chunks.next() { rest += chunk }
        #expect(String(decoding: rest, as: UTF8.self) == "last")

        let upload = Self.upload(mebibytes: 2)
        let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for start in stride(from: 0, to: upload.count, by: 1 << 18) {
                continuation.yield(Array(upload[start..<min(start + (1 << 18), upload.count)]))
            }
            continuation.finish()
        }
        let counted = try JSONSerialization.jsonObject(
            with: Data(try await kindling.dispatchFetch("http://localhost/upload", method: "POST", body: .stream(body)).bytes()))
            as? [String: Int]
        #expect(counted?["bytes"] == upload.count)
        #expect((counted?["chunks"] ?? 0) > 1)
        #expect(counted?["sum"] == Int(Self.checksum(upload)))
        await kindling.dispose()
    }
}

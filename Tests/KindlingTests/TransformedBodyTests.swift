import Foundation
import Kindling
import Testing

/// Bodies that a worker streams through a `TransformStream` on their way to an HTTP client: the transform runs
/// chunk by chunk as the body goes out, not over a body collected first.
@Suite("Bodies streamed through a TransformStream to a client", .timeLimit(.minutes(2)))
struct TransformedBodyTests {
    /// `/upper` streams "first;" at once and "last" once `/release` was requested, upper-cased on the way out;
    /// `/invert` sends the upload back with every byte inverted, through a transform with a small buffer.
    static let transformer = #"""
        let release;
        const released = new Promise((resolve) => { release = resolve; });
        const encoder = new TextEncoder();
        const upperCase = () => {
          const decoder = new TextDecoder();
          return new TransformStream({
            transform(chunk, controller) {
              controller.enqueue(encoder.encode(decoder.decode(chunk, { stream: true }).toUpperCase()));
            },
          });
        };

        export default {
          async fetch(request) {
            switch (new URL(request.url).pathname) {
              case "/release":
                release();
                return new Response("released");
              case "/upper": {
                let step = 0;
                const source = new ReadableStream({
                  async pull(controller) {
                    step += 1;
                    if (step === 1) return controller.enqueue(encoder.encode("first;"));
                    if (step === 2) { await released; return controller.enqueue(encoder.encode("last")); }
                    controller.close();
                  },
                });
                return new Response(source.pipeThrough(upperCase()));
              }
              case "/invert": {
                const invert = new TransformStream(
                  {
                    transform(chunk, controller) {
                      const out = new Uint8Array(chunk.byteLength);
                      for (let i = 0; i < chunk.byteLength; i++) out[i] = chunk[i] ^ 0xff;
                      controller.enqueue(out);
                    },
                  },
                  undefined,
                  new CountQueuingStrategy({ highWaterMark: 1 })
                );
                return new Response(request.body.pipeThrough(invert));
              }
            }
            return new Response("not found", { status: 404 });
          },
        };
        """#

    @Test("a streamed body piped through a TransformStream reaches the client transformed, the first chunk before the worker writes the last")
    func transformedStream() async throws {
        try await Self.withTransformer { url in
            let client = try await StreamingHTTPClient.connect(url)
            try await client.send("GET", "/upper")
            #expect(client.status == 200)
            #expect(client.header("transfer-encoding") == "chunked")
            #expect(try await client.nextChunk().map { String(decoding: $0, as: UTF8.self) } == "FIRST;")

            #expect(try await StreamingHTTPClient.text(of: "/release", at: url) == "released")

            #expect(String(decoding: try await client.readRest(), as: UTF8.self) == "LAST")
            #expect(client.complete)
            await client.close()
        }
    }

    @Test("an upload of several MiB piped through a TransformStream comes back transformed, byte for byte")
    func transformedUpload() async throws {
        let upload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) }
        try await Self.withTransformer { url in
            let client = try await StreamingHTTPClient.connect(url)
            try await client.send("POST", "/invert", body: upload)
            #expect(client.status == 200)
            let echoed = try await client.readRest()
            await client.close()
            // Compared by hand: a failing `==` on two 3 MiB arrays makes the test library diff them for minutes.
            #expect(echoed.count == upload.count)
            let mismatch = echoed.indices.first { echoed[$0] != upload[$0] ^ 0xff }
            #expect(mismatch == nil, "the first byte that differs is at \(mismatch ?? 0)")
        }
    }

    /// Runs `body` against `kindling dev`'s HTTP server serving ``transformer``, disposing of it whatever happens.
    static func withTransformer(_ body: (String) async throws -> Void) async throws {
        let kindling = try await Kindling(
            KindlingOptions(port: 0, workers: [WorkerOptions(name: "transformer", script: transformer, modules: true)]))
        do {
            try await body(try #require(kindling.url))
        } catch {
            await kindling.dispose()
            throw error
        }
        await kindling.dispose()
    }
}

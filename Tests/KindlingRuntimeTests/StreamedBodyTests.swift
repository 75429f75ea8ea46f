import KindlingRuntime
import Synchronization
import Testing

/// Bodies crossing the isolate boundary as streams: ``BodyStream`` itself, a worker's `new Response(stream)` read
/// from Swift, and a ``BodyStream`` read by a worker as `request.body`.
@Suite("Streamed bodies across the isolate", .timeLimit(.minutes(1)))
struct StreamedBodyTests {
    static func chunks(_ pieces: [String]) -> AsyncThrowingStream<[UInt8], any Error> {
        AsyncThrowingStream { continuation in
            for piece in pieces { continuation.yield(Array(piece.utf8)) }
            continuation.finish()
        }
    }

    // MARK: BodyStream

    @Test("BodyStream: chunks in order, empty ones skipped, nil at the end and after it")
    func readsInOrder() async throws {
        let stream = BodyStream(chunks: Self.chunks(["a", "", "bc", "d"]))
        var read: [String] = []
        while let chunk = try await stream.next() { read.append(String(decoding: chunk, as: UTF8.self)) }
        #expect(read == ["a", "bc", "d"])
        #expect(try await stream.next() == nil)
    }

    @Test("BodyStream: cancel tells the source once; later reads give nil; a stream dropped unfinished is cancelled")
    func cancels() async throws {
        let cancels = Mutex(0)
        let stream = BodyStream(chunks: Self.chunks(["a", "b"]), onCancel: { cancels.withLock { $0 += 1 } })
        #expect(try await stream.next() == Array("a".utf8))
        stream.cancel()
        stream.cancel()
        #expect(try await stream.next() == nil)
        #expect(cancels.withLock { $0 } == 1)

        do {
            let dropped = BodyStream(chunks: Self.chunks(["a"]), onCancel: { cancels.withLock { $0 += 1 } })
            _ = try await dropped.next()
        }
        #expect(cancels.withLock { $0 } == 2)

        let finished = BodyStream(chunks: Self.chunks(["a"]), onCancel: { cancels.withLock { $0 += 1 } })
        #expect(try await finished.collect() == Array("a".utf8))
        finished.cancel()
        #expect(cancels.withLock { $0 } == 2)
    }

    @Test("BodyStream: a second read while one is in progress fails instead of interleaving")
    func concurrentRead() async throws {
        let (chunks, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let stream = BodyStream(chunks: chunks)
        let first = Task { try await stream.next() }
        await Task.yield()
        let second: Result<[UInt8]?, any Error> = await withCheckedContinuation { done in stream.read { done.resume(returning: $0) } }
        continuation.yield(Array("x".utf8))
        #expect(try await first.value == Array("x".utf8))
        #expect(throws: BodyStreamError.self) { try second.get() }
    }

    // MARK: Out of a worker

    static let worker = #"""
        const encoder = new TextEncoder();
        globalThis.cancelledWith = "not cancelled";
        export default {
          fetch(request) {
            switch (new URL(request.url).pathname) {
              case "/text": return new Response("plain text");
              case "/untouched": return new Response(new Response("untouched stream").body);
              case "/chunks": {
                const parts = ["one ", "two ", "three"];
                return new Response(new ReadableStream({
                  pull(controller) {
                    const part = parts.shift();
                    if (part === undefined) controller.close(); else controller.enqueue(encoder.encode(part));
                  },
                }), { headers: { "x-kind": "streamed" } });
              }
              case "/strings":
                return new Response(new ReadableStream({ start(controller) { controller.enqueue("not bytes"); } }));
              case "/endless":
                return new Response(new ReadableStream({
                  pull(controller) { return new Promise((resolve) => setTimeout(resolve, 1)).then(() => controller.enqueue(new Uint8Array(8))); },
                  cancel(reason) { globalThis.cancelledWith = "cancelled: " + reason; },
                }));
              case "/echo": return new Response(request.body);
              case "/count": return request.text().then((text) => new Response(`${text.length} ${text}`));
              case "/chunked": {
                return (async () => {
                  const sizes = [];
                  for await (const chunk of request.body) sizes.push(chunk.byteLength);
                  return new Response(sizes.join(","));
                })();
              }
            }
          },
        };
        """#

    @Test("a string body, and an untouched body stream of one, cross as bytes with no stream machinery")
    func fastPath() async throws {
        try await withWorker(["index.js": Self.worker]) { isolate, _ async throws in
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/text")).body == .bytes(Array("plain text".utf8)))
            #expect(
                try await isolate.fetch(WorkerRequest(url: "http://x/untouched")).body
                    == .bytes(Array("untouched stream".utf8)))
        }
    }

    @Test("new Response(readableStream) comes back as a stream of the worker's chunks, with its headers")
    func streamedResponse() async throws {
        try await withWorker(["index.js": Self.worker]) { isolate, _ async throws in
            let response = try await isolate.fetch(WorkerRequest(url: "http://x/chunks"))
            #expect(response.header("x-kind") == "streamed")
            guard case .stream(let stream) = response.body else {
                Issue.record("expected a stream, got \(response.body)")
                return
            }
            #expect(String(decoding: try await stream.collect(), as: UTF8.self) == "one two three")
        }
    }

    @Test("a chunk that is not bytes fails the read with workerd's TypeError")
    func notBytes() async throws {
        try await withWorker(["index.js": Self.worker]) { isolate, _ async throws in
            let response = try await isolate.fetch(WorkerRequest(url: "http://x/strings"))
            let error = await #expect(throws: ScriptError.self) { try await response.body.collect() }
            #expect(error?.name == "TypeError")
            #expect(error?.message == "This ReadableStream did not return bytes.")
        }
    }

    @Test("cancelling the stream in Swift runs the worker's cancel callback")
    func cancelReachesWorker() async throws {
        try await withWorker(["index.js": Self.worker]) { isolate, _ async throws in
            let response = try await isolate.fetch(WorkerRequest(url: "http://x/endless"))
            guard case .stream(let stream) = response.body else {
                Issue.record("expected a stream")
                return
            }
            #expect(try await stream.next()?.isEmpty == false)
            stream.cancel()
            // The cancel is queued on the isolate's thread before this evaluation.
            #expect(try await isolate.evaluate("globalThis.cancelledWith") == #""cancelled: undefined""#)
        }
    }

    // MARK: Into a worker

    @Test("a streamed request body reaches the worker as a ReadableStream, chunk by chunk")
    func streamedRequest() async throws {
        try await withWorker(["index.js": Self.worker]) { isolate, _ async throws in
            let text = try await isolate.fetch(
                WorkerRequest(method: "POST", url: "http://x/count", body: .stream(BodyStream(chunks: Self.chunks(["ab", "cd", "é"])))))
            #expect(text.text == "5 abcdé")
            let sizes = try await isolate.fetch(
                WorkerRequest(method: "POST", url: "http://x/chunked", body: .stream(BodyStream(chunks: Self.chunks(["ab", "", "cde"])))))
            #expect(sizes.text == "2,3")
        }
    }

    @Test("a request body stream the worker returns unread leaves as the same BodyStream, no chunk passing through JS")
    func unreadStreamGoesBack() async throws {
        try await withWorker(["index.js": Self.worker]) { isolate, _ async throws in
            let upload = BodyStream(chunks: Self.chunks(["ab", "cd"]))
            let response = try await isolate.fetch(WorkerRequest(method: "POST", url: "http://x/echo", body: .stream(upload)))
            #expect(response.body == .stream(upload))
            #expect(String(decoding: try await response.body.collect(), as: UTF8.self) == "abcd")
        }
    }
}

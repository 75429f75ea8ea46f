import KindlingRuntime
import Synchronization
import Testing

/// An outbound fetcher that records what it is asked and answers from a closure.
private final class RecordingOutbound: OutboundFetcher {
    let requests = Mutex<[WorkerRequest]>([])
    let answer: @Sendable (WorkerRequest) -> WorkerResponse

    init(answer: @escaping @Sendable (WorkerRequest) -> WorkerResponse) {
        self.answer = answer
    }

    func send(_ request: WorkerRequest, completion: @escaping @Sendable (Result<WorkerResponse, any Error>) -> Void)
        -> @Sendable () -> Void
    {
        requests.withLock { $0.append(request) }
        completion(.success(answer(request)))
        return {}
    }
}

@Suite("fetch() global (the runtime's half)")
struct FetchGlobalTests {
    @Test("without an outbound fetcher, fetch() rejects with a TypeError saying so")
    func noOutbound() async throws {
        let result = try await evaluateWebAPI(
            """
            Promise.all([rejected(() => fetch("https://example.com/")), rejected(() => fetch())])
            """)
        #expect(
            result
                == #"["TypeError: fetch() is not available in this isolate: it was made without an outbound fetcher.","#
                + #""TypeError: Failed to execute 'fetch' on 'ServiceWorkerGlobalScope': 1 argument required, but only 0 present."]"#
        )
    }

    @Test("the outbound fetcher gets the request without its fragment; the Response has the answer, read-only headers")
    func requestAndResponse() async throws {
        let outbound = RecordingOutbound { request in
            WorkerResponse(
                status: request.method == "HEAD" ? 200 : 201, statusText: "Made",
                headers: [.init("X-Answer", "42"), .init("Set-Cookie", "a=1"), .init("Set-Cookie", "b=2")],
                body: .bytes(Array("made it".utf8)))
        }
        let result = try await withIsolate(IsolateConfiguration(name: "test", outbound: outbound)) { isolate in
            try await isolate.evaluate(
                """
                (async () => {
                  const response = await fetch("https://example.com/path?q=1#top", {
                    method: "PUT", headers: { "X-Sent": "yes" }, body: new Uint8Array([1, 2, 3]),
                  });
                  let immutable;
                  try { response.headers.set("x-answer", "0"); } catch (e) { immutable = e.name; }
                  const head = await fetch("https://example.com/", { method: "HEAD" });
                  return [response.status, response.statusText, response.url, response.headers.get("x-answer"),
                    response.headers.getSetCookie(), await response.text(), immutable, head.body];
                })()
                """)
        }
        #expect(result == #"[201,"Made","https://example.com/path?q=1","42",["a=1","b=2"],"made it","TypeError",null]"#)
        let requests = outbound.requests.withLock { $0 }
        #expect(requests.count == 2)
        #expect(requests.first?.method == "PUT")
        #expect(requests.first?.url == "https://example.com/path?q=1")
        #expect(requests.first?.headers == [.init("x-sent", "yes")])
        #expect(requests.first?.body == .bytes([1, 2, 3]))
    }

    @Test("fetch(url) alone: the URL parsed and serialized as new Request(url) does, every time; bad URLs rejected alike")
    func urlOnly() async throws {
        let outbound = RecordingOutbound { request in WorkerResponse(status: 200, body: .bytes(Array(request.url.utf8))) }
        let result = try await withIsolate(IsolateConfiguration(name: "test", outbound: outbound)) { isolate in
            try await isolate.evaluate(
                """
                (async () => {
                  const urls = [];
                  for (const input of ["HTTP://Example.COM:80/a/../b?x#frag", "HTTP://Example.COM:80/a/../b?x#frag", "https://example.com/\\ud800"]) {
                    const response = await fetch(input);
                    urls.push([response.url, await response.text(), response.headers.get("x") === null]);
                  }
                  const rejected = async (f) => { try { await f(); return "resolved"; } catch (e) { return `${e.name}: ${e.message}`; } };
                  return [urls, await rejected(() => fetch("/relative")), await rejected(() => fetch("ftp://example.com/")),
                    await rejected(() => fetch("http://exa mple.com/"))];
                })()
                """)
        }
        #expect(
            result
                == #"[[["http://example.com/b?x","http://example.com/b?x",true],["http://example.com/b?x","http://example.com/b?x",true],"#
                + #"["https://example.com/%EF%BF%BD","https://example.com/%EF%BF%BD",true]],"#
                + #""TypeError: Invalid URL: /relative","TypeError: Fetch API cannot load: ftp://example.com/","#
                + #""TypeError: Invalid URL: http://exa mple.com/"]"#
        )
        #expect(outbound.requests.withLock { $0.map(\.method) } == ["GET", "GET", "GET"])
    }
}

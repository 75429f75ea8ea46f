import Foundation
import KindlingTesting
import Testing

@Suite("fetch() to the network", .timeLimit(.minutes(1)))
struct FetchTests {
    @Test("GET: the server sees the method, path and headers as sent; the response has its status, headers and url")
    func getWithHeaders() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                const response = await fetch(`${ORIGIN}/echo/a?b=1#fragment`, {
                  headers: { "X-Custom": "hello", "Accept": "text/plain" },
                });
                const echo = await response.json();
                const header = (name) => echo.headers.filter(([n]) => n === name).map(([, v]) => v).join();
                return [response.status, response.statusText, response.headers.get("content-type"),
                  response.url === `${ORIGIN}/echo/a?b=1`, response.redirected,
                  echo.method, echo.path, header("x-custom"), header("accept"), header("host") === ORIGIN.slice(7)];
                """, origin: origin)
            #expect(result == #"[200,"OK","application/json",true,false,"GET","/echo/a?b=1","hello","text/plain",true]"#)
        }
    }

    @Test("POST: the body arrives as sent, with its Content-Length and Content-Type")
    func postBody() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                const response = await fetch(`${ORIGIN}/echo`, { method: "POST", body: "héllo, body" });
                const echo = await response.json();
                const header = (name) => echo.headers.filter(([n]) => n === name).map(([, v]) => v).join();
                return [echo.method, echo.body, header("content-length"), header("content-type")];
                """, origin: origin)
            #expect(result == #"["POST","héllo, body","12","text/plain;charset=UTF-8"]"#)
        }
    }

    @Test(
        "redirect follow: 301/302 turn POST into a body-less GET, 303 turns PUT into GET, 307/308 keep method and body",
        arguments: [
            (301, "POST", "GET", ""), (302, "POST", "GET", ""), (303, "PUT", "GET", ""), (301, "PUT", "PUT", "payload"),
            (307, "POST", "POST", "payload"), (308, "PUT", "PUT", "payload"),
        ])
    func redirectFollow(status: Int, method: String, expectedMethod: String, expectedBody: String) async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                const response = await fetch(`${ORIGIN}/redirect/\(status)?to=/echo/after`, { method: "\(method)", body: "payload" });
                const echo = await response.json();
                return [response.status, response.redirected, response.url === `${ORIGIN}/echo/after`, echo.method, echo.body];
                """, origin: origin)
            #expect(result == #"[200,true,true,"\#(expectedMethod)","\#(expectedBody)"]"#)
            #expect(origin.paths == ["/redirect/\(status)?to=/echo/after", "/echo/after"])
        }
    }

    @Test("redirect manual: the 3xx comes back as sent, with its Location, and is not followed")
    func redirectManual() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                const response = await fetch(`${ORIGIN}/redirect/302?to=/elsewhere`, { redirect: "manual" });
                return [response.status, response.headers.get("location"), response.redirected,
                  response.url === `${ORIGIN}/redirect/302?to=/elsewhere`];
                """, origin: origin)
            #expect(result == #"[302,"/elsewhere",false,true]"#)
            #expect(origin.paths == ["/redirect/302?to=/elsewhere"])
        }
    }

    @Test("redirect error: refused with workerd's TypeError before anything is sent")
    func redirectError() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                return await outcome(fetch(`${ORIGIN}/redirect/302`, { redirect: "error" }));
                """, origin: origin)
            #expect(result.hasPrefix(#""TypeError: Invalid redirect value, must be one of \"follow\" or \"manual\""#))
            #expect(origin.paths.isEmpty)
        }
    }

    @Test("too many redirects: the 21st redirect rejects with a TypeError")
    func tooManyRedirects() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript("return await outcome(fetch(`${ORIGIN}/loop`));", origin: origin)
            #expect(result == #""TypeError: Too many redirects.""#)
            #expect(origin.paths.count == 21)
        }
    }

    @Test("abort before the request: rejects with the signal's reason and sends nothing")
    func abortBefore() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                const controller = new AbortController();
                controller.abort();
                const plain = await outcome(fetch(`${ORIGIN}/echo`, { signal: controller.signal }));
                const reason = new Error("changed my mind");
                const other = new AbortController();
                other.abort(reason);
                let same;
                try { await fetch(`${ORIGIN}/echo`, { signal: other.signal }); } catch (e) { same = e === reason; }
                return [plain, same];
                """, origin: origin)
            #expect(result == #"["AbortError: The operation was aborted",true]"#)
            #expect(origin.paths.isEmpty)
        }
    }

    @Test("abort while waiting for the response head: rejects with an AbortError and closes the connection")
    func abortDuring() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                const controller = new AbortController();
                const pending = fetch(`${ORIGIN}/stall`, { signal: controller.signal });
                await waitForStall();
                controller.abort();
                const result = await outcome(pending);
                release(); // /stall answers now, into a closed connection
                return result;
                """, origin: origin)
            #expect(result == #""AbortError: The operation was aborted""#)
            await origin.hangEnded.wait()
        }
    }

    @Test("connection refused: rejects with a TypeError naming the address")
    func connectionRefused() async throws {
        let port = try await closedPort()
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                "return await outcome(fetch('http://127.0.0.1:\(port)/'));", origin: origin)
            #expect(result == #""TypeError: Could not connect to 127.0.0.1:\#(port): connection refused.""#)
        }
    }

    @Test("unsupported scheme: rejects with workerd's 'Fetch API cannot load' TypeError")
    func unsupportedScheme() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                return [await outcome(fetch("ftp://example.com/file")), await outcome(fetch("ws://example.com/"))];
                """, origin: origin)
            #expect(
                result
                    == #"["TypeError: Fetch API cannot load: ftp://example.com/file","TypeError: Fetch API cannot load: ws://example.com/"]"#
            )
        }
    }

    @Test("a large response body arrives whole and intact")
    func largeBody() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                """
                const bytes = new Uint8Array(await (await fetch(`${ORIGIN}/large?bytes=${8 << 20}`)).arrayBuffer());
                let intact = true;
                for (let i = 0; i < bytes.length; i++) if (bytes[i] !== i % 251) { intact = false; break; }
                return [bytes.length, intact];
                """, origin: origin)
            #expect(result == "[\(8 << 20),true]")
        }
    }
}

@Suite("fetch() over HTTPS", .timeLimit(.minutes(1)))
struct FetchTLSTests {
    @Test("https: a server that does not speak TLS fails the handshake with a TypeError naming it")
    func handshakeFails() async throws {
        try await OriginServer.with { origin in
            let result = try await fetchScript(
                "return await outcome(fetch(`https://127.0.0.1:\(origin.port)/echo`));", origin: origin)
            #expect(result.hasPrefix(#""TypeError: TLS handshake with 127.0.0.1:\#(origin.port) failed: "#), "\(result)")
        }
    }
}

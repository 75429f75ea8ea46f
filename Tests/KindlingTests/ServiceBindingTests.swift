import Foundation
import Kindling
import KindlingTesting
import Synchronization
import Testing

/// Service bindings as Workers code sees them: `env.SVC.fetch()` to another worker, to one of
/// its named entrypoints, or to a Swift closure, with the request and the answer intact both ways.
@Suite("Service bindings through a worker", .timeLimit(.minutes(2)))
struct ServiceBindingTests {
    /// A worker answering JSON of the request it got, with a status, status text and headers of its own.
    static let echo = #"""
        export default {
          async fetch(request) {
            const body = JSON.stringify({
              method: request.method,
              url: request.url,
              headers: [...request.headers],
              body: request.body === null ? null : await request.text(),
            });
            return new Response(body, {
              status: 201,
              statusText: "Made It",
              headers: { "x-echo": "yes", "set-cookie": "a=1", "content-type": "application/json" },
            });
          },
        };
        """#

    /// The JSON a caller worker answers when its `fetch` runs `body` with these service bindings.
    static func answer(caller body: String, bindings: [String: ServiceBinding], others: [WorkerOptions] = [])
        async throws -> JSON
    {
        try await WorkerProbe.answer(
            KindlingOptions(
                workers: [
                    WorkerOptions(name: "caller", script: WorkerProbe.script(body), modules: true, serviceBindings: bindings)
                ] + others
            )
        )
    }

    @Test(
        "fetch(url, {method, headers, body}) reaches the other worker intact; status, statusText, headers and body come back"
    )
    func workerToWorker() async throws {
        let answer = try await Self.answer(
            caller: #"""
                const response = await env.SVC.fetch("https://echo.example/path/to?q=1&r=%20", {
                  method: "POST",
                  headers: { "X-Custom": "custom value", "content-type": "text/plain" },
                  body: "the body ✓",
                });
                return {
                  status: response.status,
                  statusText: response.statusText,
                  ok: response.ok,
                  headers: [...response.headers],
                  request: await response.json(),
                };
                """#,
            bindings: ["SVC": .worker("echo")],
            others: [WorkerOptions(name: "echo", script: Self.echo, modules: true)]
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "status": 201, "statusText": "Made It", "ok": true,
                      "headers": [["content-type", "application/json"], ["set-cookie", "a=1"], ["x-echo", "yes"]],
                      "request": {
                        "method": "POST",
                        "url": "https://echo.example/path/to?q=1&r=%20",
                        "headers": [["content-type", "text/plain"], ["x-custom", "custom value"]],
                        "body": "the body ✓"
                      }
                    }
                    """#
                )
        )
    }

    @Test("a Request object as input, alone or with init overriding it, and binary bodies both ways")
    func requestObjectInput() async throws {
        let answer = try await Self.answer(
            caller: #"""
                const request = new Request("http://echo/put", { method: "PUT", headers: { "x-a": "1" }, body: "from request" });
                const plain = await (await env.SVC.fetch(request)).json();
                const base = new Request("http://echo/base", { method: "POST", body: "base body", headers: { "x-a": "1" } });
                const overridden = await (await env.SVC.fetch(base, { method: "PATCH", body: "init body", headers: { "x-b": "2" } })).json();
                const get = await (await env.SVC.fetch(new Request("http://echo/get?x=y"))).json();
                const binary = await env.BIN.fetch("http://bin/", { method: "POST", body: new Uint8Array([0, 1, 254, 255]) });
                return { plain, overridden, get, binary: [...new Uint8Array(await binary.arrayBuffer())] };
                """#,
            bindings: ["SVC": .worker("echo"), "BIN": .worker("bin")],
            others: [
                WorkerOptions(name: "echo", script: Self.echo, modules: true),
                WorkerOptions(
                    name: "bin",
                    script: #"""
                        export default {
                          async fetch(request) {
                            const bytes = new Uint8Array(await request.arrayBuffer());
                            return new Response(bytes.map((b) => 255 - b));
                          },
                        };
                        """#,
                    modules: true
                ),
            ]
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "plain": {"method": "PUT", "url": "http://echo/put",
                                "headers": [["content-type", "text/plain;charset=UTF-8"], ["x-a", "1"]], "body": "from request"},
                      "overridden": {"method": "PATCH", "url": "http://echo/base",
                                     "headers": [["content-type", "text/plain;charset=UTF-8"], ["x-b", "2"]], "body": "init body"},
                      "get": {"method": "GET", "url": "http://echo/get?x=y", "headers": [], "body": null},
                      "binary": [255, 254, 1, 0]
                    }
                    """#
                )
        )
    }

    @Test("the incoming request forwarded as is, or as init for another URL, keeps its method, headers and body")
    func forwardIncomingRequest() async throws {
        let kindling = try await Kindling(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "front",
                    script: #"""
                        export default {
                          async fetch(request, env) {
                            if (new URL(request.url).pathname === "/as-init") {
                              return env.SVC.fetch("http://echo/elsewhere", request);
                            }
                            return env.SVC.fetch(request);
                          },
                        };
                        """#,
                    modules: true,
                    serviceBindings: ["SVC": .worker("echo")]
                ),
                WorkerOptions(name: "echo", script: Self.echo, modules: true),
            ])
        )
        var headers = HTTPFields()
        headers[HTTPField.Name("x-forwarded")!] = "1"
        let direct = try await kindling.dispatchFetch(
            "http://front.example/direct?a=b",
            method: "PATCH",
            headers: headers,
            body: .bytes(Array("forward me".utf8))
        )
        let viaInit = try await kindling.dispatchFetch(
            "http://front.example/as-init",
            method: "POST",
            headers: headers,
            body: .bytes(Array("and me".utf8))
        )
        let directText = try await direct.text()
        let viaInitText = try await viaInit.text()
        await kindling.dispose()
        #expect(direct.status == 201)
        #expect(direct.statusText == "Made It")
        #expect(direct.headers[HTTPField.Name("x-echo")!] == "yes")
        #expect(
            JSON(directText)
                == JSON(
                    #"""
                    {"method": "PATCH", "url": "http://front.example/direct?a=b", "headers": [["x-forwarded", "1"]], "body": "forward me"}
                    """#
                )
        )
        #expect(
            JSON(viaInitText)
                == JSON(
                    #"""
                    {"method": "POST", "url": "http://echo/elsewhere", "headers": [["x-forwarded", "1"]], "body": "and me"}
                    """#
                )
        )
    }

    @Test("a Swift closure's streamed body arrives whole; a closure can answer a redirect the binding follows")
    func swiftClosureStreamAndRedirect() async throws {
        let answer = try await Self.answer(
            caller: #"""
                const streamed = await env.HOST.fetch("http://host/stream");
                const redirected = await env.HOST.fetch("http://host/old", { method: "POST", body: "x" });
                return {
                  streamed: [streamed.status, await streamed.text()],
                  redirected: [redirected.status, redirected.url, redirected.redirected, await redirected.text()],
                };
                """#,
            bindings: [
                "HOST": .handler { request in
                    if request.url.hasSuffix("/stream") {
                        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
                        for chunk in ["one ", "two ", "three"] { continuation.yield(Array(chunk.utf8)) }
                        continuation.finish()
                        return WorkerResponse(status: 200, body: .stream(stream))
                    }
                    if request.url.hasSuffix("/old") {
                        var headers = HTTPFields()
                        headers[.location] = "/new"
                        return WorkerResponse(status: 302, headers: headers)
                    }
                    return WorkerResponse("\(request.method) \(request.url)")
                }
            ]
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {"streamed": [200, "one two three"], "redirected": [200, "http://host/new", true, "GET http://host/new"]}
                    """#
                )
        )
    }

    @Test("a binding to a named entrypoint reaches that WorkerEntrypoint class; a plain binding the default export")
    func namedEntrypoint() async throws {
        let target = WorkerOptions(
            name: "target",
            script: #"""
                import { WorkerEntrypoint } from "cloudflare:workers";
                export class Admin extends WorkerEntrypoint {
                  async fetch(request) {
                    return new Response(`admin ${request.method} ${new URL(request.url).pathname} ${await request.text()} ${this.env.ROLE}`,
                                        { status: 202, headers: { "x-entrypoint": "Admin" } });
                  }
                }
                export default {
                  fetch(request, env) {
                    return new Response(`default ${request.method} ${new URL(request.url).pathname}`);
                  },
                };
                """#,
            modules: true,
            bindings: ["ROLE": .text("administrator")]
        )
        let answer = try await Self.answer(
            caller: #"""
                const admin = await env.ADMIN.fetch("http://target/users", { method: "DELETE", body: "id=7" });
                const plain = await env.DEFAULT.fetch("http://target/home");
                return {
                  admin: [admin.status, admin.headers.get("x-entrypoint"), await admin.text()],
                  plain: [plain.status, await plain.text()],
                };
                """#,
            bindings: ["ADMIN": .entrypoint(worker: "target", entrypoint: "Admin"), "DEFAULT": .worker("target")],
            others: [target]
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {"admin": [202, "Admin", "admin DELETE /users id=7 administrator"], "plain": [200, "default GET /home"]}
                    """#
                )
        )
    }

    @Test("a Swift closure receives method, URL, headers and body; its status, headers and body reach the worker")
    func swiftClosure() async throws {
        let seen = Mutex<WorkerRequest?>(nil)
        let seenBody = Mutex<String?>(nil)
        let answer = try await Self.answer(
            caller: #"""
                const response = await env.HOST.fetch("http://host.example/api?x=1", {
                  method: "PUT",
                  headers: { "X-Token": "secret", "content-type": "application/json" },
                  body: JSON.stringify({ n: 1 }),
                });
                return {
                  status: response.status,
                  statusText: response.statusText,
                  headers: [...response.headers],
                  body: await response.text(),
                };
                """#,
            bindings: [
                "HOST": .handler { request in
                    seen.withLock { $0 = request }
                    let body = String(decoding: try await request.body.collect(), as: UTF8.self)
                    seenBody.withLock { $0 = body }
                    var headers = HTTPFields()
                    headers[.contentType] = "text/plain"
                    headers[HTTPField.Name("X-From-Swift")!] = "closure"
                    return WorkerResponse(
                        status: 418,
                        statusText: "I'm a teapot",
                        headers: headers,
                        body: .bytes(Array("short and stout".utf8))
                    )
                }
            ]
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {"status": 418, "statusText": "I'm a teapot",
                     "headers": [["content-type", "text/plain"], ["x-from-swift", "closure"]], "body": "short and stout"}
                    """#
                )
        )
        let request = try #require(seen.withLock { $0 })
        #expect(request.method == "PUT")
        #expect(request.url == "http://host.example/api?x=1")
        #expect(request.headers[HTTPField.Name("x-token")!] == "secret")
        #expect(request.headers[.contentType] == "application/json")
        #expect(seenBody.withLock { $0 } == #"{"n":1}"#)
    }

    @Test("an error thrown in the callee worker or the Swift closure rejects the caller's fetch")
    func calleeErrors() async throws {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "the closure refused" }
        }
        let answer = try await Self.answer(
            caller: #"""
                return {
                  thrown: await outcome(() => env.THROWS.fetch("http://throws/")),
                  typeError: await outcome(() => env.THROWS.fetch("http://throws/type")),
                  closure: await outcome(() => env.CLOSURE.fetch("http://closure/")),
                  stillWorks: await (await env.THROWS.fetch("http://throws/ok")).text(),
                };
                """#,
            bindings: ["THROWS": .worker("throws"), "CLOSURE": .handler { _ in throw Refused() }],
            others: [
                WorkerOptions(
                    name: "throws",
                    script: #"""
                        export default {
                          async fetch(request) {
                            const path = new URL(request.url).pathname;
                            if (path === "/ok") return new Response("fine");
                            if (path === "/type") null.property;
                            throw new Error("boom in the callee");
                          },
                        };
                        """#,
                    modules: true
                )
            ]
        )
        guard case .object(let members) = answer else {
            Issue.record("not an object: \(answer)")
            return
        }
        #expect(members["thrown"] == JSON(#"{"error": "Error", "message": "boom in the callee"}"#))
        #expect(members["typeError"]?.member("error") == .string("TypeError"))
        #expect(members["closure"]?.member("error") == .string("Error"))
        #expect(members["closure"]?.member("message")?.stringValue?.contains("the closure refused") == true)
        #expect(members["stillWorks"] == .string("fine"))
    }

    @Test("null-body statuses come back without a body; a HEAD request has none")
    func nullBodyStatuses() async throws {
        let answer = try await Self.answer(
            caller: #"""
                const noContent = await env.SVC.fetch("http://svc/204");
                const head = await env.SVC.fetch("http://svc/", { method: "HEAD" });
                return {
                  noContent: [noContent.status, noContent.body === null, await noContent.text()],
                  head: [head.status, head.headers.get("x-method"), await head.text()],
                };
                """#,
            bindings: ["SVC": .worker("svc")],
            others: [
                WorkerOptions(
                    name: "svc",
                    script: #"""
                        export default {
                          fetch(request) {
                            if (request.url.endsWith("/204")) return new Response(null, { status: 204 });
                            return new Response(null, { headers: { "x-method": request.method } });
                          },
                        };
                        """#,
                    modules: true
                )
            ]
        )
        #expect(answer == JSON(#"{"noContent": [204, true, ""], "head": [200, "HEAD", ""]}"#))
    }

    /// A worker that redirects by path: /302/x → 302 to /x (relative), /307 → 307 to /echo, /loop → itself,
    /// /away → another origin, /bad → an unparsable Location, anything else echoes method, URL, body and the
    /// Authorization header.
    static let redirector = #"""
        export default {
          async fetch(request) {
            const url = new URL(request.url);
            const to = (status, location) => new Response("moved", { status, headers: { location } });
            if (url.pathname.startsWith("/302/")) return to(302, url.pathname.slice(4));
            if (url.pathname === "/303") return to(303, "/echo");
            if (url.pathname === "/307") return to(307, "/echo");
            if (url.pathname === "/loop") return to(302, "/loop");
            if (url.pathname === "/away") return to(301, "https://other.example/echo");
            if (url.pathname === "/bad") return to(302, "http://[bad");
            if (url.pathname === "/nolocation") return new Response(null, { status: 302 });
            const body = request.body === null ? null : await request.text();
            return Response.json({ method: request.method, url: request.url, body, auth: request.headers.get("authorization") });
          },
        };
        """#

    @Test("redirects are followed through the binding as fetch() does: method and body rules, url, redirected, limits")
    func redirects() async throws {
        let answer = try await Self.answer(
            caller: #"""
                const summary = async (response) => ({
                  status: response.status, url: response.url, redirected: response.redirected,
                  body: response.headers.get("content-type") === "application/json" ? await response.json() : await response.text(),
                });
                const post = { method: "POST", body: "payload", headers: { authorization: "Bearer t" } };
                return {
                  post302: await summary(await env.SVC.fetch("http://svc/302/echo#frag", post)),
                  put303: await summary(await env.SVC.fetch("http://svc/303", { ...post, method: "PUT" })),
                  post307: await summary(await env.SVC.fetch("http://svc/307", post)),
                  chain: await summary(await env.SVC.fetch("http://svc/302/302/echo", post)),
                  crossOrigin: await summary(await env.SVC.fetch("http://svc/away", { headers: { authorization: "Bearer t" } })),
                  manual: await summary(await env.SVC.fetch("http://svc/302/echo", { redirect: "manual" })),
                  noLocation: await summary(await env.SVC.fetch("http://svc/nolocation")),
                  loop: await outcome(() => env.SVC.fetch("http://svc/loop")),
                  bad: await outcome(() => env.SVC.fetch("http://svc/bad")),
                };
                """#,
            bindings: ["SVC": .worker("redirector")],
            others: [WorkerOptions(name: "redirector", script: Self.redirector, modules: true)]
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "post302": {"status": 200, "url": "http://svc/echo", "redirected": true,
                                  "body": {"method": "GET", "url": "http://svc/echo", "body": null, "auth": "Bearer t"}},
                      "put303": {"status": 200, "url": "http://svc/echo", "redirected": true,
                                 "body": {"method": "GET", "url": "http://svc/echo", "body": null, "auth": "Bearer t"}},
                      "post307": {"status": 200, "url": "http://svc/echo", "redirected": true,
                                  "body": {"method": "POST", "url": "http://svc/echo", "body": "payload", "auth": "Bearer t"}},
                      "chain": {"status": 200, "url": "http://svc/echo", "redirected": true,
                                "body": {"method": "GET", "url": "http://svc/echo", "body": null, "auth": "Bearer t"}},
                      "crossOrigin": {"status": 200, "url": "https://other.example/echo", "redirected": true,
                                      "body": {"method": "GET", "url": "https://other.example/echo", "body": null, "auth": null}},
                      "manual": {"status": 302, "url": "http://svc/302/echo", "redirected": false, "body": "moved"},
                      "noLocation": {"status": 302, "url": "http://svc/nolocation", "redirected": false, "body": ""},
                      "loop": {"error": "TypeError", "message": "Too many redirects."},
                      "bad": {"error": "TypeError", "message": "Invalid Location header; unable to follow redirect."}
                    }
                    """#
                )
        )
    }

    @Test("the Response is a fetched one: url set, headers immutable, repeated headers kept apart")
    func fetchedResponse() async throws {
        let answer = try await Self.answer(
            caller: #"""
                const response = await env.SVC.fetch("http://svc/some/path?q#fragment");
                const copy = new Response(response.body, response);
                copy.headers.set("x-added", "1");
                return {
                  url: response.url,
                  redirected: response.redirected,
                  immutable: await outcome(() => response.headers.set("x-more", "1")),
                  cookies: response.headers.getSetCookie(),
                  vary: response.headers.get("vary"),
                  copy: [copy.status, copy.headers.get("x-added"), await copy.text()],
                };
                """#,
            bindings: ["SVC": .worker("svc")],
            others: [
                WorkerOptions(
                    name: "svc",
                    script: #"""
                        export default {
                          fetch(request) {
                            const headers = new Headers([["set-cookie", "a=1"], ["set-cookie", "b=2"], ["vary", "x"], ["vary", "y"]]);
                            return new Response(request.url, { status: 200, headers });
                          },
                        };
                        """#,
                    modules: true
                )
            ]
        )
        #expect(
            answer
                == JSON(
                    #"""
                    {
                      "url": "http://svc/some/path?q", "redirected": false,
                      "immutable": {"error": "TypeError", "message": "Can't modify immutable headers."},
                      "cookies": ["a=1", "b=2"], "vary": "x, y",
                      "copy": [200, "1", "http://svc/some/path?q"]
                    }
                    """#
                )
        )
    }

    @Test("a service-worker script calls a binding as a global and is reached as a target")
    func serviceWorkerFormat() async throws {
        let kindling = try await Kindling(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "front",
                    script: #"""
                        addEventListener("fetch", (event) => event.respondWith((async () => {
                          const answer = await BACK.fetch("http://back/x", { method: "POST", body: "ping" });
                          return new Response(`${String(BACK)} ${answer.status} ${await answer.text()}`);
                        })()));
                        """#,
                    serviceBindings: ["BACK": .worker("back")]
                ),
                WorkerOptions(
                    name: "back",
                    script: #"""
                        addEventListener("fetch", (event) => event.respondWith((async () =>
                          new Response(`${event.request.method} ${await event.request.text()} pong`, { status: 203 }))()));
                        """#
                ),
            ])
        )
        #expect(try await kindling.dispatchFetch("http://localhost/").text() == "[object Fetcher] 203 POST ping pong")
        await kindling.dispose()
    }
}

extension JSON {
    /// The member `key` of an object, else nil.
    func member(_ key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, if this is one.
    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

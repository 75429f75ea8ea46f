import KindlingRuntime
import Testing

@Suite("Request and Response")
struct RequestResponseTests {
    static let used = "TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice."

    // MARK: Request

    @Test("a Request normalises its URL and method and sets a body's Content-Type")
    func requestBasics() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const r = new Request("https://EXAMPLE.com/a/../b?x#f", { method: "post", body: "hi", headers: { "X-A": "1" } });
              return [r.method, r.url, [...r.headers], r.redirect, r.bodyUsed, r.cf === undefined, r.integrity, r.keepalive,
                r.cache === undefined, r.fetcher, Object.prototype.toString.call(r), new Request(new URL("https://a/b")).url];
            })()
            """)
        #expect(
            result
                == #"["POST","https://example.com/b?x#f",[["content-type","text/plain;charset=UTF-8"],["x-a","1"]],"follow",false,true,"",false,true,null,"[object Request]","https://a/b"]"#
        )
    }

    @Test(
        "methods: the six standard ones and every other method workerd knows are upper-cased; others are refused",
        arguments: [
            (#"new Request("https://a/", { method: "get" }).method"#, #""GET""#),
            (#"new Request("https://a/", { method: "delete" }).method"#, #""DELETE""#),
            (#"new Request("https://a/", { method: "patch" }).method"#, #""PATCH""#),
            (#"new Request("https://a/", { method: "PROPFIND" }).method"#, #""PROPFIND""#),
            (#"thrown(() => new Request("https://a/", { method: "FOO" }))"#, #""TypeError: Invalid HTTP method string: FOO""#),
            (#"thrown(() => new Request("https://a/", { method: "bad method" }))"#, #""TypeError: Invalid HTTP method string: bad method""#),
        ])
    func methods(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test(
        "invalid Request input throws TypeError with workerd's wording",
        arguments: [
            // A worker has no base URL, so relative URLs are refused.
            (#"thrown(() => new Request("/relative"))"#, "TypeError: Invalid URL: /relative"),
            (#"thrown(() => new Request("http://exa mple.com/"))"#, "TypeError: Invalid URL: http://exa mple.com/"),
            (#"thrown(() => new Request())"#, "TypeError: Failed to construct 'Request': 1 argument required, but only 0 present."),
            (#"thrown(() => new Request("https://a/", { body: "x" }))"#, "TypeError: Request with a GET or HEAD method cannot have a body."),
            (#"thrown(() => new Request("https://a/", { method: "HEAD", body: "" }))"#, "TypeError: Request with a GET or HEAD method cannot have a body."),
            (#"thrown(() => new Request("https://a/", { redirect: "error" }))"#, #"TypeError: Invalid redirect value, must be one of "follow" or "manual" ("error" won't be implemented since it does not make sense at the edge; use "manual" and check the response status code)."#),
            (#"thrown(() => new Request("https://a/", { cache: "force-cache" }))"#, "TypeError: Unsupported cache mode: force-cache"),
            (#"thrown(() => new Request("https://a/", { integrity: "sha256-x" }))"#, "TypeError: Subrequest integrity checking is not implemented. The integrity option must be either undefined or an empty string."),
            (#"thrown(() => new Request("https://a/", { headers: { "a b": "1" } }))"#, "TypeError: Invalid header name."),
            (#"thrown(() => new Request("https://a/", 5))"#, "TypeError: Failed to construct 'Request': The provided value is not of type 'RequestInit'."),
            (#"thrown(() => new Request("https://a/", { cf: "x" }))"#, "TypeError: Failed to construct 'Request': cf must be an object."),
            (#"thrown(() => new Request("https://a/", { method: "POST", cf: { f() {} } }))"#, "DataCloneError: f() {} could not be cloned."),
        ])
    func invalidRequest(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == jsString(expected))
    }

    @Test(
        "Request options: null body on GET, redirect case-insensitive, cache modes, cf kept as a copy",
        arguments: [
            (#"new Request("https://a/", { body: null }).body"#, "null"),
            (#"new Request("https://a/", { redirect: "MANUAL" }).redirect"#, #""manual""#),
            (#"new Request("https://a/", { cache: "no-store" }).cache"#, #""no-store""#),
            (#"(() => { const cf = { colo: "LHR", n: { a: 1 } }; const r = new Request("https://a/", { cf }); cf.n.a = 2; return [r.cf, r.cf === r.cf]; })()"#, #"[{"colo":"LHR","n":{"a":1}},true]"#),
        ])
    func requestOptions(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test(
        "body init: strings, copied buffers and views, URLSearchParams",
        arguments: [
            (#"new Request("https://a/", { method: "PUT", body: "héllo" }).text()"#, #""héllo""#),
            (#"(async () => { const u = new Uint8Array([1, 2, 3, 4]); const r = new Request("https://a/", { method: "POST", body: u.subarray(1, 3) }); u[1] = 9; return [Array.from(await r.bytes()), r.headers.get("content-type")]; })()"#, "[[2,3],null]"),
            (#"new Request("https://a/", { method: "POST", body: new Uint8Array([104, 105]).buffer }).text()"#, #""hi""#),
            (#"new Request("https://a/", { method: "POST", body: new DataView(new Uint8Array([0, 104, 105]).buffer, 1) }).text()"#, #""hi""#),
            (#"(async () => { const r = new Request("https://a/", { method: "POST", body: new URLSearchParams({ a: "1 2", b: "é" }) }); return [r.headers.get("content-type"), await r.text()]; })()"#, #"["application/x-www-form-urlencoded;charset=UTF-8","a=1+2&b=%C3%A9"]"#),
            // A Content-Type given by the caller wins over the body's.
            (#"new Request("https://a/", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }).headers.get("content-type")"#, #""application/json""#),
            // Other values are converted to strings.
            (#"new Request("https://a/", { method: "POST", body: 42 }).text()"#, #""42""#),
            // A lone surrogate in a string body becomes U+FFFD.
            (#"(async () => Array.from(await new Request("https://a/", { method: "POST", body: "\uD800" }).bytes()))()"#, "[239,191,189]"),
        ])
    func bodyInit(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test("a body is read once: bodyUsed, then the platform's TypeError; a null body reads as empty every time")
    func bodyUsedOnce() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const r = new Request("https://a/", { method: "POST", body: "x" });
              const before = r.bodyUsed;
              const text = await r.text();
              const empty = new Response(null);
              return [before, text, r.bodyUsed, await rejected(() => r.text()), await rejected(() => r.arrayBuffer()),
                await rejected(() => r.json()), await empty.text(), await empty.text(), empty.bodyUsed,
                (await empty.arrayBuffer()).byteLength];
            })()
            """)
        #expect(result == "[false,\"x\",true,\(jsString(Self.used)),\(jsString(Self.used)),\(jsString(Self.used)),\"\",\"\",false,0]")
    }

    @Test("clone copies headers and cf and tees the body; a used body cannot be cloned")
    func requestClone() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const r = new Request("https://a/", { method: "POST", body: "abc", headers: { a: "1" }, cf: { x: 1 }, redirect: "manual" });
              const c = r.clone();
              c.headers.set("a", "2");
              const out = [await r.text(), await c.text(), r.headers.get("a"), c.headers.get("a"), c.cf, c.cf !== r.cf, c.redirect, c.method];
              out.push(thrown(() => r.clone()));
              return out;
            })()
            """)
        #expect(result == "[\"abc\",\"abc\",\"1\",\"2\",{\"x\":1},true,\"manual\",\"POST\",\(jsString(Self.used))]")
    }

    @Test("new Request(request, init) takes over the body unless init gives one; a used body cannot be reused")
    func requestFromRequest() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const a = new Request("https://a/x", { method: "POST", body: "abc", headers: { k: "v" }, cf: { c: 1 } });
              const b = new Request(a, { headers: { z: "1" } });
              const out = [b.method, b.url, [...b.headers], b.cf, a.bodyUsed, await b.text()];
              out.push(thrown(() => new Request(a)));
              out.push(await new Request(a, { body: "new" }).text());
              // A proxied GET keeps working when neither the method nor the body changes.
              out.push(new Request(new Request("https://a/"), { headers: { x: "1" } }).method);
              return out;
            })()
            """)
        #expect(
            result
                == #"["POST","https://a/x",[["z","1"]],{"c":1},true,"abc","TypeError: Cannot reconstruct a Request with a used body.","new","GET"]"#
        )
    }

    // MARK: Response

    @Test("a Response defaults to 200 OK with workerd's reason phrases as statusText")
    func responseBasics() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const r = new Response();
              const nf = new Response("nf", { status: 404 });
              return [r.status, r.statusText, r.ok, r.type, r.url, r.redirected, r.body, r.bodyUsed, [...r.headers], r.webSocket,
                nf.status, nf.statusText, nf.ok, nf.headers.get("content-type"),
                new Response(null, { status: 299 }).statusText, new Response(null, { status: 599 }).statusText,
                new Response(null, { status: 418 }).statusText, new Response(null, { statusText: "Yay" }).statusText,
                new Response(null, { status: "201" }).status, Object.prototype.toString.call(r)];
            })()
            """)
        #expect(
            result
                == #"[200,"OK",true,"default","",false,null,false,[],null,404,"Not Found",false,"text/plain;charset=UTF-8","Successful","Server Error","I'm a teapot","Yay",201,"[object Response]"]"#
        )
    }

    @Test(
        "status and statusText are validated with workerd's wording",
        arguments: [
            (#"thrown(() => new Response("", { status: 600 }))"#, "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive."),
            (#"thrown(() => new Response(null, { status: 199 }))"#, "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive."),
            (#"thrown(() => new Response(null, { status: 101 }))"#, "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive."),
            (#"thrown(() => new Response(null, { status: 0 }))"#, "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive."),
            (#"thrown(() => new Response(null, { statusText: "a\nb" }))"#, "TypeError: Invalid statusText"),
            (#"thrown(() => new Response(null, { statusText: "€" }))"#, "TypeError: Failed to construct 'Response': statusText is not a valid ByteString."),
            (#"thrown(() => new Response(null, { encodeBody: "gzip" }))"#, "TypeError: encodeBody: unexpected value: gzip"),
            (#"thrown(() => new Response(null, 5))"#, "TypeError: Failed to construct 'Response': The provided value is not of type 'ResponseInit'."),
        ])
    func invalidResponse(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == jsString(expected))
    }

    @Test("null-body statuses (101, 204, 205, 304) take no body; a zero-length one is dropped as workerd does")
    func nullBodyStatus() async throws {
        let message = "TypeError: Response with null body status (101, 204, 205, or 304) cannot have a body."
        let result = try await evaluateWebAPI(
            """
            (() => {
              const empty = new Response("", { status: 204 });
              return [thrown(() => new Response("x", { status: 204 })), thrown(() => new Response(new Uint8Array(1), { status: 304 })),
                empty.body, empty.headers.get("content-type"), new Response(new ArrayBuffer(0), { status: 205 }).body,
                new Response(null, { status: 304 }).status];
            })()
            """)
        #expect(result == "[\(jsString(message)),\(jsString(message)),null,null,null,304]")
    }

    @Test("Response.json serialises with application/json unless a Content-Type is given")
    func responseJSON() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const r = Response.json({ a: [1, "é"] }, { status: 201, headers: { "x-y": "z" } });
              return [r.status, r.statusText, [...r.headers], await r.json(),
                [...Response.json(1, { headers: { "Content-Type": "application/vnd.api+json" } }).headers],
                await Response.json("s").text(), await Response.json(null).text(),
                thrown(() => Response.json(undefined)), thrown(() => Response.json(() => 1)),
                thrown(() => Response.json({}, { status: 204 })), thrown(() => { const o = {}; o.o = o; Response.json(o); }).split(":")[0]];
            })()
            """)
        #expect(
            result
                == #"[201,"Created",[["content-type","application/json"],["x-y","z"]],{"a":[1,"é"]},[["content-type","application/vnd.api+json"]],"\"s\"","null","TypeError: Failed to execute 'json' on 'Response': The data is not JSON serializable.","TypeError: Failed to execute 'json' on 'Response': The data is not JSON serializable.","TypeError: Response with null body status (101, 204, 205, or 304) cannot have a body.","TypeError"]"#
        )
    }

    @Test("Response.redirect validates the status, serialises the URL and gives immutable headers")
    func responseRedirect() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const r = Response.redirect("https://Example.com/a b", 301);
              return [r.status, r.statusText, r.headers.get("location"), r.body, Response.redirect("https://a/").status,
                thrown(() => r.headers.set("x", "1")),
                thrown(() => Response.redirect("https://a/", 200)), thrown(() => Response.redirect("https://a/", 304)),
                thrown(() => Response.redirect("/relative")), thrown(() => Response.redirect())];
            })()
            """)
        #expect(
            result
                == #"[301,"Moved Permanently","https://example.com/a%20b",null,302,"TypeError: Can't modify immutable headers.","RangeError: 200 is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.","RangeError: 304 is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.","TypeError: Unable to parse URL: /relative","TypeError: Failed to execute 'redirect' on 'Response': 1 argument required, but only 0 present."]"#
        )
    }

    @Test("Response.error has status 0 and type \"error\"")
    func responseError() async throws {
        let result = try await evaluateWebAPI(
            "(() => { const r = Response.error(); return [r.status, r.type, r.statusText, r.ok, r.body]; })()")
        #expect(result == #"[0,"error","",false,null]"#)
    }

    @Test("clone keeps status, statusText and headers and tees the body")
    func responseClone() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const r = new Response("data", { status: 202, statusText: "Acc", headers: { a: "1" } });
              const c = r.clone();
              return [await r.text(), await c.text(), c.status, c.statusText, [...c.headers], thrown(() => r.clone()),
                Response.redirect("https://a/").clone().headers.get("location"),
                thrown(() => Response.redirect("https://a/").clone().headers.set("a", "b"))];
            })()
            """)
        #expect(
            result
                == "[\"data\",\"data\",202,\"Acc\",[[\"a\",\"1\"],[\"content-type\",\"text/plain;charset=UTF-8\"]],\(jsString(Self.used)),\"https://a/\",\"TypeError: Can't modify immutable headers.\"]"
        )
    }

    @Test(
        "body readers: arrayBuffer, bytes, text (BOM dropped), json, blob, formData",
        arguments: [
            (#"(async () => { const ab = await new Response(new Uint8Array([104, 105])).arrayBuffer(); return [ab instanceof ArrayBuffer, ab.byteLength]; })()"#, "[true,2]"),
            (#"(async () => { const b = await new Response("hé").bytes(); return [b instanceof Uint8Array, Array.from(b)]; })()"#, "[true,[104,195,169]]"),
            (#"(async () => [await new Response("\uFEFFabc").text(), await new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).text()])()"#, #"["abc","a"]"#),
            (#"new Response(new Uint8Array([0xff, 0x61])).text()"#, "\"\u{FFFD}a\""),
            (#"rejected(() => new Response("{").json())"#, #""SyntaxError: JSON Parse error: Expected '}'""#),
            (#"(async () => { const b = await new Response("x", { headers: { "Content-Type": "Text/HTML" } }).blob(); return [b instanceof Blob, b.type, b.size, await b.text()]; })()"#, #"[true,"text/html",1,"x"]"#),
            (#"(async () => { const r = new Response(new Blob(["data"], { type: "application/x-thing" })); return [r.headers.get("content-type"), await r.text()]; })()"#, #"["application/x-thing","data"]"#),
            (#"rejected(() => new Response(new Uint8Array([97])).formData())"#, #""TypeError: Parsing a Body as FormData requires a Content-Type header.""#),
            (#"rejected(() => new Response("a=1").formData())"#, #""TypeError: Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded""#),
            // The bytes handed out are a copy: changing them does not change what a clone reads.
            (#"(async () => { const r = new Response(new Uint8Array([1, 2])); const c = r.clone(); (await r.bytes())[0] = 9; return Array.from(await c.bytes()); })()"#, "[1,2]"),
        ])
    func readers(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test("body streams: read through a reader, passed on without copying, teed, iterated, locked")
    func bodyStreams() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const r = new Response("chunky");
              const stream = r.body;
              const reader = stream.getReader();
              const first = await reader.read();
              const last = await reader.read();
              const out = [Object.prototype.toString.call(stream), r.body === stream, new TextDecoder().decode(first.value),
                last.done, r.bodyUsed, stream.locked, await rejected(() => r.text())];
              const source = new Response("pass", { status: 201, headers: { x: "1" } });
              const copy = new Response(source.body, source);
              out.push(copy.status, copy.statusText, [...copy.headers], await copy.text(), source.bodyUsed);
              const [a, b] = new Response("ab").body.tee();
              out.push(await new Response(a).text(), await new Response(b).text());
              const sizes = [];
              for await (const chunk of new Response("xyz").body) sizes.push(chunk.length);
              out.push(sizes);
              const locked = new Response("l");
              locked.body.getReader();
              out.push(locked.bodyUsed, await rejected(() => locked.text()), thrown(() => new Response(locked.body)));
              return out;
            })()
            """)
        #expect(
            result
                == "[\"[object ReadableStream]\",true,\"chunky\",true,true,true,\(jsString(Self.used)),201,\"Created\",[[\"content-type\",\"text/plain;charset=UTF-8\"],[\"x\",\"1\"]],\"pass\",true,\"ab\",\"ab\",[3],false,\"TypeError: This ReadableStream is currently locked to a reader.\",\"TypeError: This ReadableStream is currently locked to a reader.\"]"
        )
    }

    @Test("Request and Response share a Body prototype with the mixin members; brand checks guard every member")
    func prototypes() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const body = Object.getPrototypeOf(Request.prototype);
              class Mine extends Response { extra() { return 1; } }
              const mine = new Mine("s");
              return [body === Object.getPrototypeOf(Response.prototype), Object.keys(body),
                "Body" in globalThis, mine.extra(), await mine.text(), mine instanceof Response,
                thrown(() => Object.getOwnPropertyDescriptor(Response.prototype, "status").get.call({})),
                await rejected(() => Response.prototype.text.call({})),
                thrown(() => Object.getOwnPropertyDescriptor(body, "bodyUsed").get.call(new Headers()))];
            })()
            """)
        #expect(
            result
                == #"[true,["body","bodyUsed","arrayBuffer","bytes","text","json","blob","formData"],false,1,"s",true,"TypeError: Illegal invocation","TypeError: Illegal invocation","TypeError: Illegal invocation"]"#
        )
    }

    @Test("the host's trusted constructors and readers: newRequest, requestParts, newResponse, responseParts")
    func hostInterface() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              // Using a Web API global first makes sure the Web API prelude has run (it may be deferred).
              void Request;
              const internal = globalThis[Symbol.for("kindling.internal")];
              const request = internal.newRequest("POST", "https://a/p", "content-type\\0text/plain\\0x-a\\0b", new Uint8Array([65]), { colo: "X" });
              const requestState = [request.method, request.url, [...request.headers], request.cf,
                thrown(() => request.headers.set("a", "b")), await request.text()];
              const parts = internal.requestParts(new Request("https://a/", { method: "PUT", body: "x" }));
              const response = internal.newResponse(201, null, ["a", "1"], "body");
              const responseState = [response.status, response.statusText, [...response.headers], await response.text()];
              const out = internal.responseParts(new Response("hé", { headers: { a: "1" }, status: 404 }));
              return [requestState, [parts[0], parts[1], parts[2], Array.from(parts[3])], responseState,
                [out[0], out[1], out[2], out[3] instanceof Uint8Array, Array.from(out[3])],
                internal.responseParts(new Response(null))[3]];
            })()
            """)
        #expect(
            result
                == #"[["POST","https://a/p",[["content-type","text/plain"],["x-a","b"]],{"colo":"X"},"TypeError: Can't modify immutable headers.","A"],["PUT","https://a/","content-type\u0000text/plain;charset=UTF-8",[120]],[201,"Created",[["a","1"]],"body"],[404,"Not Found","a\u00001\u0000content-type\u0000text/plain;charset=UTF-8",true,[104,195,169]],null]"#
        )
    }
}

import KindlingRuntime
import Testing

@Suite("Headers")
struct HeadersTests {
    @Test("names are case-insensitive; values of one name combine with \", \"; iteration is sorted and lower-case")
    func combining() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const h = new Headers({ "Content-Type": "text/plain", "X-B": " a " });
              h.append("x-b", "b");
              h.append("X-A", "first");
              return [h.get("x-B"), h.get("CONTENT-type"), h.has("X-b"), h.has("nope"), h.get("nope"), [...h],
                [...h.keys()], [...h.values()]];
            })()
            """)
        #expect(
            result
                == #"["a, b","text/plain",true,false,null,[["content-type","text/plain"],["x-a","first"],["x-b","a, b"]],["content-type","x-a","x-b"],["text/plain","first","a, b"]]"#
        )
    }

    @Test("Set-Cookie values stay apart: getSetCookie, getAll and iteration")
    func setCookie() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const h = new Headers([["Set-Cookie", "a=1; Path=/"], ["set-cookie", "b=2, c=3"]]);
              h.append("Accept", "x");
              return [h.getSetCookie(), h.getAll("Set-Cookie"), h.get("set-cookie"), [...h],
                new Headers().getSetCookie()];
            })()
            """)
        #expect(
            result
                == #"[["a=1; Path=/","b=2, c=3"],["a=1; Path=/","b=2, c=3"],"a=1; Path=/, b=2, c=3",[["accept","x"],["set-cookie","a=1; Path=/"],["set-cookie","b=2, c=3"]],[]]"#
        )
    }

    @Test(
        "set replaces every value of a name at the first one's place; delete removes them all",
        arguments: [
            (#"(() => { const h = new Headers([["a", "1"], ["b", "2"], ["A", "3"]]); h.set("A", "9"); return [...h]; })()"#, #"[["a","9"],["b","2"]]"#),
            (#"(() => { const h = new Headers([["a", "1"], ["b", "2"], ["a", "3"]]); h.delete("A"); return [...h]; })()"#, #"[["b","2"]]"#),
            (#"(() => { const h = new Headers(); h.set("x", "1"); h.delete("missing"); return [...h]; })()"#, #"[["x","1"]]"#),
        ])
    func setAndDelete(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test(
        "constructs from records, sequences and other Headers",
        arguments: [
            (#"[...new Headers([["a", "1"], ["A", "2"]])]"#, #"[["a","1, 2"]]"#),
            (#"[...new Headers(new Map([["m", "v"]]))]"#, #"[["m","v"]]"#),
            (#"[...new Headers({ b: 2, a: true })]"#, #"[["a","true"],["b","2"]]"#),
            (#"(() => { const a = new Headers({ x: "1" }); const b = new Headers(a); a.set("x", "2"); return [b.get("x"), a.get("x")]; })()"#, #"["1","2"]"#),
            (#"[...new Headers(Object.create({ inherited: "no" }, { own: { value: "yes", enumerable: true }, hidden: { value: "no" } }))]"#, #"[["own","yes"]]"#),
            (#"[...new Headers(undefined)]"#, "[]"),
        ])
    func construction(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test(
        "values are trimmed of HTTP whitespace and may hold Unicode (sent as UTF-8, as workerd does)",
        arguments: [
            (#"new Headers({ a: "\t x y \r\n" }).get("a")"#, #""x y""#),
            (#"new Headers({ a: "é€" }).get("a")"#, #""é€""#),
            (#"new Headers({ a: "" }).get("a")"#, #""""#),
        ])
    func values(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test(
        "invalid input throws TypeError with workerd's wording",
        arguments: [
            (#"thrown(() => new Headers({ "a b": "1" }))"#, "TypeError: Invalid header name."),
            (#"thrown(() => new Headers().append("é", "1"))"#, "TypeError: Invalid header name."),
            (#"thrown(() => new Headers().get(""))"#, "TypeError: Invalid header name."),
            (#"thrown(() => new Headers({ a: "x\ny" }))"#, "TypeError: Invalid header value."),
            (#"thrown(() => new Headers().set("a", "x\u0000y"))"#, "TypeError: Invalid header value."),
            (#"thrown(() => new Headers([["a"]]))"#, "TypeError: To initialize a Headers object from a sequence, each inner sequence must have exactly two elements."),
            (#"thrown(() => new Headers([["a", "b", "c"]]))"#, "TypeError: To initialize a Headers object from a sequence, each inner sequence must have exactly two elements."),
            (#"thrown(() => new Headers("a"))"#, "TypeError: Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'."),
            (#"thrown(() => new Headers([1]))"#, "TypeError: Failed to construct 'Headers': The provided value cannot be converted to a sequence."),
            (#"thrown(() => new Headers({ [Symbol("s")]: "x" }))"#, "TypeError: Failed to construct 'Headers': Cannot convert a Symbol value to a string"),
            (#"thrown(() => new Headers().getAll("x"))"#, #"TypeError: getAll() can only be used with the header name "Set-Cookie"."#),
            (#"thrown(() => new Headers().append("a"))"#, "TypeError: Failed to execute 'append' on 'Headers': 2 arguments required, but only 1 present."),
            (#"thrown(() => Headers.prototype.get.call({}, "a"))"#, "TypeError: Illegal invocation"),
            (#"thrown(() => new Headers().forEach(1))"#, "TypeError: Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'."),
        ])
    func invalid(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == jsString(expected))
    }

    @Test("immutable headers (a redirect's) refuse every change and keep their contents")
    func immutable() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const h = Response.redirect("https://example.com/", 302).headers;
              return [thrown(() => h.set("x", "1")), thrown(() => h.append("x", "1")), thrown(() => h.delete("location")),
                // The guard is checked before the arguments, as in workerd.
                thrown(() => h.set("bad name", "1")), [...h]];
            })()
            """)
        #expect(
            result
                == #"["TypeError: Can't modify immutable headers.","TypeError: Can't modify immutable headers.","TypeError: Can't modify immutable headers.","TypeError: Can't modify immutable headers.",[["location","https://example.com/"]]]"#
        )
    }

    @Test("forEach passes (value, name, headers) with thisArg; iterators see changes made while iterating")
    func iteration() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const h = new Headers({ b: "2", a: "1" });
              const seen = [];
              h.forEach(function (value, name, target) { seen.push(`${name}=${value}`, this.tag, target === h); }, { tag: "T" });
              const live = new Headers({ a: "1", b: "2", c: "3" });
              const names = [];
              for (const [name] of live) { names.push(name); if (name === "a") live.delete("b"); }
              const it = h.entries();
              return [seen, names, Object.prototype.toString.call(it), it[Symbol.iterator]() === it, it.next(),
                Object.prototype.toString.call(h), typeof Headers.prototype[Symbol.iterator],
                Headers.prototype[Symbol.iterator] === Headers.prototype.entries];
            })()
            """)
        #expect(
            result
                == #"[["a=1","T",true,"b=2","T",true],["a","c"],"[object Headers Iterator]",true,{"value":["a","1"],"done":false},"[object Headers]","function",true]"#
        )
    }
}

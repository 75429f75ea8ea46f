import KindlingRuntime
import Testing

@Suite("URL and URLSearchParams API")
struct URLTests {
    @Test(
        "URL parses, normalises and serialises",
        arguments: [
            (#"thrown(() => new URL("foo"))"#, #""TypeError: Invalid URL string.""#),
            (#"thrown(() => new URL())"#, #""TypeError: Failed to construct 'URL': 1 argument required, but only 0 present.""#),
            (#"[thrown(() => new URL("http://a b/")), thrown(() => new URL("https://a/", "nope")), thrown(() => new URL("http://[::1/")), thrown(() => new URL("http://300.0.0.1/"))]"#, #"["TypeError: Invalid URL string.","TypeError: Invalid URL string.","TypeError: Invalid URL string.","TypeError: Invalid URL string."]"#),
            (#"[URL.canParse("foo"), URL.canParse("/a", "https://b/"), URL.parse("nope"), URL.parse("/x?y", "https://h/p").href]"#, #"[false,true,null,"https://h/x?y"]"#),
            (#"[new URL("http://a:80/").port, new URL("https://a:443/").host, new URL("http://0x7f.1/").host, new URL("http://[0:0::1]:8080/").host, new URL("http://münchen.de/").host, new URL("HTTP://A.com/%7e/./b/../c").href]"#, #"["","a","127.0.0.1","[::1]:8080","xn--mnchen-3ya.de","http://a.com/%7e/c"]"#),
            (##"(() => { const u = new URL("https://user:pa ss@h.com:8080/p/a/t/h?query#frag"); return [u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin, u.protocol]; })()"##, ##"["user","pa%20ss","h.com:8080","h.com","8080","/p/a/t/h","?query","#frag","https://h.com:8080","https:"]"##),
            (#"(() => { const u = new URL("https://h/"); u.protocol = "ftp"; const a = u.href; u.protocol = "foo"; u.hostname = "[::1]"; u.port = "99999"; return [a, u.href]; })()"#, #"["ftp://h/","ftp://[::1]/"]"#),
            (#"[new URL("blob:https://a.com/uuid").origin, new URL("file:///C:/x/../y").href, new URL("data:text/plain,hi").origin, new URL("a", "file:///dir/b").href]"#, #"["https://a.com","file:///C:/y","null","file:///dir/a"]"#),
            (#"[Object.prototype.toString.call(new URL("https://a/")), thrown(() => Object.getOwnPropertyDescriptor(URL.prototype, "href").get.call({})), new URL("https://a/b").toJSON(), String(new URL("https://a/b"))]"#, #"["[object URL]","TypeError: Illegal invocation","https://a/b","https://a/b"]"#),
        ])
    func url(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test("searchParams stays linked to its URL in both directions")
    func linkedSearchParams() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const u = new URL("https://a/p?x=1&y=2");
              const sp = u.searchParams;
              sp.append("z", "a b");
              const afterAppend = u.href;
              u.search = "?q=é";
              const cleared = new URL("https://h/?a=1");
              cleared.searchParams.delete("a");
              return [afterAppend, sp.get("q"), u.searchParams === sp, u.href, cleared.href, cleared.search];
            })()
            """)
        #expect(result == #"["https://a/p?x=1&y=2&z=a+b","é",true,"https://a/p?q=%C3%A9","https://h/",""]"#)
    }

    @Test(
        "URLSearchParams parses, encodes, sorts and validates",
        arguments: [
            (#"(() => { const p = new URLSearchParams("?a=1&b=2&a=3&c"); return [p.get("a"), p.getAll("a"), p.has("c"), p.get("c"), p.get("z"), p.has("a", "3"), p.has("a", "4"), p.size, [...p]]; })()"#, #"["1",["1","3"],true,"",null,true,false,4,[["a","1"],["b","2"],["a","3"],["c",""]]]"#),
            (#"(() => { const p = new URLSearchParams([["b", "1"], ["a", "2"], ["b", "0"]]); p.sort(); return p.toString(); })()"#, #""a=2&b=1&b=0""#),
            (#"new URLSearchParams({ x: "1 2", y: "é&=" }).toString()"#, #""x=1+2&y=%C3%A9%26%3D""#),
            (#"(() => { const d = new URLSearchParams("a=1&a=2&b=3"); d.delete("a", "2"); return d.toString(); })()"#, #""a=1&b=3""#),
            (#"[new URLSearchParams("a=%zz&b=%41+%42").get("a"), new URLSearchParams("a=%zz&b=%41+%42").get("b")]"#, #"["%zz","A B"]"#),
            (#"thrown(() => new URLSearchParams([["a"]]))"#, #""TypeError: Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements""#),
            (#"thrown(() => new URLSearchParams([1]))"#, #""TypeError: Failed to construct 'URLSearchParams': The provided value cannot be converted to a sequence.""#),
            (#"Object.prototype.toString.call(new URLSearchParams())"#, #""[object URLSearchParams]""#),
        ])
    func searchParams(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }
}

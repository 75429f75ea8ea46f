import KindlingRuntime
import Testing

/// Cases ported from the web-platform-tests URL Pattern data (urlpattern/resources/urlpatterntestdata.json) and
/// the standard's examples, rewritten in a compact form. Each case is
/// `[constructor arguments, exec arguments | null, pattern strings | "error", match | null | "error", empties]`:
/// the pattern strings list the components to check; the match lists `component: [input, groups]`, and every
/// component it leaves out must match the empty string, with groups `{ 0: "" }` (a wildcard) unless the
/// component is in `empties`, where the groups must be `{}`.
private let patternCases = #"""
    [
      [[{ pathname: "/foo/bar" }], [{ pathname: "/foo/bar" }], null, { pathname: ["/foo/bar", {}] }],
      [[{ pathname: "/foo/bar" }], [{ pathname: "/foo/ba" }], null, null],
      [[{ pathname: "/foo/bar" }], [{ pathname: "/foo/bar/" }], null, null],
      [[{ pathname: "/foo/bar" }], ["https://example.com/foo/bar"], null,
        { protocol: ["https", { 0: "https" }], hostname: ["example.com", { 0: "example.com" }], pathname: ["/foo/bar", {}] }],
      [[{ pathname: "/foo/bar" }], [{ pathname: "/foo/bar", baseURL: "https://example.com" }], null,
        { protocol: ["https", { 0: "https" }], hostname: ["example.com", { 0: "example.com" }], pathname: ["/foo/bar", {}] }],
      [[{ pathname: "/foo/bar", baseURL: "https://example.com?query#hash" }], [{ pathname: "/foo/bar" }], null, null],
      [[{ pathname: "/foo/bar", baseURL: "https://example.com?query#hash" }],
        [{ protocol: "https", hostname: "example.com", pathname: "/foo/bar", search: "otherquery", hash: "otherhash" }], null,
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo/bar", {}],
          search: ["otherquery", { 0: "otherquery" }], hash: ["otherhash", { 0: "otherhash" }] }, ["port"]],
      [[{ pathname: "/foo/bar", baseURL: "https://example.com?query#hash" }], ["https://other.com/foo/bar"], null, null],
      [[{ pathname: "/foo/bar", baseURL: "https://example.com?query#hash" }], [{ pathname: "/foo/bar", baseURL: "http://example.com" }], null, null],

      [[{ pathname: "/foo/:bar" }], [{ pathname: "/foo/bar" }], null, { pathname: ["/foo/bar", { bar: "bar" }] }],
      [[{ pathname: "/foo/([^\\/]+?)" }], [{ pathname: "/foo/bar" }], null, { pathname: ["/foo/bar", { 0: "bar" }] }],
      [[{ pathname: "/foo/:bar" }], [{ pathname: "/foo/index.html" }], null, { pathname: ["/foo/index.html", { bar: "index.html" }] }],
      [[{ pathname: "/foo/:bar" }], [{ pathname: "/foo/bar/" }], null, null],
      [[{ pathname: "/foo/:bar" }], [{ pathname: "/foo/" }], null, null],
      [[{ pathname: "/foo/(.*)" }], [{ pathname: "/foo/bar/baz" }], { pathname: "/foo/*" }, { pathname: ["/foo/bar/baz", { 0: "bar/baz" }] }],
      [[{ pathname: "/foo/*" }], [{ pathname: "/foo/" }], null, { pathname: ["/foo/", { 0: "" }] }],
      [[{ pathname: "/foo/*" }], [{ pathname: "/foo" }], null, null],
      [[{ pathname: "/foo/:bar(.*)" }], [{ pathname: "/foo/bar/baz" }], null, { pathname: ["/foo/bar/baz", { bar: "bar/baz" }] }],

      [[{ pathname: "/foo/:bar?" }], [{ pathname: "/foo/bar" }], null, { pathname: ["/foo/bar", { bar: "bar" }] }],
      [[{ pathname: "/foo/:bar?" }], [{ pathname: "/foo" }], null, { pathname: ["/foo", { bar: undefined }] }],
      [[{ pathname: "/foo/:bar?" }], [{ pathname: "/foo/" }], null, null],
      [[{ pathname: "/foo/:bar?" }], [{ pathname: "/foobar" }], null, null],
      [[{ pathname: "/foo/:bar?" }], [{ pathname: "/foo/bar/baz" }], null, null],
      [[{ pathname: "/foo/:bar+" }], [{ pathname: "/foo/bar/baz" }], null, { pathname: ["/foo/bar/baz", { bar: "bar/baz" }] }],
      [[{ pathname: "/foo/:bar+" }], [{ pathname: "/foo" }], null, null],
      [[{ pathname: "/foo/:bar+" }], [{ pathname: "/foo/" }], null, null],
      [[{ pathname: "/foo/:bar*" }], [{ pathname: "/foo/bar/baz" }], null, { pathname: ["/foo/bar/baz", { bar: "bar/baz" }] }],
      [[{ pathname: "/foo/:bar*" }], [{ pathname: "/foo" }], null, { pathname: ["/foo", { bar: undefined }] }],
      [[{ pathname: "/foo/:bar*" }], [{ pathname: "/foobar" }], null, null],
      [[{ pathname: "/foo/(.*)?" }], [{ pathname: "/foo" }], { pathname: "/foo/*?" }, { pathname: ["/foo", { 0: undefined }] }],
      [[{ pathname: "/foo/*?" }], [{ pathname: "/foo/bar/baz" }], null, { pathname: ["/foo/bar/baz", { 0: "bar/baz" }] }],
      [[{ pathname: "/foo/*?" }], [{ pathname: "/fo" }], null, null],
      [[{ pathname: "/foo/(.*)+" }], [{ pathname: "/foo/" }], { pathname: "/foo/*+" }, { pathname: ["/foo/", { 0: "" }] }],
      [[{ pathname: "/foo/*+" }], [{ pathname: "/foo" }], null, null],
      [[{ pathname: "/foo/(.*)*" }], [{ pathname: "/foo" }], { pathname: "/foo/**" }, { pathname: ["/foo", { 0: undefined }] }],

      [[{ pathname: "/foo{/bar}" }], [{ pathname: "/foo/bar" }], { pathname: "/foo/bar" }, { pathname: ["/foo/bar", {}] }],
      [[{ pathname: "/foo{/bar}" }], [{ pathname: "/foo" }], null, null],
      [[{ pathname: "/foo{/bar}?" }], [{ pathname: "/foo" }], null, { pathname: ["/foo", {}] }],
      [[{ pathname: "/foo{/bar}?" }], [{ pathname: "/foo/" }], null, null],
      [[{ pathname: "/foo{/bar}+" }], [{ pathname: "/foo/bar/bar" }], null, { pathname: ["/foo/bar/bar", {}] }],
      [[{ pathname: "/foo{/bar}+" }], [{ pathname: "/foo" }], null, null],
      [[{ pathname: "/foo{/bar}*" }], [{ pathname: "/foo" }], null, { pathname: ["/foo", {}] }],
      [[{ pathname: "/foo{/bar}*" }], [{ pathname: "/foo/bar/baz" }], null, null],

      [[{ protocol: "(café)" }], null, "error"],
      [[{ hostname: "(café)" }], null, "error"],
      [[{ pathname: "(café)" }], null, "error"],
      [[{ protocol: ":café" }], [{ protocol: "foo" }], null, { protocol: ["foo", { "café": "foo" }] }],
      [[{ pathname: "/:café" }], [{ pathname: "/foo" }], null, { pathname: ["/foo", { "café": "foo" }] }],
      [[{ hash: ":\u2118" }], [{ hash: "foo" }], null, { hash: ["foo", { "\u2118": "foo" }] }],
      [[{ search: ":\u3400" }], [{ search: "foo" }], null, { search: ["foo", { "\u3400": "foo" }] }],
      [[{ protocol: "(.*)" }], [{ protocol: "café" }], { protocol: "*" }, null],
      [[{ protocol: "(.*)" }], [{ protocol: "cafe" }], null, { protocol: ["cafe", { 0: "cafe" }] }],
      [[{ protocol: "foo-bar" }], [{ protocol: "foo-bar" }], null, { protocol: ["foo-bar", {}] }],

      [[{ username: "café" }], [{ username: "café" }], { username: "caf%C3%A9" }, { username: ["caf%C3%A9", {}] }],
      [[{ username: "caf%c3%a9" }], [{ username: "café" }], null, null],
      [[{ password: "café" }], [{ password: "café" }], { password: "caf%C3%A9" }, { password: ["caf%C3%A9", {}] }],
      [[{ hostname: "café.com" }], [{ hostname: "café.com" }], { hostname: "xn--caf-dma.com" }, { hostname: ["xn--caf-dma.com", {}] }],
      [[{ pathname: "/café" }], [{ pathname: "/café" }], { pathname: "/caf%C3%A9" }, { pathname: ["/caf%C3%A9", {}] }],
      [[{ pathname: "/caf%c3%a9" }], [{ pathname: "/café" }], null, null],
      [[{ search: "q=café" }], [{ search: "q=café" }], { search: "q=caf%C3%A9" }, { search: ["q=caf%C3%A9", {}] }],
      [[{ hash: "café" }], [{ hash: "café" }], { hash: "caf%C3%A9" }, { hash: ["caf%C3%A9", {}] }],

      [[{ port: "" }], [{ protocol: "http", port: "80" }], null, { protocol: ["http", { 0: "http" }] }, ["port"]],
      [[{ protocol: "http", port: "80" }], [{ protocol: "http", port: "80" }], null, { protocol: ["http", {}] }, ["port"]],
      [[{ protocol: "http", port: "80{20}?" }], [{ protocol: "http", port: "80" }], null, null],
      [[{ protocol: "http", port: "80 " }], [{ protocol: "http", port: "80" }], null, { protocol: ["http", {}] }, ["port"]],
      [[{ port: "80" }], [{ protocol: "http", port: "80" }], null, null],
      [[{ port: "80" }], [{ port: "80" }], null, { port: ["80", {}] }],
      [[{ port: "(.*)" }], [{ port: "invalid80" }], { port: "*" }, null],

      [[{ pathname: "/foo/bar" }], [{ pathname: "/foo/./bar" }], null, { pathname: ["/foo/bar", {}] }],
      [[{ pathname: "/foo/baz" }], [{ pathname: "/foo/bar/../baz" }], null, { pathname: ["/foo/baz", {}] }],
      [[{ pathname: "/foo/bar" }], [{ pathname: "foo/bar" }], null, null],
      [[{ pathname: "/foo/../bar" }], [{ pathname: "/bar" }], { pathname: "/bar" }, { pathname: ["/bar", {}] }],
      [[{ pathname: "./foo/bar", baseURL: "https://example.com" }], [{ pathname: "foo/bar", baseURL: "https://example.com" }],
        { pathname: "/foo/bar" }, { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo/bar", {}] }, ["port"]],
      [[{ pathname: "", baseURL: "https://example.com" }], [{ pathname: "/", baseURL: "https://example.com" }],
        { pathname: "/" }, { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/", {}] }, ["port"]],
      [[{ pathname: "{/bar}", baseURL: "https://example.com/foo/" }], [{ pathname: "./bar", baseURL: "https://example.com/foo/" }],
        { pathname: "/bar" }, null],
      [[{ pathname: "b", baseURL: "https://example.com/foo/" }], [{ pathname: "./b", baseURL: "https://example.com/foo/" }],
        { pathname: "/foo/b" }, { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo/b", {}] }, ["port"]],
      [[{ pathname: ":name.html", baseURL: "https://example.com" }], ["https://example.com/foo.html"],
        { pathname: "/:name.html" }, { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo.html", { name: "foo" }] }, ["port"]],

      [[{ protocol: "about", pathname: "(blank|sourcedoc)" }], ["about:blank"], null,
        { protocol: ["about", {}], pathname: ["blank", { 0: "blank" }] }],
      [[{ protocol: "data", pathname: ":number([0-9]+)" }], ["data:8675309"], null,
        { protocol: ["data", {}], pathname: ["8675309", { number: "8675309" }] }],
      [[{ pathname: "/(\\m)" }], null, "error"],
      [[{ pathname: "/foo!" }], [{ pathname: "/foo!" }], null, { pathname: ["/foo!", {}] }],
      [[{ pathname: "/foo\\:" }], [{ pathname: "/foo:" }], null, { pathname: ["/foo:", {}] }],
      [[{ pathname: "/foo\\{" }], [{ pathname: "/foo{" }], { pathname: "/foo%7B" }, { pathname: ["/foo%7B", {}] }],
      [[{ pathname: "/foo\\(" }], [{ pathname: "/foo(" }], null, { pathname: ["/foo(", {}] }],
      [[{ protocol: "javascript", pathname: "var x = 1;" }], [{ protocol: "javascript", pathname: "var x = 1;" }], null,
        { protocol: ["javascript", {}], pathname: ["var x = 1;", {}] }],
      [[{ pathname: "var x = 1;" }], [{ protocol: "javascript", pathname: "var x = 1;" }], { pathname: "var%20x%20=%201;" }, null],
      [[{ protocol: "javascript", pathname: "var x = 1;" }], [{ baseURL: "javascript:var x = 1;" }], null,
        { protocol: ["javascript", {}], pathname: ["var x = 1;", {}] }],
      [[{ protocol: "(data|javascript)", pathname: "var x = 1;" }], [{ protocol: "javascript", pathname: "var x = 1;" }], null,
        { protocol: ["javascript", { 0: "javascript" }], pathname: ["var x = 1;", {}] }],

      [[{ pathname: "/foo/bar" }], ["./foo/bar", "https://example.com"], null,
        { protocol: ["https", { 0: "https" }], hostname: ["example.com", { 0: "example.com" }], pathname: ["/foo/bar", {}] }],
      [[{ pathname: "/foo/bar" }], [{ pathname: "/foo/bar" }, "https://example.com"], null, "error"],
      [[{ pathname: "*" }], ["foo", "data:data-urls-cannot-be-base-urls"], null, null],
      [[{ pathname: "*" }], ["foo", "not|a|valid|url"], null, null],

      [["https://example.com:8080/foo?bar#baz"], [{ pathname: "/foo", search: "bar", hash: "baz", baseURL: "https://example.com:8080" }],
        { protocol: "https", username: "*", password: "*", hostname: "example.com", port: "8080", pathname: "/foo", search: "bar", hash: "baz" },
        { protocol: ["https", {}], hostname: ["example.com", {}], port: ["8080", {}], pathname: ["/foo", {}], search: ["bar", {}], hash: ["baz", {}] }],
      [["/foo?bar#baz", "https://example.com:8080"], [{ pathname: "/foo", search: "bar", hash: "baz", baseURL: "https://example.com:8080" }],
        { pathname: "/foo", search: "bar", hash: "baz" },
        { protocol: ["https", {}], hostname: ["example.com", {}], port: ["8080", {}], pathname: ["/foo", {}], search: ["bar", {}], hash: ["baz", {}] }],
      [["/foo"], null, "error"],
      [["example.com/foo"], null, "error"],
      [["http{s}?://{*.}?example.com/:product/:endpoint"], ["https://sub.example.com/foo/bar"],
        { protocol: "http{s}?", hostname: "{*.}?example.com", pathname: "/:product/:endpoint" },
        { protocol: ["https", {}], hostname: ["sub.example.com", { 0: "sub" }], pathname: ["/foo/bar", { product: "foo", endpoint: "bar" }] }, ["port"]],
      [["https://example.com?foo"], ["https://example.com/?foo"], { protocol: "https", hostname: "example.com", pathname: "/", search: "foo" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/", {}], search: ["foo", {}] }, ["port"]],
      [["https://example.com#foo"], ["https://example.com/#foo"], { pathname: "/", hash: "foo" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/", {}], hash: ["foo", {}] }, ["port", "search"]],
      [["https://example.com:8080?foo"], ["https://example.com:8080/?foo"], { port: "8080", pathname: "/", search: "foo" },
        { protocol: ["https", {}], hostname: ["example.com", {}], port: ["8080", {}], pathname: ["/", {}], search: ["foo", {}] }],
      [["https://example.com/*?foo"], ["https://example.com/?foo"], { pathname: "/*?foo" }, null],
      [["https://example.com/*\\?foo"], ["https://example.com/?foo"], { pathname: "/*", search: "foo" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/", { 0: "" }], search: ["foo", {}] }, ["port"]],
      [["https://example.com/:name?foo"], ["https://example.com/bar?foo"], { pathname: "/:name?foo" }, null],
      [["https://example.com/:name\\?foo"], ["https://example.com/bar?foo"], { pathname: "/:name", search: "foo" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/bar", { name: "bar" }], search: ["foo", {}] }, ["port"]],
      [["https://example.com/(bar)?foo"], ["https://example.com/bar?foo"], { pathname: "/(bar)?foo" }, null],
      [["https://example.com/{bar}\\?foo"], ["https://example.com/bar?foo"], { pathname: "/bar", search: "foo" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/bar", {}], search: ["foo", {}] }, ["port"]],
      [["https://example.com/"], ["https://example.com:8080/"], { port: "", pathname: "/" }, null],
      [["data:foobar"], null, "error"],
      [["data\\:foobar"], ["data:foobar"], { protocol: "data", pathname: "foobar" },
        { protocol: ["data", {}], pathname: ["foobar", {}] }, ["hostname", "port"]],
      [["https://{sub.}?example.com/foo"], ["https://example.com/foo"], { hostname: "{sub.}?example.com" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo", {}] }, ["port"]],
      [["{https://}example.com/foo"], null, "error"],
      [["https://(sub.)?example.com/foo"], ["https://example.com/foo"], { hostname: "(sub.)?example.com", pathname: "/foo" },
        { protocol: ["https", {}], hostname: ["example.com", { 0: undefined }], pathname: ["/foo", {}] }, ["port"]],
      [["https://(sub.)?example(.com/)foo"], ["https://example.com/foo"], { hostname: "(sub.)?example(.com/)foo", pathname: "*" }, null],
      [["(https://)example.com/foo"], null, "error"],
      [["https://{sub{.}}example.com/foo"], null, "error"],
      [["https://(sub(?:.))?example.com/foo"], ["https://example.com/foo"], { hostname: "(sub(?:.))?example.com" },
        { protocol: ["https", {}], hostname: ["example.com", { 0: undefined }], pathname: ["/foo", {}] }, ["port"]],
      [["file:///foo/bar"], ["file:///foo/bar"], { protocol: "file", pathname: "/foo/bar" },
        { protocol: ["file", {}], pathname: ["/foo/bar", {}] }, ["hostname", "port"]],
      [["data:"], ["data:"], { protocol: "data" }, { protocol: ["data", {}] }, ["hostname", "port", "pathname"]],
      [["foo://bar"], ["foo://bad_url_browser_interop"], { protocol: "foo", hostname: "bar" }, null],
      [["(café)://foo"], null, "error"],
      [["https://example.com/foo?bar#baz"], [{ protocol: "https:", search: "?bar", hash: "#baz", baseURL: "http://example.com/foo" }],
        { pathname: "/foo", search: "bar", hash: "baz" }, null],
      [[{ protocol: "http{s}?:", search: "?bar", hash: "#baz" }], ["http://example.com/foo?bar#baz"],
        { protocol: "http{s}?", search: "bar", hash: "baz" },
        { protocol: ["http", {}], hostname: ["example.com", { 0: "example.com" }], pathname: ["/foo", { 0: "/foo" }], search: ["bar", {}], hash: ["baz", {}] }],
      [["?bar#baz", "https://example.com/foo"], ["?bar#baz", "https://example.com/foo"],
        { protocol: "https", hostname: "example.com", pathname: "/foo", search: "bar", hash: "baz" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo", {}], search: ["bar", {}], hash: ["baz", {}] }, ["port"]],
      [["?bar", "https://example.com/foo#baz"], ["?bar", "https://example.com/foo#snafu"], { search: "bar", hash: "*" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo", {}], search: ["bar", {}] }, ["port"]],
      [["#baz", "https://example.com/foo"], ["#baz", "https://example.com/foo"], { hash: "baz" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/foo", {}], hash: ["baz", {}] }, ["port", "search"]],

      [["https://foo\\:bar@example.com"], ["https://foo:bar@example.com"], { username: "foo", password: "bar", pathname: "*" },
        { protocol: ["https", {}], username: ["foo", {}], password: ["bar", {}], hostname: ["example.com", {}], pathname: ["/", { 0: "/" }] }, ["port"]],
      [["https://\\:bar@example.com"], ["https://:bar@example.com"], { password: "bar" },
        { protocol: ["https", {}], password: ["bar", {}], hostname: ["example.com", {}], pathname: ["/", { 0: "/" }] }, ["username", "port"]],
      [["https://:user::pass@example.com"], ["https://foo:bar@example.com"], { username: ":user", password: ":pass" },
        { protocol: ["https", {}], username: ["foo", { user: "foo" }], password: ["bar", { pass: "bar" }], hostname: ["example.com", {}], pathname: ["/", { 0: "/" }] }, ["port"]],
      [["data\\:foo\\:bar@example.com"], ["data:foo:bar@example.com"], { protocol: "data", pathname: "foo\\:bar@example.com" },
        { protocol: ["data", {}], pathname: ["foo:bar@example.com", {}] }, ["hostname", "port"]],
      [["https://foo{\\:}bar@example.com"], ["https://foo:bar@example.com"], { username: "foo%3Abar", hostname: "example.com" }, null],
      [["data{\\:}channel.html", "https://example.com"], ["https://example.com/data:channel.html"],
        { pathname: "/data\\:channel.html", search: "*", hash: "*" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/data:channel.html", {}] }, ["port"]],

      [["http://[\\:\\:1]/"], ["http://[::1]/"], { hostname: "[\\:\\:1]" },
        { protocol: ["http", {}], hostname: ["[::1]", {}], pathname: ["/", {}] }, ["port"]],
      [["http://[\\:\\:1]:8080/"], ["http://[::1]:8080/"], { hostname: "[\\:\\:1]", port: "8080" },
        { protocol: ["http", {}], hostname: ["[::1]", {}], port: ["8080", {}], pathname: ["/", {}] }],
      [["http://[:address]/"], ["http://[::1]/"], { hostname: "[:address]" },
        { protocol: ["http", {}], hostname: ["[::1]", { address: "::1" }], pathname: ["/", {}] }, ["port"]],
      [[{ hostname: "[\\:\\:AB\\::num]" }], [{ hostname: "[::ab:1]" }], { hostname: "[\\:\\:ab\\::num]" },
        { hostname: ["[::ab:1]", { num: "1" }] }],
      [[{ hostname: "[\\:\\:xY\\::num]" }], null, "error"],
      [[{ hostname: "{[\\:\\::num\\:1]}" }], [{ hostname: "[::ab:1]" }], null, { hostname: ["[::ab:1]", { num: "ab" }] }],
      [[{ hostname: "[*\\:1]" }], [{ hostname: "[::ab:1]" }], null, { hostname: ["[::ab:1]", { 0: "::ab" }] }],
      [[{ hostname: "*\\:1]" }], null, "error"],
      [["https://foo{{@}}example.com"], null, "error"],
      [["https://foo{@example.com"], null, "error"],
      [["data\\:text/javascript,let x = 100/:tens?5;"], ["data:text/javascript,let x = 100/5;"],
        { protocol: "data", pathname: "text/javascript,let x = 100/:tens?5;" },
        { protocol: ["data", {}], pathname: ["text/javascript,let x = 100/5;", { tens: undefined }] }, ["hostname", "port"]],
      [[{ pathname: "/:id/:id" }], null, "error"],
      [[{ pathname: "/foo", baseURL: "" }], null, "error"],
      [["/foo", ""], null, "error"],
      [[{ pathname: "/foo" }, "https://example.com"], null, "error"],

      [[{ pathname: ":name*" }], [{ pathname: "foobar" }], null, { pathname: ["foobar", { name: "foobar" }] }],
      [[{ protocol: ":name+" }], [{ protocol: "foobar" }], null, { protocol: ["foobar", { name: "foobar" }] }],
      [[{ hostname: "bad hostname" }], null, "error"],
      [[{ hostname: "bad\\:hostname" }], null, "error"],
      [[{ hostname: "bad<hostname" }], null, "error"],
      [[{ hostname: "bad?hostname" }], null, "error"],
      [[{ hostname: "bad@hostname" }], null, "error"],
      [[{ hostname: "bad|hostname" }], null, "error"],
      [[{ hostname: "bad\nhostname" }], null, { hostname: "badhostname" }],
      [[{ hostname: "bad\thostname" }], null, { hostname: "badhostname" }],

      [[{}], ["https://example.com/"], null,
        { protocol: ["https", { 0: "https" }], hostname: ["example.com", { 0: "example.com" }], pathname: ["/", { 0: "/" }] }],
      [[], ["https://example.com/"], null,
        { protocol: ["https", { 0: "https" }], hostname: ["example.com", { 0: "example.com" }], pathname: ["/", { 0: "/" }] }],
      [[], [{}], null, {}],
      [[{ pathname: "(foo)(.*)" }], [{ pathname: "foobarbaz" }], null, { pathname: ["foobarbaz", { 0: "foo", 1: "barbaz" }] }],
      [[{ pathname: "{(foo)bar}(.*)" }], [{ pathname: "foobarbaz" }], null, { pathname: ["foobarbaz", { 0: "foo", 1: "baz" }] }],
      [[{ pathname: "(foo)?(.*)" }], [{ pathname: "foobarbaz" }], { pathname: "(foo)?*" }, { pathname: ["foobarbaz", { 0: "foo", 1: "barbaz" }] }],
      [[{ pathname: "{:foo}(.*)" }], [{ pathname: "foobarbaz" }], null, { pathname: ["foobarbaz", { foo: "f", 0: "oobarbaz" }] }],
      [[{ pathname: "{:foo}(barbaz)" }], [{ pathname: "foobarbaz" }], null, { pathname: ["foobarbaz", { foo: "foo", 0: "barbaz" }] }],
      [[{ pathname: "{:foo}{(.*)}" }], [{ pathname: "foobarbaz" }], { pathname: "{:foo}(.*)" }, { pathname: ["foobarbaz", { foo: "f", 0: "oobarbaz" }] }],
      [[{ pathname: "{:foo}{(.*)bar}" }], [{ pathname: "foobarbaz" }], { pathname: ":foo{*bar}" }, null],
      [[{ pathname: "{:foo}{bar(.*)}" }], [{ pathname: "foobarbaz" }], { pathname: ":foo{bar*}" }, { pathname: ["foobarbaz", { foo: "foo", 0: "baz" }] }],
      [[{ pathname: "{:foo}:bar(.*)" }], [{ pathname: "foobarbaz" }], { pathname: ":foo:bar(.*)" }, { pathname: ["foobarbaz", { foo: "f", bar: "oobarbaz" }] }],
      [[{ pathname: "{:foo}?(.*)" }], [{ pathname: "foobarbaz" }], { pathname: ":foo?*" }, { pathname: ["foobarbaz", { foo: "f", 0: "oobarbaz" }] }],
      [[{ pathname: "{:foo\\bar}" }], [{ pathname: "foobar" }], null, { pathname: ["foobar", { foo: "foo" }] }],
      [[{ pathname: "{:foo\\.bar}" }], [{ pathname: "foo.bar" }], { pathname: "{:foo.bar}" }, { pathname: ["foo.bar", { foo: "foo" }] }],
      [[{ pathname: "{:foo(foo)bar}" }], [{ pathname: "foobar" }], null, { pathname: ["foobar", { foo: "foo" }] }],
      [[{ pathname: ":foo\\bar" }], [{ pathname: "foobar" }], { pathname: "{:foo}bar" }, { pathname: ["foobar", { foo: "foo" }] }],
      [[{ pathname: ":foo{}(.*)" }], [{ pathname: "foobar" }], { pathname: "{:foo}(.*)" }, { pathname: ["foobar", { foo: "f", 0: "oobar" }] }],
      [[{ pathname: ":foo{}?bar" }], [{ pathname: "foobar" }], { pathname: "{:foo}bar" }, { pathname: ["foobar", { foo: "foo" }] }],
      [[{ pathname: "*{}**?" }], [{ pathname: "foobar" }], { pathname: "*(.*)?" }, { pathname: ["foobar", { 0: "foobar", 1: undefined }] }],
      [[{ pathname: ":foo(baz)(.*)" }], [{ pathname: "bazbar" }], null, { pathname: ["bazbar", { foo: "baz", 0: "bar" }] }],
      [[{ pathname: "*/*" }], [{ pathname: "foo/bar" }], null, { pathname: ["foo/bar", { 0: "foo", 1: "bar" }] }],
      [[{ pathname: "*\\/*" }], [{ pathname: "foo/bar" }], { pathname: "*/{*}" }, { pathname: ["foo/bar", { 0: "foo", 1: "bar" }] }],
      [[{ pathname: "*//*" }], [{ pathname: "foo/bar" }], null, null],
      [[{ pathname: "/:foo." }], [{ pathname: "/bar." }], null, { pathname: ["/bar.", { foo: "bar" }] }],
      [[{ pathname: "/:foo.." }], [{ pathname: "/bar.." }], null, { pathname: ["/bar..", { foo: "bar" }] }],
      [[{ pathname: "./foo" }], [{ pathname: "./foo" }], null, { pathname: ["./foo", {}] }],
      [[{ pathname: "../foo" }], [{ pathname: "../foo" }], null, { pathname: ["../foo", {}] }],
      [[{ pathname: ":foo../" }], [{ pathname: "bar../" }], null, { pathname: ["bar../", { foo: "bar" }] }],
      [[{ pathname: "/:foo\\bar" }], [{ pathname: "/bazbar" }], { pathname: "{/:foo}bar" }, { pathname: ["/bazbar", { foo: "baz" }] }],

      [[{ pathname: "/foo/bar" }, { ignoreCase: true }], [{ pathname: "/FOO/BAR" }], null, { pathname: ["/FOO/BAR", {}] }],
      [[{ ignoreCase: true }], [{ pathname: "/FOO/BAR" }], null, { pathname: ["/FOO/BAR", { 0: "/FOO/BAR" }] }],
      [["https://example.com:8080/foo?bar#baz", { ignoreCase: true }],
        [{ pathname: "/FOO", search: "BAR", hash: "BAZ", baseURL: "https://example.com:8080" }], { pathname: "/foo", search: "bar", hash: "baz" },
        { protocol: ["https", {}], hostname: ["example.com", {}], port: ["8080", {}], pathname: ["/FOO", {}], search: ["BAR", {}], hash: ["BAZ", {}] }],
      [["/foo?bar#baz", "https://example.com:8080", { ignoreCase: true }],
        [{ pathname: "/FOO", search: "BAR", hash: "BAZ", baseURL: "https://example.com:8080" }], null,
        { protocol: ["https", {}], hostname: ["example.com", {}], port: ["8080", {}], pathname: ["/FOO", {}], search: ["BAR", {}], hash: ["BAZ", {}] }],
      [["/foo?bar#baz", { ignoreCase: true }, "https://example.com:8080"], null, "error"],
      [[{ search: "foo", baseURL: "https://example.com/a/+/b" }], [{ search: "foo", baseURL: "https://example.com/a/+/b" }],
        { pathname: "/a/\\+/b" }, { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/a/+/b", {}], search: ["foo", {}] }, ["port"]],
      [["#foo", "https://example.com/?q=*&v=?&hmm={}&umm=()"], ["https://example.com/?q=*&v=?&hmm={}&umm=()#foo"],
        { search: "q=\\*&v=\\?&hmm=\\{\\}&umm=\\(\\)", hash: "foo" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/", {}], search: ["q=*&v=?&hmm={}&umm=()", {}], hash: ["foo", {}] }, ["port"]],
      [[{ pathname: "/([[a-z]--a])" }], [{ pathname: "/a" }], null, null],
      [[{ pathname: "/([[a-z]--a])" }], [{ pathname: "/z" }], null, { pathname: ["/z", { 0: "z" }] }],
      [[{ pathname: "/([\\d&&[0-1]])" }], [{ pathname: "/0" }], null, { pathname: ["/0", { 0: "0" }] }],
      [[{ pathname: "/([\\d&&[0-1]])" }], [{ pathname: "/3" }], null, null],

      [[{ pathname: "/books/:id(\\d+)" }], ["https://example.com/books/123"], { pathname: "/books/:id(\\d+)" },
        { protocol: ["https", { 0: "https" }], hostname: ["example.com", { 0: "example.com" }], pathname: ["/books/123", { id: "123" }] }],
      [[{ pathname: "/books/:id(\\d+)" }], ["https://example.com/books/abc"], null, null],
      [["https://*.example.com/:section/*"], ["https://api.example.com/v1/users/7?x=1"],
        { hostname: "*.example.com", pathname: "/:section/*", search: "*" },
        { protocol: ["https", {}], hostname: ["api.example.com", { 0: "api" }], pathname: ["/v1/users/7", { section: "v1", 0: "users/7" }], search: ["x=1", { 0: "x=1" }] }, ["port"]],
      [["https://example.com/products/:id?"], ["https://example.com/products"], { pathname: "/products/:id?" },
        { protocol: ["https", {}], hostname: ["example.com", {}], pathname: ["/products", { id: undefined }] }, ["port"]]
    ]
    """#

@Suite("URLPattern")
struct URLPatternTests {
    @Test("web-platform-tests and standard cases: pattern strings, exec groups, test agreement, errors")
    func conformanceCases() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const cases = \(patternCases);
              const names = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];
              const show = (v) => JSON.stringify(v, (k, x) => (x === undefined ? "<undefined>" : x));
              const failures = [];
              cases.forEach(([args, inputs, patternStrings, expectedMatch, empties = []], i) => {
                const where = `case ${i} ${show(args)}`;
                let pattern;
                try {
                  pattern = new URLPattern(...args);
                } catch (error) {
                  if (patternStrings !== "error" || !(error instanceof TypeError)) failures.push(`${where}: constructor threw ${error}`);
                  return;
                }
                if (patternStrings === "error") { failures.push(`${where}: constructor did not throw`); return; }
                for (const [name, value] of Object.entries(patternStrings ?? {})) {
                  if (pattern[name] !== value) failures.push(`${where}: ${name} is ${show(pattern[name])}, expected ${show(value)}`);
                }
                if (inputs === null) return;
                let match;
                try {
                  match = pattern.exec(...inputs);
                } catch (error) {
                  if (expectedMatch !== "error" || !(error instanceof TypeError)) failures.push(`${where}: exec threw ${error}`);
                  return;
                }
                if (expectedMatch === "error") { failures.push(`${where}: exec did not throw`); return; }
                if (pattern.test(...inputs) !== (match !== null)) failures.push(`${where}: test() disagrees with exec()`);
                if (expectedMatch === null) {
                  if (match !== null) failures.push(`${where}: matched ${show(match)}`);
                  return;
                }
                if (match === null) { failures.push(`${where}: did not match ${show(inputs)}`); return; }
                // Inputs are compared member by member: a dictionary comes back converted, its members in Web IDL order.
                const expectedInputs = inputs.length ? inputs : [{}];
                const sameInput = (a, b) => typeof b === "string" ? a === b : names.concat("baseURL").every((n) => a[n] === b[n]);
                if (match.inputs.length !== expectedInputs.length || !match.inputs.every((a, k) => sameInput(a, expectedInputs[k]))) {
                  failures.push(`${where}: inputs ${show(match.inputs)}`);
                }
                for (const name of names) {
                  const [input, groups] = expectedMatch[name] ?? ["", empties.includes(name) ? {} : { 0: "" }];
                  const actual = match[name];
                  if (actual.input !== input || show(actual.groups) !== show(groups) ||
                      Object.keys(actual.groups).length !== Object.keys(groups).length) {
                    failures.push(`${where}: ${name} is ${show(actual)}, expected ${show({ input, groups })}`);
                  }
                }
              });
              return [cases.length, failures];
            })()
            """)
        #expect(result.hasSuffix(",[]]"), "\(result)")
        #expect(result.hasPrefix("[2"), "the case table did not load: \(result)")
    }

    @Test("hasRegExpGroups reports custom regular expression groups only")
    func hasRegExpGroups() async throws {
        let result = try await evaluateWebAPI(
            """
            [new URLPattern({ pathname: "/:id(\\\\d+)" }).hasRegExpGroups, new URLPattern({ pathname: "/:id/*" }).hasRegExpGroups,
             new URLPattern("https://(www|api).example.com/").hasRegExpGroups, new URLPattern({ pathname: "/(.*)" }).hasRegExpGroups]
            """)
        // "(.*)" is the full wildcard written out, so it is not a custom group.
        #expect(result == "[true,false,true,false]")
    }

    @Test("bad arguments throw TypeErrors that say what is wrong")
    func badArguments() async throws {
        let result = try await evaluateWebAPI(
            """
            [thrown(() => new URLPattern("/relative")),
             thrown(() => new URLPattern({ pathname: "/x" }, "https://example.com")),
             thrown(() => new URLPattern({ pathname: "/:a/:a" })),
             thrown(() => new URLPattern({ pathname: "/(" })),
             thrown(() => new URLPattern({ pathname: "/([a-z)" })),
             thrown(() => new URLPattern({ hostname: "bad host" })),
             thrown(() => new URLPattern({ pathname: "/x" }).exec({ pathname: "/x" }, "https://example.com")),
             thrown(() => URLPattern.prototype.test.call({}, "https://example.com/"))]
            """)
        #expect(
            result
                == #"["TypeError: Failed to construct 'URLPattern': Relative constructor string '/relative' must have a base URL passed as the second argument.","TypeError: Failed to construct 'URLPattern': A base URL must not be given when the input is a URLPatternInit.","TypeError: Failed to construct 'URLPattern': Invalid pattern: the group name \"a\" is used twice in \"/:a/:a\".","TypeError: Failed to construct 'URLPattern': Invalid pattern: an unterminated regular expression group at position 1 of \"/(\".","TypeError: Failed to construct 'URLPattern': Invalid regular expression in '/([a-z)': Invalid regular expression: invalid class set character","TypeError: Failed to construct 'URLPattern': Invalid hostname 'bad host'.","TypeError: URLPattern: a base URL must not be given when the input is a URLPatternInit.","TypeError: Illegal invocation"]"#
        )
    }

    @Test("a URLPattern is a platform object: branded, with enumerable accessors, and not cloneable")
    func platformObject() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const p = new URLPattern({ pathname: "/a" });
              return [Object.prototype.toString.call(p), Object.keys(URLPattern.prototype).sort().join(","),
                thrown(() => structuredClone(p)), typeof p.exec("https://x.test/b"), p.test("https://x.test/a")];
            })()
            """)
        #expect(
            result
                == #"["[object URLPattern]","exec,hasRegExpGroups,hash,hostname,password,pathname,port,protocol,search,test,username","DataCloneError: #<URLPattern> could not be cloned.","object",true]"#
        )
    }

    @Test("a worker routes requests with URLPattern groups")
    func routingInAWorker() async throws {
        try await withWorker([
            "index.js": """
                const routes = [
                  [new URLPattern({ pathname: "/users/:id(\\\\d+)" }), (m) => `user ${m.pathname.groups.id}`],
                  [new URLPattern({ pathname: "/files/*" }), (m) => `file ${m.pathname.groups[0]}`],
                ];
                export default {
                  fetch(request) {
                    for (const [pattern, handle] of routes) {
                      const match = pattern.exec(request.url);
                      if (match) return new Response(handle(match));
                    }
                    return new Response("not found", { status: 404 });
                  },
                };
                """
        ]) { isolate, _ in
            let user = try await isolate.fetch(WorkerRequest(url: "https://example.com/users/42"))
            let file = try await isolate.fetch(WorkerRequest(url: "https://example.com/files/a/b.txt"))
            let missing = try await isolate.fetch(WorkerRequest(url: "https://example.com/users/abc"))
            #expect(user.text == "user 42")
            #expect(file.text == "file a/b.txt")
            #expect(missing.status == 404)
        }
    }
}

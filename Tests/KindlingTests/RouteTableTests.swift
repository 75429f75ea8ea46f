@testable import Kindling
import Testing

/// Cloudflare's route matching, case by case as Miniflare's routing tests pin it down
/// (https://developers.cloudflare.com/workers/configuration/routing/routes/#matching-behavior).
@Suite("Routes")
struct RouteTableTests {
    func table(_ routes: [(String, [String])], primary: String = "primary") throws -> RouteTable {
        try RouteTable(routes: routes.map { (worker: $0.0, patterns: $0.1) }, primary: primary)
    }

    @Test("a query string in a route is refused with Miniflare's message")
    func queryString() {
        #expect(throws: KindlingError(
            code: .invalidRoute,
            message: #"Route "example.com/?foo=*" for "a" contains a query string. This is not allowed."#
        )) { try table([("a", ["example.com/?foo=*"])]) }
    }

    @Test("a wildcard inside the path or host is refused", arguments: ["example.com/*.jpg", "ex*ample.com/", "*.*.example.com/"])
    func infixWildcard(pattern: String) {
        #expect(throws: KindlingError(
            code: .invalidRoute,
            message: "Route \"\(pattern)\" for \"a\" contains an infix wildcard. This is not allowed."
        )) { try table([("a", [pattern])]) }
    }

    @Test("a route without a scheme matches any scheme; with one, only that scheme")
    func schemes() throws {
        var routes = try table([("a", ["example.com/*"])])
        #expect(routes.matchingWorker("http://example.com/foo.jpg") == "a")
        #expect(routes.matchingWorker("https://example.com/foo.jpg") == "a")
        #expect(routes.matchingWorker("ftp://example.com/foo.jpg") == "a")

        routes = try table([("a", ["http://example.com/*"]), ("b", ["https://example.com/*"])])
        #expect(routes.matchingWorker("http://example.com/foo.jpg") == "a")
        #expect(routes.matchingWorker("https://example.com/foo.jpg") == "b")
        #expect(routes.matchingWorker("ftp://example.com/foo.jpg") == nil)
    }

    @Test("a route without a path means the root path")
    func impliedSlash() throws {
        let routes = try table([("a", ["example.com"])])
        #expect(routes.matchingWorker("http://example.com/") == "a")
        #expect(routes.matchingWorker("https://example.com") == "a")
        #expect(routes.matchingWorker("https://example.com/x") == nil)
    }

    @Test("a host may begin with *: *example.com takes the bare domain, *.example.com does not")
    func hostWildcard() throws {
        var routes = try table([("a", ["*example.com/"])])
        #expect(routes.matchingWorker("https://example.com/") == "a")
        #expect(routes.matchingWorker("https://www.example.com/") == "a")

        routes = try table([("a", ["*.example.com/"])])
        #expect(routes.matchingWorker("https://example.com/") == nil)
        #expect(routes.matchingWorker("https://www.example.com/") == "a")
        #expect(routes.matchingWorker("https://a.b.example.com/") == "a")
    }

    @Test("a path may end with *: any suffix, including more segments")
    func pathWildcard() throws {
        let routes = try table([("a", ["https://example.com/path*"])])
        #expect(routes.matchingWorker("https://example.com/path") == "a")
        #expect(routes.matchingWorker("https://example.com/path2") == "a")
        #expect(routes.matchingWorker("https://example.com/path/readme.txt") == "a")
        #expect(routes.matchingWorker("https://example.com/notpath") == nil)
    }

    @Test("the most specific route wins")
    func specificity() throws {
        var routes = try table([("a", ["www.example.com/*"]), ("b", ["*.example.com/*"])])
        #expect(routes.matchingWorker("https://www.example.com/") == "a")

        routes = try table([("a", ["example.com/*"]), ("b", ["example.com/hello/*"])])
        #expect(routes.matchingWorker("https://example.com/hello/world") == "b")

        routes = try table([("a", ["example.com/*"]), ("b", ["https://example.com/*"])])
        #expect(routes.matchingWorker("https://example.com/hello") == "b")

        routes = try table([("a", ["example.com/pa*"]), ("b", ["example.com/path*"])])
        #expect(routes.matchingWorker("https://example.com/p") == nil)
        #expect(routes.matchingWorker("https://example.com/pa") == "a")
        #expect(routes.matchingWorker("https://example.com/pat") == "a")
        #expect(routes.matchingWorker("https://example.com/path") == "b")

        // As on the platform, /images* counts as more specific than /images/*.
        routes = try table([("a", ["example.com/images/*"]), ("b", ["example.com/images*"])])
        #expect(routes.matchingWorker("https://example.com/images") == "b")
        #expect(routes.matchingWorker("https://example.com/images/hello") == "b")
    }

    @Test("the query string takes part in path matching; the port and host case do not")
    func queryPortAndCase() throws {
        let routes = try table([("a", ["example.com/hello/*"]), ("b", ["localhost/exact"])])
        #expect(routes.matchingWorker("https://example.com/hello/world?foo=bar") == "a")
        #expect(routes.matchingWorker("http://EXAMPLE.com:8787/hello/x") == "a")
        #expect(routes.matchingWorker("http://localhost:8787/exact") == "b")
        #expect(routes.matchingWorker("http://localhost:8787/exact?x=1") == nil)
    }

    @Test("paths are case-sensitive and dots are literal")
    func literalMatching() throws {
        let routes = try table([("a", ["example.com/images/*"]), ("b", ["example.com/Images/*"])])
        #expect(routes.matchingWorker("https://example.com/images/foo.jpg") == "a")
        #expect(routes.matchingWorker("https://example.com/Images/foo.jpg") == "b")
        #expect(routes.matchingWorker("https://example2com/images/foo.jpg") == nil)
    }

    @Test("*/* matches everything; unmatched requests go to the primary worker")
    func fallback() throws {
        var routes = try table([("a", ["*/*"])])
        #expect(routes.worker(for: "http://example.com/") == "a")
        #expect(routes.worker(for: "https://miniflare.dev/x?y") == "a")

        routes = try table([("a", ["example.com/*"])], primary: "first")
        #expect(routes.matchingWorker("https://miniflare.dev/") == nil)
        #expect(routes.worker(for: "https://miniflare.dev/") == "first")
    }
}

/// One route pattern as written in `wrangler.toml` (`example.com/*`, `https://*.example.com/api*`,
/// `*/*`), parsed for matching with Cloudflare's rules: an optional scheme, a host that may begin
/// with `*` (any prefix, so `*example.com` also matches `example.com` itself), a path that may end
/// with `*` (any suffix), the port ignored, and no other wildcard or query string.
struct RoutePattern: Sendable, Hashable {
    /// The pattern as written, for messages and for breaking ties.
    let text: String
    /// The worker the pattern routes to.
    let target: String
    /// `http` or `https` (lowercased, without `:`), or `nil` when the pattern names none.
    let scheme: String?
    /// The host without its leading `*`, lowercased; empty for `*` (every host).
    let host: String
    /// Whether the pattern's host began with `*`: the request's host need only end with ``host``.
    let matchesHostSuffix: Bool
    /// The path without its trailing `*`, always starting with `/`.
    let path: String
    /// Whether the pattern's path ended with `*`: the request's path need only start with ``path``.
    let matchesPathPrefix: Bool
    /// How specific the pattern is; the most specific matching pattern wins. The formula is the
    /// one Cloudflare's routing table uses (as Miniflare reproduces it): host labels count 26
    /// each, path segments 1 each, and a wildcard label or segment costs two.
    let specificity: Int

    /// Parses `text`, routing to `target`.
    /// - Throws: ``KindlingError`` with code `.invalidRoute` for a query string or a wildcard
    ///   anywhere but the start of the host or the end of the path.
    init(_ text: String, target: String) throws(KindlingError) {
        self.text = text
        self.target = target
        var rest = Substring(text)
        if let separator = rest.firstRange(of: "://"),
            rest[..<separator.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
            !rest[..<separator.lowerBound].isEmpty
        {
            scheme = rest[..<separator.lowerBound].lowercased()
            rest = rest[separator.upperBound...]
        } else {
            scheme = nil
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var pathAndQuery = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let rawHost = Self.stripPort(authority).lowercased()
        if pathAndQuery.contains("?") {
            throw KindlingError(
                code: .invalidRoute,
                message: "Route \"\(text)\" for \"\(target)\" contains a query string. This is not allowed."
            )
        }
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = pathAndQuery[..<hash] }
        var path = pathAndQuery.isEmpty ? "/" : String(pathAndQuery)

        let hostParts = rawHost.split(separator: ".", omittingEmptySubsequences: false)
        let pathParts = path.split(separator: "/", omittingEmptySubsequences: false)
        let hostScore = hostParts.count - (hostParts.first == "*" ? 2 : 0)
        let pathScore = pathParts.count - (pathParts.last == "*" ? 2 : 0)
        specificity = hostScore * 26 + pathScore

        let everyHost = rawHost == "*"
        matchesHostSuffix = rawHost.hasPrefix("*")
        host = everyHost ? "" : matchesHostSuffix ? String(rawHost.dropFirst()) : rawHost
        matchesPathPrefix = path.hasSuffix("*")
        if matchesPathPrefix { path.removeLast() }
        self.path = path
        if host.contains("*") || path.contains("*") {
            throw KindlingError(
                code: .invalidRoute,
                message: "Route \"\(text)\" for \"\(target)\" contains an infix wildcard. This is not allowed."
            )
        }
    }

    /// Whether a request to `url` falls under this pattern.
    func matches(_ url: RequestTarget) -> Bool {
        if let scheme, scheme != url.scheme { return false }
        if matchesHostSuffix ? !url.host.hasSuffix(host) : url.host != host { return false }
        return matchesPathPrefix ? url.pathAndQuery.hasPrefix(path) : url.pathAndQuery == path
    }

    /// `host:port` without the port (an IPv6 literal keeps its brackets).
    static func stripPort(_ authority: Substring) -> Substring {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return authority[...close]
        }
        if let colon = authority.lastIndex(of: ":") { return authority[..<colon] }
        return authority
    }
}

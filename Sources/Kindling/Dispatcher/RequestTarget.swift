/// The parts of a request URL that routing looks at, split without a full URL parser: routing
/// runs on every request, and these three parts are all it needs.
struct RequestTarget: Sendable, Hashable {
    /// The scheme, lowercased, without `:`.
    let scheme: String
    /// The host without port, lowercased.
    let host: String
    /// The path (starting with `/`) followed by the query, if any, as sent.
    let pathAndQuery: Substring

    /// Splits an absolute URL (`https://example.com:8787/path?q`).
    /// - Returns: `nil` when `url` has no `scheme://`.
    init?(url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound]
        guard let first = scheme.first, first.isLetter else { return nil }
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var pathAndQuery = rest[authorityEnd...]
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = pathAndQuery[..<hash] }
        self.scheme = scheme.lowercased()
        self.host = RoutePattern.stripPort(authority).lowercased()
        // `https://example.com` and `https://example.com?q` ask for the root path.
        if pathAndQuery.first == "/" {
            self.pathAndQuery = pathAndQuery
        } else {
            self.pathAndQuery = Substring("/" + pathAndQuery)
        }
    }
}

/// Every worker's routes, most specific first: which worker a request goes to.
///
/// With Cloudflare's rules (see ``RoutePattern``), the most specific matching pattern wins, and
/// among equally specific ones the longer pattern. A request no route matches goes to the
/// primary worker (the first one), as in Miniflare.
struct RouteTable: Sendable {
    private let patterns: [RoutePattern]
    /// The worker that takes what no route matches.
    let primary: String

    /// - Parameters:
    ///   - routes: each worker's name with its route patterns, in the order workers were given.
    ///   - primary: the worker for unmatched requests.
    /// - Throws: ``KindlingError`` `.invalidRoute` naming the first bad pattern.
    init(routes: [(worker: String, patterns: [String])], primary: String) throws(KindlingError) {
        var patterns: [RoutePattern] = []
        for (worker, texts) in routes {
            for text in texts {
                patterns.append(try RoutePattern(text, target: worker))
            }
        }
        // A stable sort keeps the declaration order among exact ties.
        self.patterns = patterns.enumerated().sorted { a, b in
            if a.element.specificity != b.element.specificity { return a.element.specificity > b.element.specificity }
            if a.element.text.count != b.element.text.count { return a.element.text.count > b.element.text.count }
            return a.offset < b.offset
        }.map(\.element)
        self.primary = primary
    }

    /// The worker whose route matches `url`, or `nil` when none does.
    func matchingWorker(_ url: String) -> String? {
        // Most instances have no routes: every request goes to the primary worker unparsed.
        guard !patterns.isEmpty, let target = RequestTarget(url: url) else { return nil }
        return patterns.first { $0.matches(target) }?.target
    }

    /// The worker a request to `url` goes to: the matching route's, else the primary worker.
    func worker(for url: String) -> String {
        matchingWorker(url) ?? primary
    }
}

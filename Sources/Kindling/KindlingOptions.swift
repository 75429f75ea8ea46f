/// Options for a ``Kindling`` instance, after Miniflare's options in Swift spelling: settings shared
/// by every worker at the top, and the workers themselves.
///
/// ```swift
/// let kindling = try await Kindling(KindlingOptions(
///     persistence: .directory(".kindling"),
///     workers: [WorkerOptions(name: "api", script: "export default { fetch() { return new Response('hi') } }")]
/// ))
/// ```
public struct KindlingOptions: Sendable {
    /// Where state lives.
    public enum Persistence: Sendable, Hashable {
        /// A temporary directory, deleted by ``Kindling/dispose()``.
        case temporary
        /// A directory holding `kindling.sqlite`, created when missing; several instances and
        /// processes may share it.
        case directory(String)
    }

    /// The address the HTTP server binds; `kindling dev` defaults to 127.0.0.1.
    public var host: String
    /// The HTTP server's port: `nil` starts no server (``Kindling/dispatchFetch(_:method:headers:body:)``
    /// still works), `0` picks a free port.
    public var port: Int?
    /// Where every kind of state lives unless a per-kind option says otherwise.
    public var persistence: Persistence
    /// Where KV namespaces live, overriding ``persistence`` (Miniflare's `kvPersist`).
    public var kvPersist: Persistence?
    /// The workers; the first is the primary worker, which gets requests no route matches.
    public var workers: [WorkerOptions]
    /// Whether the workers' ``WorkerOptions/crons`` fire on their schedule (UTC), as under
    /// `kindling dev`. Off by default, so tests trigger `scheduled` handlers only when they ask.
    public var runsCronTriggers: Bool
    /// How long a KV write made outside any request (in `waitUntil` work, a timer) waits at most
    /// before it is committed; a request's writes are committed before its response leaves anyway.
    /// Tests lengthen it to show which commit a write rode on.
    var writeCommitDelay: Duration = .milliseconds(5)

    public init(
        host: String = "127.0.0.1",
        port: Int? = nil,
        persistence: Persistence = .temporary,
        kvPersist: Persistence? = nil,
        workers: [WorkerOptions],
        runsCronTriggers: Bool = false
    ) {
        self.host = host
        self.port = port
        self.persistence = persistence
        self.kvPersist = kvPersist
        self.workers = workers
        self.runsCronTriggers = runsCronTriggers
    }
}

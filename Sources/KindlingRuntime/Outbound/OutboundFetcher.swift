/// Sends the requests a worker's global `fetch()` makes to the outside world.
///
/// The runtime does everything that is JavaScript's business in JavaScript (`Prelude/1c-fetch.js`): it builds the
/// `Request`, refuses schemes other than `http:` and `https:`, follows redirects, applies the `AbortSignal` and
/// makes the `Response`. An outbound fetcher sends one exchange and answers; the runtime itself has no HTTP client
/// (Kindling's is in `KindlingFetch`). Give it to an isolate with ``IsolateConfiguration/outbound``.
///
/// ```swift
/// struct Teapot: OutboundFetcher {
///     func send(_ request: WorkerRequest, completion: @escaping @Sendable (Result<WorkerResponse, any Error>) -> Void)
///         -> @Sendable () -> Void
///     {
///         completion(.success(WorkerResponse(status: 418, body: .bytes(Array("short and stout".utf8)))))
///         return {}
///     }
/// }
/// ```
public protocol OutboundFetcher: Sendable {
    /// Sends `request` once, without following redirects, and reports the response or the failure.
    ///
    /// - Parameters:
    ///   - request: the method, absolute `http:`/`https:` URL (no fragment), header lines and body as the worker set them.
    ///   - completion: called exactly once, on any thread, with the response (a redirect status as it came) or the
    ///     error. A ``ScriptError`` rejects the worker's `fetch()` with that JS error (network failures are
    ///     `TypeError`s on the platform); any other error becomes an `Error` with its description.
    /// - Returns: a function that cancels the exchange, called when the worker aborts the `fetch()`; the runtime
    ///   has rejected the promise already, so completion's later result is ignored. It may run on any thread,
    ///   after completion, and more than once.
    func send(_ request: WorkerRequest, completion: @escaping @Sendable (Result<WorkerResponse, any Error>) -> Void)
        -> @Sendable () -> Void
}

/// Where an ``HTTPServer`` listens, which limits it applies and how it shuts down.
///
/// ```swift
/// var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
/// configuration.maxRequestBodyBytes = 10 << 20
/// let server = HTTPServer(configuration: configuration, responder: MyResponder())
/// let address = try await server.start()   // address.port is the port the kernel picked
/// ```
///
/// Limits follow Cloudflare's documented ones where Cloudflare has one (16 KiB URL, 32 KiB of request headers,
/// 100 MB body on the free plan); a request over a limit gets Cloudflare's status code (414, 431, 413) with a
/// plain-text body, and its connection is closed afterwards.
public struct HTTPServerConfiguration: Sendable {
    /// The host to bind, `127.0.0.1` by default.
    public var host: String
    /// The port to bind; `0` lets the kernel pick a free one (read it from ``HTTPServer/start()``).
    public var port: Int

    /// The longest request target (path and query) accepted; longer ones get `414 URI Too Long`.
    public var maxURIBytes: Int = 16 * 1024
    /// The most bytes of header names and values accepted; more get `431 Request Header Fields Too Large`.
    public var maxHeaderBytes: Int = 32 * 1024
    /// The largest request body accepted, announced or streamed; more gets `413 Payload Too Large`.
    public var maxRequestBodyBytes: Int = 100 * 1000 * 1000
    /// How many unread request-body bytes the server discards after a response to keep the connection;
    /// if more remain, it closes the connection instead.
    public var maxDrainBytes: Int = 256 * 1024

    /// How long a keep-alive connection may sit between requests before the server closes it; `nil` keeps it
    /// open until the client closes it. A request in progress is never cut by this.
    public var idleTimeout: Duration? = .seconds(60)

    /// How long ``HTTPServer/shutdown()`` lets in-flight requests finish before it closes their connections.
    public var shutdownGracePeriod: Duration = .seconds(10)

    /// The `Server` header added to responses that have none; `nil` (the default) adds none, as workerd does.
    ///
    /// Every response that has no `Date` header gets one (RFC 9110 §6.6.1), formatted once per second.
    public var serverName: String?

    /// Whether responders run on the connection's event-loop thread (a task-executor preference).
    ///
    /// `true` (the default) avoids a thread hop per request. Code that blocks must not run there: a responder
    /// should hand blocking or long work to an actor of its own (a worker isolate, a database executor), which
    /// it does anyway. Set `false` to run responders on Swift's global concurrent executor; that also turns off
    /// the callback path of an ``HTTPCallbackResponder``, which runs on the event loop.
    public var respondsOnEventLoop: Bool = true

    /// The listen backlog.
    public var backlog: Int32 = 256

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: The host to bind.
    ///   - port: The port to bind, `0` for any free port.
    public init(host: String = "127.0.0.1", port: Int = 8787) {
        self.host = host
        self.port = port
    }
}

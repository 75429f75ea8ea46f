public import HTTPTypes

/// Answers HTTP requests for an ``HTTPServer``: the dispatcher implements it, tests implement tiny ones.
///
/// The server calls ``respond(to:body:context:writer:)`` once per request, in order per connection (a pipelined
/// request waits until the previous response has ended). The request head arrives at once; the body streams
/// through `body` with back-pressure, so nothing is buffered unless the responder collects it. The responder
/// answers through `writer`, either with a complete response in one call (the fast path, no extra hops) or with a
/// head and a streamed body.
///
/// ```swift
/// struct Hello: HTTPResponder {
///     func respond(
///         to request: HTTPRequest, body: HTTPRequestBody, context: HTTPRequestContext, writer: HTTPResponseWriter
///     ) async throws {
///         try await writer.write(HTTPResponse(status: .ok), body: "Hello, world!")
///     }
/// }
/// ```
///
/// Rules the server enforces:
/// - A responder that throws before writing a head gets a `500` with a plain-text body naming the error, and the
///   connection stays usable. One that throws after the head has been written gets its connection closed, since
///   the client cannot be told otherwise.
/// - A responder that returns without writing gets a `500`. One that returns with a streamed body still open has
///   it ended for it.
/// - The body and the writer are valid only until `respond` returns.
/// - Unless ``HTTPServerConfiguration/respondsOnEventLoop`` is `false`, `respond` starts on the connection's
///   event-loop thread: never block in it; hop to an actor of your own for blocking or CPU-heavy work.
public protocol HTTPResponder: Sendable {
    /// Answers one request.
    /// - Parameters:
    ///   - request: The request head. `authority` holds the `Host` header (not repeated in `headerFields`).
    ///   - body: The request body, streamed as byte chunks; read it while `respond` runs, or leave it.
    ///   - context: The connection's addresses and the instant the head was received.
    ///   - writer: Where the response goes: ``HTTPResponseWriter/write(_:body:)`` or
    ///     ``HTTPResponseWriter/writeHead(_:)``.
    /// - Throws: Anything; see the type's discussion for what the client then sees.
    func respond(
        to request: HTTPRequest,
        body: HTTPRequestBody,
        context: HTTPRequestContext,
        writer: HTTPResponseWriter
    ) async throws

    /// Called once per request after the response has ended (or failed): the hook for per-request logging.
    ///
    /// It runs on the connection's task before the next request on that connection is read, so keep it short
    /// (format a line and hand it to a logger). The default implementation does nothing.
    /// - Parameter exchange: The request, the status sent, timings and byte counts.
    func exchangeDidFinish(_ exchange: HTTPExchange)
}

extension HTTPResponder {
    /// Does nothing.
    public func exchangeDidFinish(_ exchange: HTTPExchange) {}
}

/// An ``HTTPResponder`` made from a closure, for tests and small tools.
public struct HTTPResponderFunction: HTTPResponder {
    private let body:
        @Sendable (HTTPRequest, HTTPRequestBody, HTTPRequestContext, HTTPResponseWriter) async throws -> Void

    /// Wraps a closure.
    /// - Parameter respond: Called for every request, with the arguments of
    ///   ``HTTPResponder/respond(to:body:context:writer:)``.
    public init(
        _ respond: @escaping @Sendable (HTTPRequest, HTTPRequestBody, HTTPRequestContext, HTTPResponseWriter)
            async throws -> Void
    ) {
        self.body = respond
    }

    /// Calls the closure.
    public func respond(
        to request: HTTPRequest,
        body: HTTPRequestBody,
        context: HTTPRequestContext,
        writer: HTTPResponseWriter
    ) async throws {
        try await self.body(request, body, context, writer)
    }
}

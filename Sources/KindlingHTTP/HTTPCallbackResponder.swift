public import HTTPTypes
public import NIOCore
import NIOHTTP1

/// A responder that can also answer a request without a body through a callback, with no task in between.
///
/// For a request with no body (no `Content-Length`, `Transfer-Encoding` or `Expect`) that arrives while its
/// connection is idle, the server calls ``respond(to:context:reply:)`` on the connection's event loop, right from
/// the socket read. The responder starts its work and answers through `reply` — at once or later, from any thread.
/// This skips resuming the connection's task twice a request (once for the head, once for the answer), which
/// costs about as much as a small response's whole HTTP handling. Every other request, and any request this
/// method declines, goes to ``HTTPResponder/respond(to:body:context:writer:)`` as usual.
///
/// ```swift
/// struct Hello: HTTPCallbackResponder {
///     func respond(to request: HTTPRequest, context: HTTPRequestContext, reply: HTTPReply) -> Bool {
///         reply.send(HTTPResponse(status: .ok), body: ByteBuffer(string: "Hello, world!"))
///         return true
///     }
///     func respond(to request: HTTPRequest, body: HTTPRequestBody, context: HTTPRequestContext,
///                  writer: HTTPResponseWriter) async throws {
///         try await writer.write(HTTPResponse(status: .ok), body: "Hello, world!")
///     }
/// }
/// ```
///
/// Used only while ``HTTPServerConfiguration/respondsOnEventLoop`` is `true`: the call runs on the event loop,
/// so it must not block; start the work elsewhere and reply when it is done.
public protocol HTTPCallbackResponder: HTTPResponder {
    /// Takes a request without a body, or declines it.
    /// - Parameters:
    ///   - request: The request head, as ``HTTPResponder/respond(to:body:context:writer:)`` would get it.
    ///   - context: The connection's addresses and the instant the head was received.
    ///   - reply: Where the answer goes, exactly once: ``HTTPReply/send(status:headerLines:body:)`` for a whole
    ///     response, or ``HTTPReply/continueAsync(_:)`` to answer from an async function after all (a streamed
    ///     body, an answer that needs to await).
    /// - Returns: `false` to decline without touching `reply`: the request then goes to the async method.
    func respond(to request: HTTPRequest, context: HTTPRequestContext, reply: HTTPReply) -> Bool
}

/// The answer to a request taken by ``HTTPCallbackResponder/respond(to:context:reply:)``; callable from any
/// thread, once. A second answer is ignored; one that finds the connection gone reaches
/// ``HTTPResponder/exchangeDidFinish(_:)`` with the write's error, like any other failed exchange.
///
/// A class, not a struct: it travels through several closures on its way to the worker and back, and a struct
/// of this many references costs a retain and a release of each at every copy.
public final class HTTPReply: Sendable {
    let connection: HTTPConnection
    let generation: UInt64
    /// The request being answered.
    public let request: HTTPRequest
    let head: HTTPRequestHead
    let context: HTTPRequestContext
    let responder: any HTTPCallbackResponder

    init(
        connection: HTTPConnection, generation: UInt64, request: HTTPRequest, head: HTTPRequestHead,
        context: HTTPRequestContext, responder: any HTTPCallbackResponder
    ) {
        self.connection = connection
        self.generation = generation
        self.request = request
        self.head = head
        self.context = context
        self.responder = responder
    }

    /// The connection's allocator, for building body buffers without copies.
    public var allocator: ByteBufferAllocator { self.connection.allocator }

    /// Sends a complete response given as a status and plain header lines (see
    /// ``HTTPResponseWriter/write(status:headerLines:body:)`` for how the lines are checked).
    /// - Parameters:
    ///   - status: The status code and reason phrase.
    ///   - headerLines: The header fields, in order, names in any case.
    ///   - body: The whole body; its length becomes `Content-Length`.
    public func send(status: HTTPResponse.Status, headerLines: [(name: String, value: String)], body: ByteBuffer) {
        self.connection.sendReply(.lines(status: status, lines: headerLines), body: body, for: self)
    }

    /// Sends a complete response given as a status, plain header lines and the body's bytes, which are copied into
    /// a buffer the connection reuses from one reply to the next: for a small body, no allocation at all.
    /// - Parameters:
    ///   - status: The status code and reason phrase.
    ///   - headerLines: The header fields, in order, names in any case.
    ///   - body: The whole body; its length becomes `Content-Length`.
    public func send(status: HTTPResponse.Status, headerLines: [(name: String, value: String)], body: [UInt8]) {
        self.connection.sendReply(.lines(status: status, lines: headerLines), bodyBytes: body, for: self)
    }

    /// Sends a complete response.
    /// - Parameters:
    ///   - response: The status and header fields.
    ///   - body: The whole body; its length becomes `Content-Length`.
    public func send(_ response: HTTPResponse, body: ByteBuffer = ByteBuffer()) {
        self.connection.sendReply(.response(response), body: body, for: self)
    }

    /// Answers from an async function after all: the connection's task runs `respond` with a writer, as if
    /// ``HTTPResponder/respond(to:body:context:writer:)`` had been called, under the same rules (a throw before a
    /// head is written answers `500`).
    /// - Parameter respond: Writes the response.
    public func continueAsync(_ respond: @escaping @Sendable (HTTPResponseWriter) async throws -> Void) {
        self.connection.handBack(respond, for: self)
    }
}

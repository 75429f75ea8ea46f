public import HTTPTypes
public import NIOCore

/// Where a responder writes its one response: whole, or as a head followed by a streamed body.
///
/// ```swift
/// // All at once: Content-Length is set from the body.
/// try await writer.write(HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain"]), body: "hi")
///
/// // Streamed: chunked unless the head carries a Content-Length.
/// let stream = try await writer.writeHead(HTTPResponse(status: .ok))
/// for piece in pieces { try await stream.write(piece) }   // waits while the client is slow
/// try await stream.finish()
/// ```
///
/// The server adds `Date` (and `Server`, if configured), and owns the framing headers: `Transfer-Encoding` and
/// `Connection` from the responder are replaced. A response to `HEAD` keeps its `Content-Length` and drops its
/// body bytes. A writer is valid only until `respond` returns.
public struct HTTPResponseWriter: Sendable {
    private let connection: HTTPConnection
    private let generation: UInt64

    init(connection: HTTPConnection, generation: UInt64) {
        self.connection = connection
        self.generation = generation
    }

    /// The connection's allocator, for building body buffers without copies.
    public var allocator: ByteBufferAllocator { self.connection.allocator }

    /// Writes a complete response in one go (head, body and end in a single write).
    /// - Parameters:
    ///   - response: The status and header fields.
    ///   - body: The whole body; its length becomes `Content-Length`.
    /// - Throws: ``HTTPServerError`` `.responseAlreadyStarted` on a second response, `.responseFinished` after
    ///   `respond` returned, or NIO's error if the connection is gone.
    public func write(_ response: HTTPResponse, body: ByteBuffer = ByteBuffer()) async throws {
        try await self.connection.writeComplete(.response(response), body: body, generation: self.generation)
    }

    /// Writes a complete response given as a status and plain header lines, in one go.
    ///
    /// For responders whose headers already exist as name/value strings (Kindling's come from a worker's
    /// `Headers`): it skips building `HTTPFields` only for the server to take them apart again, which is measurable
    /// at tens of thousands of requests a second. The lines get the same treatment as fields: a name that is not an
    /// HTTP token is left out, invalid bytes in a value become spaces, and the framing headers are the server's.
    /// - Parameters:
    ///   - status: The status code and reason phrase.
    ///   - headerLines: The header fields, in order, names in any case.
    ///   - body: The whole body; its length becomes `Content-Length`.
    /// - Throws: As ``write(_:body:)-(_,ByteBuffer)``.
    public func write(
        status: HTTPResponse.Status, headerLines: [(name: String, value: String)], body: ByteBuffer
    ) async throws {
        try await self.connection.writeComplete(
            .lines(status: status, lines: headerLines), body: body, generation: self.generation)
    }

    /// Writes a complete response whose body is UTF-8 text.
    /// - Parameters:
    ///   - response: The status and header fields.
    ///   - body: The text of the body.
    /// - Throws: As ``write(_:body:)-(_,ByteBuffer)``.
    public func write(_ response: HTTPResponse, body: String) async throws {
        try await self.write(response, body: self.connection.allocator.buffer(string: body))
    }

    /// Writes the response head and returns a writer for its body.
    ///
    /// The body is framed by `Content-Length` if `response` has one, otherwise chunked (or, for an HTTP/1.0
    /// client, ended by closing the connection).
    /// - Parameter response: The status and header fields.
    /// - Returns: The body writer; call ``HTTPResponseBodyWriter/finish(trailers:)`` when done (the server ends an
    ///   unfinished body when `respond` returns).
    /// - Throws: As ``write(_:body:)-(_,ByteBuffer)``.
    public func writeHead(_ response: HTTPResponse) async throws -> HTTPResponseBodyWriter {
        try await self.connection.writeHead(response, generation: self.generation)
        return HTTPResponseBodyWriter(connection: self.connection, generation: self.generation)
    }
}

/// Writes the body of a response whose head has been sent.
public struct HTTPResponseBodyWriter: Sendable {
    private let connection: HTTPConnection
    private let generation: UInt64

    init(connection: HTTPConnection, generation: UInt64) {
        self.connection = connection
        self.generation = generation
    }

    /// The connection's allocator, for building body buffers without copies.
    public var allocator: ByteBufferAllocator { self.connection.allocator }

    /// Sends one chunk, waiting while the socket is not writable (back-pressure from a slow client).
    /// - Parameter chunk: The bytes; an empty buffer is ignored.
    /// - Throws: ``HTTPServerError`` `.bodyLengthMismatch` past the announced `Content-Length`,
    ///   `.responseFinished` after ``finish(trailers:)``, or NIO's error if the connection is gone.
    public func write(_ chunk: ByteBuffer) async throws {
        try await self.connection.writeBodyChunk(chunk, generation: self.generation)
    }

    /// Sends one chunk of UTF-8 text.
    /// - Parameter text: The text.
    /// - Throws: As ``write(_:)-(ByteBuffer)``.
    public func write(_ text: String) async throws {
        try await self.write(self.connection.allocator.buffer(string: text))
    }

    /// Ends the body.
    /// - Parameter trailers: Trailer fields, sent only with chunked framing.
    /// - Throws: ``HTTPServerError`` `.responseFinished` if the body already ended, or NIO's error.
    public func finish(trailers: HTTPFields? = nil) async throws {
        try await self.connection.finishBody(trailers: trailers, generation: self.generation)
    }
}

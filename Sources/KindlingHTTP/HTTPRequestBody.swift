public import NIOCore

/// A request body, streamed as byte chunks with back-pressure.
///
/// Chunks arrive as the client sends them: the connection stops reading from the socket while the responder has
/// not asked for the next chunk, so a slow consumer slows the client down instead of filling memory. A chunked
/// upload and one with `Content-Length` look the same here. If the client sent `Expect: 100-continue`, the
/// `100 Continue` goes out when the body is first read, so a responder that answers without reading (say, 401)
/// spares the client the upload.
///
/// The body is a single pass over the connection: a second iterator continues where the first stopped. Read it
/// only while ``HTTPResponder/respond(to:body:context:writer:)`` runs, from one task at a time.
///
/// ```swift
/// var total = 0
/// for try await chunk in body { total += chunk.readableBytes }
/// ```
public struct HTTPRequestBody: AsyncSequence, Sendable {
    /// A chunk of the body as it arrived.
    public typealias Element = ByteBuffer
    /// Iteration throws ``HTTPServerError``.
    public typealias Failure = any Error

    private let connection: HTTPConnection?
    private let generation: UInt64

    /// The `Content-Length` the client announced, if any (`nil` for a chunked upload).
    public let expectedLength: Int?

    init(connection: HTTPConnection, generation: UInt64, expectedLength: Int?) {
        self.connection = connection
        self.generation = generation
        self.expectedLength = expectedLength
    }

    /// An empty body, for calling a responder directly in tests.
    public static var empty: HTTPRequestBody { HTTPRequestBody() }

    private init() {
        self.connection = nil
        self.generation = 0
        self.expectedLength = 0
    }

    /// Reads chunks from the connection.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let connection: HTTPConnection?
        fileprivate let generation: UInt64

        /// The next chunk, or `nil` at the end of the body.
        /// - Throws: ``HTTPServerError`` `.requestBodyTooLarge` past the configured limit,
        ///   `.requestBodyIncomplete` if the client went away, `.bodyAlreadyConsumed` after `respond` returned.
        public mutating func next() async throws -> ByteBuffer? {
            guard let connection = self.connection else { return nil }
            return try await connection.nextBodyChunk(generation: self.generation)
        }
    }

    /// An iterator that continues where any earlier one stopped.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(connection: self.connection, generation: self.generation)
    }

    /// Reads the whole body into one buffer.
    /// - Parameter limit: The most bytes to accept.
    /// - Returns: The body's bytes.
    /// - Throws: ``HTTPServerError`` `.requestBodyTooLarge` if the body is longer than `limit`, or any error
    ///   of iteration.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var result = ByteBuffer()
        for try await var chunk in self {
            guard result.readableBytes + chunk.readableBytes <= limit else {
                throw HTTPServerError.requestBodyTooLarge(limit: limit)
            }
            if result.readableBytes == 0 && result.capacity == 0 {
                result = chunk
            } else {
                result.writeBuffer(&chunk)
            }
        }
        return result
    }
}

public import HTTPTypes
public import NIOCore

/// What the connection knows about a request besides its head: addresses and arrival time.
public struct HTTPRequestContext: Sendable {
    /// The client's address, if the socket still had one when the connection was accepted.
    public var remoteAddress: SocketAddress?
    /// The server's address on this connection.
    public var localAddress: SocketAddress?
    /// When the request head was received.
    public var receivedAt: ContinuousClock.Instant
    /// The allocator of the connection, for building body chunks without copies.
    public var allocator: ByteBufferAllocator

    /// Creates a context (the server makes these; tests of a responder may too).
    public init(
        remoteAddress: SocketAddress? = nil,
        localAddress: SocketAddress? = nil,
        receivedAt: ContinuousClock.Instant = .now,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) {
        self.remoteAddress = remoteAddress
        self.localAddress = localAddress
        self.receivedAt = receivedAt
        self.allocator = allocator
    }
}

/// One finished request/response pair, handed to ``HTTPResponder/exchangeDidFinish(_:)`` for logging.
///
/// A dispatcher prints `GET /path 200 OK (1.2 ms)` from `request.method`, `request.path`, `status` and `duration`.
public struct HTTPExchange: Sendable {
    /// The request head as the responder saw it.
    public var request: HTTPRequest
    /// The status sent, or `nil` if no response head could be sent (the connection failed first).
    public var status: HTTPResponse.Status?
    /// When the request head was received.
    public var receivedAt: ContinuousClock.Instant
    /// From the head's arrival to the response's end being handed to the socket.
    public var duration: Duration
    /// Request-body bytes the responder read.
    public var requestBodyBytes: Int
    /// Response-body bytes written (for `HEAD`, the bytes the responder offered, which were not sent).
    public var responseBodyBytes: Int
    /// The error the responder threw or the write failed with, if any.
    public var error: (any Error)?
    /// The client's address.
    public var remoteAddress: SocketAddress?
}

extension HTTPExchange {
    /// The exchange of `request`, ending now: timed from the context's arrival instant.
    init(
        finishing request: HTTPRequest, context: HTTPRequestContext, status: HTTPResponse.Status?,
        requestBodyBytes: Int, responseBodyBytes: Int, error: (any Error)?
    ) {
        self.init(
            request: request,
            status: status,
            receivedAt: context.receivedAt,
            duration: .now - context.receivedAt,
            requestBodyBytes: requestBodyBytes,
            responseBodyBytes: responseBodyBytes,
            error: error,
            remoteAddress: context.remoteAddress
        )
    }
}

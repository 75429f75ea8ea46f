/// An HTTP request delivered to a worker's `fetch` handler, as plain data that can cross threads.
public struct WorkerRequest: Sendable, Equatable {
    /// One header line; several lines may share a name.
    public struct Header: Sendable, Equatable {
        /// The header name as given (JS sees it lower-cased).
        public var name: String
        /// The header value.
        public var value: String

        /// Creates a header line.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The method, upper case (`GET`, `POST`, …).
    public var method: String
    /// The absolute URL (`http://localhost:8787/path?query`).
    public var url: String
    /// The header lines, in order.
    public var headers: [Header]
    /// The body: bytes or a stream; nil for no body.
    public var body: MessageBody?

    /// Creates a request.
    public init(method: String = "GET", url: String, headers: [Header] = [], body: MessageBody? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

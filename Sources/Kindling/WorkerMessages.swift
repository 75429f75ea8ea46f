public import HTTPTypes

/// A request as Swift code sees it: what ``Kindling/dispatchFetch(_:method:headers:body:)`` sends
/// and what a ``ServiceBinding/handler(_:)`` closure receives.
public struct WorkerRequest: Sendable {
    /// The absolute URL.
    public var url: String
    /// The method, uppercased (`GET`, `POST`, …).
    public var method: String
    public var headers: HTTPFields
    public var body: WorkerBody

    public init(url: String, method: String = "GET", headers: HTTPFields = [:], body: WorkerBody = .empty) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// A response as Swift code sees it.
public struct WorkerResponse: Sendable {
    public var status: Int
    public var statusText: String
    public var headers: HTTPFields
    public var body: WorkerBody

    public init(status: Int = 200, statusText: String = "", headers: HTTPFields = [:], body: WorkerBody = .empty) {
        self.status = status
        self.statusText = statusText
        self.headers = headers
        self.body = body
    }

    /// A text response (`text/plain;charset=UTF-8`, as `new Response("…")` gives).
    public init(_ text: String, status: Int = 200) {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain;charset=UTF-8"
        self.init(status: status, headers: headers, body: .bytes(Array(text.utf8)))
    }

    /// The body as bytes, read to the end.
    public func bytes() async throws -> [UInt8] {
        try await body.collect()
    }

    /// The body as UTF-8 text (invalid sequences become U+FFFD), read to the end.
    public func text() async throws -> String {
        String(decoding: try await body.collect(), as: UTF8.self)
    }
}

/// A request or response body: nothing, bytes in hand, or a stream of chunks.
public enum WorkerBody: Sendable {
    case empty
    case bytes([UInt8])
    case stream(AsyncThrowingStream<[UInt8], any Error>)

    /// The chunks, whatever the form.
    public var stream: AsyncThrowingStream<[UInt8], any Error> {
        switch self {
        case .empty:
            return AsyncThrowingStream { $0.finish() }
        case .bytes(let bytes):
            return AsyncThrowingStream { continuation in
                continuation.yield(bytes)
                continuation.finish()
            }
        case .stream(let stream):
            return stream
        }
    }

    /// Every byte, read to the end.
    public func collect() async throws -> [UInt8] {
        switch self {
        case .empty: return []
        case .bytes(let bytes): return bytes
        case .stream(let stream):
            var bytes: [UInt8] = []
            for try await chunk in stream { bytes += chunk }
            return bytes
        }
    }
}

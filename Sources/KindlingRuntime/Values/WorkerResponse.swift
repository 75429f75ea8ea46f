/// The `Response` a worker's `fetch` handler produced, read back into plain data.
public struct WorkerResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// The status text (the reason phrase unless the worker set its own).
    public var statusText: String
    /// The header lines as the worker's `Headers` holds them: names lower case, in the order they were added, a
    /// repeated name on lines of its own (as `Set-Cookie` must be); iterating them in JS sorts and combines them.
    public var headers: [WorkerRequest.Header]
    /// The body: bytes (empty for no body), or a stream when the worker answered with one.
    public var body: MessageBody

    /// Creates a response.
    public init(status: Int, statusText: String = "", headers: [WorkerRequest.Header] = [], body: MessageBody = .empty) {
        self.status = status
        self.statusText = statusText
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8 (invalid sequences replaced); empty for a streamed body (read it with
    /// ``MessageBody/collect()``).
    public var text: String { String(decoding: body.bytes ?? [], as: UTF8.self) }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name.lowercased() == name }?.value
    }
}

import HTTPTypes
import KindlingRuntime

// Conversions between the public request/response types and the runtime's plain-data ones. Bodies are never read
// here: bytes stay bytes, and a stream stays a stream, read only as its consumer asks.

extension WorkerRequest {
    /// A runtime request as Swift code (a service binding closure) receives it.
    init(_ request: KindlingRuntime.WorkerRequest) {
        self.init(
            url: request.url,
            method: request.method,
            headers: HTTPFields(request.headers),
            body: request.body.map(WorkerBody.init) ?? .empty
        )
    }
}

extension KindlingRuntime.WorkerRequest {
    /// The runtime request for `request`.
    init(_ request: WorkerRequest) {
        self.init(
            method: request.method,
            url: request.url,
            headers: request.headers.map { Header($0.name.rawName, $0.value) },
            body: request.body.messageBody
        )
    }
}

extension WorkerResponse {
    init(_ response: KindlingRuntime.WorkerResponse) {
        self.init(
            status: response.status,
            statusText: response.statusText,
            headers: HTTPFields(response.headers),
            body: WorkerBody(response.body)
        )
    }
}

extension KindlingRuntime.WorkerResponse {
    /// The runtime response for what a Swift closure answered.
    init(_ response: WorkerResponse) {
        self.init(
            status: response.status,
            statusText: response.statusText,
            headers: response.headers.map { KindlingRuntime.WorkerRequest.Header($0.name.rawName, $0.value) },
            body: response.body.messageBody ?? .empty
        )
    }
}

extension WorkerBody {
    /// The public form of a runtime body: a stream is read chunk by chunk as the caller iterates, and cancelled
    /// (the worker's stream sees `cancel`) when the caller drops it unfinished.
    init(_ body: MessageBody) {
        switch body {
        case .bytes(let bytes): self = bytes.isEmpty ? .empty : .bytes(bytes)
        case .stream(let stream): self = .stream(AsyncThrowingStream(unfolding: { try await stream.next() }))
        }
    }

    /// The runtime form: nil for no body.
    var messageBody: MessageBody? {
        switch self {
        case .empty: nil
        case .bytes(let bytes): .bytes(bytes)
        case .stream(let stream): .stream(BodyStream(chunks: stream))
        }
    }
}

extension HTTPFields {
    /// Header lines as fields; a line whose name HTTP does not allow is dropped.
    init(_ headers: [KindlingRuntime.WorkerRequest.Header]) {
        self.init()
        for header in headers {
            if let name = HTTPField.Name(header.name) { append(HTTPField(name: name, value: header.value)) }
        }
    }
}

import HTTPTypes
import KindlingRuntime

// Conversions between the public request/response types and the runtime's plain-data ones.

extension WorkerRequest {
    /// A runtime request as Swift code (a service binding closure) receives it.
    init(_ request: KindlingRuntime.WorkerRequest) {
        self.init(
            url: request.url,
            method: request.method,
            headers: HTTPFields(request.headers),
            body: request.body.map { .bytes($0) } ?? .empty
        )
    }
}

extension KindlingRuntime.WorkerRequest {
    /// The runtime request for `request`, its body read to the end.
    init(_ request: WorkerRequest) async throws {
        let body: [UInt8]? = if case .empty = request.body { nil } else { try await request.body.collect() }
        self.init(
            method: request.method,
            url: request.url,
            headers: request.headers.map { Header($0.name.rawName, $0.value) },
            body: body
        )
    }
}

extension WorkerResponse {
    init(_ response: KindlingRuntime.WorkerResponse) {
        self.init(
            status: response.status,
            statusText: response.statusText,
            headers: HTTPFields(response.headers),
            body: response.body.isEmpty ? .empty : .bytes(response.body)
        )
    }
}

extension KindlingRuntime.WorkerResponse {
    /// The runtime response for what a Swift closure answered, its body read to the end.
    init(_ response: WorkerResponse) async throws {
        self.init(
            status: response.status,
            statusText: response.statusText,
            headers: response.headers.map { KindlingRuntime.WorkerRequest.Header($0.name.rawName, $0.value) },
            body: try await response.body.collect()
        )
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

/// How the prelude's `fetch` (`1c-fetch.js`, `internal.fetchVia`) hands a request to a host function and reads the
/// response back; shared by the global `fetch()` and service bindings (KindlingBindings' `fetcher.js`).
extension WorkerRequest {
    /// The request from the host function's arguments `(method, url, [[name, value]] or null, body?, id)`; the body
    /// is a string, bytes, or a stream handle (`internal.hostBody`).
    public init(fetchArguments arguments: [HostValue]) {
        var headers: [Header] = []
        if arguments.count > 2, case .array(let pairs) = arguments[2] {
            headers.reserveCapacity(pairs.count)
            for pair in pairs {
                if case .array(let parts) = pair, parts.count == 2, let name = parts[0].stringValue,
                    let value = parts[1].stringValue
                {
                    headers.append(Header(name, value))
                }
            }
        }
        self.init(
            method: arguments.first?.stringValue ?? "GET",
            url: arguments.count > 1 ? arguments[1].stringValue ?? "" : "",
            headers: headers,
            body: arguments.count > 3 ? Self.body(arguments[3]) : nil
        )
    }

    private static func body(_ value: HostValue) -> MessageBody? {
        switch value {
        case .string(let text): .bytes(Array(text.utf8))
        case .bytes(let bytes): .bytes(bytes)
        case .stream(let stream): .stream(stream)
        default: nil
        }
    }
}

extension WorkerResponse {
    /// The response as the prelude's `fetch` reads it: `[status, statusText, [[name, value]], false, body]`, the
    /// body bytes or a stream (a `ReadableStream` in JS); the prelude checks the headers. An array, not an object:
    /// it costs JS no property names, and Swift no dictionary.
    public var fetchAnswer: HostValue {
        .array([
            .number(Double(status)),
            .string(statusText),
            .array(headers.map { .array([.string($0.name), .string($0.value)]) }),
            .bool(false),
            body.hostValue,
        ])
    }

    /// ``fetchAnswer`` for a response another worker made, whose headers its `Headers` normalized already (names
    /// lower case, values checked): they cross as one `"\0"`-joined string the prelude adopts without checking.
    public var normalizedFetchAnswer: HostValue {
        .array([
            .number(Double(status)),
            .string(statusText),
            .string(headers.flatMap { [$0.name, $0.value] }.joined(separator: "\0")),
            .bool(true),
            body.hostValue,
        ])
    }
}

extension MessageBody {
    /// The body as a host function hands it to JS: a `Uint8Array`, or a `ReadableStream` reading the stream.
    var hostValue: HostValue {
        switch self {
        case .bytes(let bytes): .bytes(bytes)
        case .stream(let stream): .stream(stream)
        }
    }
}

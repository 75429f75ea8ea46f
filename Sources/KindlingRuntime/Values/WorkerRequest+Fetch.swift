/// How the prelude's `fetch` (`1c-fetch.js`, `internal.fetchVia`) hands a request to a host function and reads the
/// response back; shared by the global `fetch()` and service bindings (KindlingBindings' `fetcher.js`).
extension WorkerRequest {
    /// The request from the host function's arguments `(method, url, [[name, value]], body?, id)`.
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
            body: arguments.count > 3 ? arguments[3].bytesValue : nil
        )
    }
}

extension WorkerResponse {
    /// The response as the prelude's `fetch` reads it: `{ status, statusText, headers: [[name, value]], body }`.
    public var fetchAnswer: HostValue {
        .object([
            "status": .number(Double(status)),
            "statusText": .string(statusText),
            "headers": .array(headers.map { .array([.string($0.name), .string($0.value)]) }),
            "body": .bytes(body),
        ])
    }
}

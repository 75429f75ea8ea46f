public import KindlingRuntime

/// A service binding as a worker's binding: the JS half (`fetcher.js`, a `Fetcher` with
/// `fetch()`) over one async host function that hands the request to `send` — the dispatcher,
/// which routes it to another worker or a Swift closure.
public enum ServiceBindingArgument {
    static let factory = "__kindlingMakeFetcher"

    /// The JavaScript to evaluate once in an isolate before making bindings.
    public static var script: String { EmbeddedScripts.named("fetcher.js") }

    /// The value of `env.BINDING`, sending each `fetch` to `send`.
    public static func argument(
        _ send: @escaping @Sendable (WorkerRequest) async throws -> WorkerResponse
    ) -> ScriptArgument {
        let fetch = HostFunction.async { arguments in
            answer(try await send(request(from: arguments)))
        }
        return .made(by: factory, arguments: [.object(["fetch": .function(fetch)])])
    }

    /// The value of `env.BINDING` for a sender that answers through a callback (another worker's
    /// isolate, reached without a hop through the cooperative pool).
    public static func argument(
        sending send: @escaping @Sendable (WorkerRequest, @escaping @Sendable (Result<WorkerResponse, any Error>) -> Void)
            -> Void
    ) -> ScriptArgument {
        let fetch = HostFunction.promise { arguments, resolver in
            send(request(from: arguments)) { result in
                switch result {
                case .success(let response): resolver.resolve(answer(response))
                case .failure(let error): resolver.reject(error)
                }
            }
        }
        return .made(by: factory, arguments: [.object(["fetch": .function(fetch)])])
    }

    /// The response as `fetcher.js` reads it.
    static func answer(_ response: WorkerResponse) -> HostValue {
        .object([
            "status": .number(Double(response.status)),
            "statusText": .string(response.statusText),
            "headers": .array(response.headers.map { .array([.string($0.name), .string($0.value)]) }),
            "body": .bytes(response.body),
        ])
    }

    /// The request `fetcher.js` passed as `(method, url, [[name, value]], body?)`.
    static func request(from arguments: [HostValue]) -> WorkerRequest {
        var headers: [WorkerRequest.Header] = []
        if arguments.count > 2, case .array(let pairs) = arguments[2] {
            for pair in pairs {
                if case .array(let parts) = pair, parts.count == 2, let name = parts[0].stringValue,
                    let value = parts[1].stringValue
                {
                    headers.append(WorkerRequest.Header(name, value))
                }
            }
        }
        return WorkerRequest(
            method: arguments.first?.stringValue ?? "GET",
            url: arguments.count > 1 ? arguments[1].stringValue ?? "" : "",
            headers: headers,
            body: arguments.count > 3 ? arguments[3].bytesValue : nil
        )
    }
}

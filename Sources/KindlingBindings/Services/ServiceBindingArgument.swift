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
            try await send(WorkerRequest(fetchArguments: arguments)).fetchAnswer
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
            send(WorkerRequest(fetchArguments: arguments)) { result in
                switch result {
                // Another worker's response: its Headers normalized the header list already.
                case .success(let response): resolver.resolve(response.normalizedFetchAnswer)
                case .failure(let error): resolver.reject(error)
                }
            }
        }
        return .made(by: factory, arguments: [.object(["fetch": .function(fetch)])])
    }
}

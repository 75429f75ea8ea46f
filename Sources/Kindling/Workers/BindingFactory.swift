import Foundation
import KindlingBindings
import KindlingRuntime

/// Makes each worker's `env`: plain vars, KV namespaces over the store, service bindings through
/// the dispatcher. Every binding kind lives in its own folder of KindlingBindings; this type only
/// asks each kind for its JS half and its value.
struct BindingFactory: Sendable {
    let kv: KVService
    /// Sends a service binding's request on: (binding target, request) → response.
    let send: @Sendable (ServiceBinding, KindlingRuntime.WorkerRequest) async throws -> KindlingRuntime.WorkerResponse
    /// The same for a worker target, answering through a callback on the target's thread.
    let sendDirectly:
        @Sendable (
            ServiceBinding, KindlingRuntime.WorkerRequest,
            @escaping @Sendable (Result<KindlingRuntime.WorkerResponse, any Error>) -> Void
        ) -> Void

    /// Evaluates the JS halves the worker's bindings need and sets its `env`.
    func install(for options: WorkerOptions, in isolate: WorkerIsolate) async throws {
        var environment: [String: ScriptArgument] = [:]
        if options.bindings.values.contains(where: { if case .json = $0 { true } else { false } }) {
            _ = try await isolate.evaluate(VarBinding.script, sourceURL: "kindling:vars.js")
        }
        for (name, binding) in options.bindings {
            switch binding {
            case .text(let text):
                environment[name] = VarBinding.text(text)
            case .json(let json):
                do {
                    environment[name] = try VarBinding.json(json, binding: name)
                } catch let error as BindingError {
                    throw KindlingError(code: .invalidOptions, message: "Worker \"\(options.name)\": \(error.message)")
                }
            }
        }
        if !options.kvNamespaces.isEmpty {
            _ = try await isolate.evaluate(KVBinding.script, sourceURL: "kindling:kv-namespace.js")
            for (binding, namespace) in options.kvNamespaces {
                environment[binding] = KVBinding.argument(for: try kv.namespace(namespace))
            }
        }
        if !options.serviceBindings.isEmpty {
            _ = try await isolate.evaluate(ServiceBindingArgument.script, sourceURL: "kindling:fetcher.js")
            for (binding, target) in options.serviceBindings {
                if case .handler = target {
                    let send = self.send
                    environment[binding] = ServiceBindingArgument.argument { request in try await send(target, request) }
                } else {
                    let sendDirectly = self.sendDirectly
                    environment[binding] = ServiceBindingArgument.argument(sending: { request, completion in
                        sendDirectly(target, request, completion)
                    })
                }
            }
        }
        try await isolate.setEnvironment(environment)
    }
}

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

    /// Evaluates the JS halves the worker's bindings need and sets its `env`.
    func install(for options: WorkerOptions, in isolate: WorkerIsolate) async throws {
        var environment: [String: ScriptArgument] = [:]
        for (name, binding) in options.bindings {
            switch binding {
            case .text(let text):
                environment[name] = .value(.string(text))
            case .json(let json):
                environment[name] = .value(try HostValue(json: json, binding: name, worker: options.name))
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
                let send = self.send
                environment[binding] = ServiceBindingArgument.argument { request in try await send(target, request) }
            }
        }
        try await isolate.setEnvironment(environment)
    }
}

extension HostValue {
    /// A JSON var's value.
    init(json: String, binding: String, worker: String) throws {
        do {
            self = try JSONDecoder().decode(JSONHostValue.self, from: Data(json.utf8)).value
        } catch {
            throw KindlingError(
                code: .invalidOptions,
                message: "Binding \(binding) of worker \"\(worker)\" is not valid JSON: \(json)"
            )
        }
    }
}

/// Decodes any JSON document into a ``HostValue``.
private struct JSONHostValue: Decodable {
    let value: HostValue

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [HostValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONHostValue.self).value) }
            value = .array(items)
        } else if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: HostValue] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONHostValue.self, forKey: key).value }
            value = .object(members)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                value = .null
            } else if let bool = try? single.decode(Bool.self) {
                value = .bool(bool)
            } else if let number = try? single.decode(Double.self) {
                value = .number(number)
            } else {
                value = .string(try single.decode(String.self))
            }
        }
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int? = nil
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

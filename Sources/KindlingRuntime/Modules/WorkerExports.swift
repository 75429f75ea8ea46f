/// What a loaded worker exports, read once after loading.
public struct WorkerExports: Sendable, Equatable {
    /// How a worker runs: exports (`export default { fetch }`) or event listeners (`addEventListener("fetch", …)`).
    public enum Format: Sendable, Equatable {
        /// ES modules: handlers are methods of exports (`export default { fetch }`).
        case modules
        /// A plain script: handlers are `addEventListener` listeners, bindings are globals.
        case serviceWorker
    }

    /// One export.
    public struct Export: Sendable, Equatable {
        /// What kind of value the export is.
        public enum Kind: String, Sendable, Equatable {
            /// A class: instantiated with `(ctx, env)` for each call, as workerd does for entrypoint classes.
            case `class`
            /// A plain function.
            case function
            /// An object whose methods are handlers (`export default { fetch, scheduled }`).
            case object
            /// Anything else (a number, a string).
            case value
        }

        /// The export's name; `default` for the default export.
        public var name: String
        /// What kind of value the export is.
        public var kind: Kind
        /// The `cloudflare:workers` class a class export extends (`WorkerEntrypoint`, `DurableObject`,
        /// `WorkflowEntrypoint`, `RpcTarget`), or nil.
        public var baseClass: String?
        /// The methods a call can name: an object's function-valued properties, or a class's prototype methods
        /// (inherited ones too, up to the `cloudflare:workers` base).
        public var methods: [String]
    }

    /// Whether the worker is a module worker or a service worker.
    public var format: Format
    /// The exports by name; empty for a service worker.
    public var exports: [String: Export]
    /// The event types a service-worker script listens to (`fetch`, `scheduled`); empty for modules.
    public var listeners: [String]

    /// The export named `name`.
    public subscript(name: String) -> Export? { exports[name] }

    /// Whether the worker can handle `event` (`fetch`, `scheduled`) through export `name` (ignored for service
    /// workers).
    public func handles(_ event: String, export name: String = "default") -> Bool {
        switch format {
        case .serviceWorker: return listeners.contains(event)
        case .modules: return exports[name]?.methods.contains(event) ?? false
        }
    }
}

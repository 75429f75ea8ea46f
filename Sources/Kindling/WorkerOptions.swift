/// One worker of a ``Kindling`` instance: its code, its bindings and its routes.
public struct WorkerOptions: Sendable {
    /// A plain binding: `env.NAME` (or a global, for service-worker scripts).
    public enum Binding: Sendable, Hashable {
        /// A string.
        case text(String)
        /// JSON text, parsed into a value for the worker.
        case json(String)
    }

    /// The worker's name: what service bindings and routes refer to.
    public var name: String
    /// The worker's code as a string; it may import only built-ins and ``modules``.
    public var script: String?
    /// The entry file, bundled with everything it imports.
    public var scriptPath: String?
    /// Whether ``script`` is an ES module (`export default { fetch }`) rather than a
    /// service-worker script (`addEventListener("fetch", …)`). A ``scriptPath`` ending in
    /// `.mjs`, `.ts`, `.mts` or holding `export` is a module either way.
    public var modules: Bool
    /// Further files the script may import, by path relative to the script.
    public var extraModules: [WorkerModule]
    /// The compatibility date (`YYYY-MM-DD`).
    public var compatibilityDate: String?
    /// Compatibility flags.
    public var compatibilityFlags: [String]
    /// Plain bindings (wrangler.toml's `[vars]` and secrets).
    public var bindings: [String: Binding]
    /// KV namespaces: binding name → namespace name. Equal namespace names share rows, across
    /// workers and processes.
    public var kvNamespaces: [String: String]
    /// Service bindings: binding name → another worker, one of its entrypoints, or a Swift closure.
    public var serviceBindings: [String: ServiceBinding]
    /// Route patterns (`example.com/*`), matched with Cloudflare's rules.
    public var routes: [String]
    /// Cron expressions for the `scheduled` handler.
    public var crons: [String]

    public init(
        name: String,
        script: String? = nil,
        scriptPath: String? = nil,
        modules: Bool = false,
        extraModules: [WorkerModule] = [],
        compatibilityDate: String? = nil,
        compatibilityFlags: [String] = [],
        bindings: [String: Binding] = [:],
        kvNamespaces: [String: String] = [:],
        serviceBindings: [String: ServiceBinding] = [:],
        routes: [String] = [],
        crons: [String] = []
    ) {
        self.name = name
        self.script = script
        self.scriptPath = scriptPath
        self.modules = modules
        self.extraModules = extraModules
        self.compatibilityDate = compatibilityDate
        self.compatibilityFlags = compatibilityFlags
        self.bindings = bindings
        self.kvNamespaces = kvNamespaces
        self.serviceBindings = serviceBindings
        self.routes = routes
        self.crons = crons
    }
}

/// A file a script given as a string may import.
public struct WorkerModule: Sendable, Hashable {
    /// The path the script imports it by (`./util.js`, `data.json`).
    public var path: String
    /// The file's contents.
    public var contents: [UInt8]

    public init(path: String, contents: [UInt8]) {
        self.path = path
        self.contents = contents
    }

    public init(path: String, text: String) {
        self.init(path: path, contents: Array(text.utf8))
    }
}

/// Where a service binding's `fetch` goes.
public enum ServiceBinding: Sendable {
    /// Another worker of the same instance, by name (its default entrypoint).
    case worker(String)
    /// A named entrypoint (a `WorkerEntrypoint` class export) of another worker.
    case entrypoint(worker: String, entrypoint: String)
    /// A Swift closure, as Miniflare accepts a function.
    case handler(@Sendable (WorkerRequest) async throws -> WorkerResponse)
}

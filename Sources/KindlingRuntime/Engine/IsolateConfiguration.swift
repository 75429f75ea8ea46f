public import Logging

/// How to set up a ``WorkerIsolate``.
///
/// ```swift
/// let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "api", cpuTimeLimit: .seconds(1)))
/// ```
public struct IsolateConfiguration: Sendable {
    /// The worker's name; tags its log lines (`worker.name`) and names its thread.
    public var name: String
    /// CPU time one entry into JavaScript (an evaluation, an event, a timer — each with the promise reactions it
    /// queued) may use before it is stopped with ``ScriptError/cpuLimitMessage``; nil for no limit.
    ///
    /// JavaScriptCore stops the whole thread, not one request, and cannot say which request was running (the loop
    /// may sit in a promise reaction), so every call in flight in the isolate fails with that error. The isolate
    /// itself stays usable.
    public var cpuTimeLimit: Duration?
    /// Where `console.*` output, uncaught errors and unhandled rejections go.
    public var logger: Logger
    /// Whether the Web API globals (`URL`, `Request`, `TextEncoder`, …) are set up on first use instead of when
    /// the isolate is made; on by default, since they are most of the cost of a new isolate. The first isolate of a
    /// process always sets them up at once (it learns their names).
    public var defersWebAPIs: Bool = true
    /// The bindings passed to handlers as `env` (globals for a service-worker script) and exported as `env` from
    /// `cloudflare:workers`; ``WorkerIsolate/setEnvironment(_:)`` replaces them.
    public var environment: [String: ScriptArgument]
    /// Where the global `fetch()` sends requests; nil (the default) makes every `fetch()` to a URL reject with a
    /// `TypeError` saying the isolate has no network. Kindling gives each worker its HTTP client (`KindlingFetch`).
    public var outbound: (any OutboundFetcher)?

    /// Creates a configuration.
    /// - Parameters:
    ///   - name: the worker's name.
    ///   - cpuTimeLimit: CPU time per entry into JavaScript; 30 seconds (the platform's default) unless given.
    ///   - logger: the logger for console output; one labelled `kindling.console` unless given.
    ///   - environment: the bindings for `env`.
    ///   - outbound: where the global `fetch()` sends requests; none unless given.
    public init(
        name: String, cpuTimeLimit: Duration? = .seconds(30), logger: Logger = Logger(label: "kindling.console"),
        environment: [String: ScriptArgument] = [:], outbound: (any OutboundFetcher)? = nil
    ) {
        self.name = name
        self.cpuTimeLimit = cpuTimeLimit
        self.logger = logger
        self.environment = environment
        self.outbound = outbound
    }
}

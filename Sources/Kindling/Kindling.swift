public import HTTPTypes
public import KindlingBindings
import KindlingFetch
import KindlingHTTP
import NIOCore
import KindlingRuntime
import KindlingStorage
public import Logging
import Synchronization

/// A running set of workers: their isolates, their bindings over one SQLite store, and the
/// dispatcher between them — Miniflare's `Miniflare` class in Swift.
///
/// ```swift
/// let kindling = try await Kindling(KindlingOptions(workers: [
///     WorkerOptions(name: "hello", script: "export default { fetch: () => new Response('hi') }"),
/// ]))
/// let response = try await kindling.dispatchFetch("http://localhost/")
/// print(try await response.text())   // "hi"
/// await kindling.dispose()
/// ```
public final class Kindling: Sendable {
    private let dispatcher: Dispatcher
    private let persistences: [KindlingStorage.Persistence]
    private let kv: KVService
    private let server: HTTPServer?
    private let scheduler: CronScheduler?
    /// Every worker's global `fetch()`: one HTTP client (and connection pool) per instance, closed by dispose().
    private let network: NetworkFetcher
    private let disposed = Mutex(false)
    /// Where the HTTP server listens (`http://127.0.0.1:8787`), or `nil` when ``KindlingOptions/port``
    /// was `nil`. With port 0, this names the port the system picked.
    public let url: String?

    /// Bundles every worker, opens the store, starts each worker's isolate and loads its code.
    ///
    /// Nothing is written to the store unless every worker bundles: a syntax error stops start-up
    /// first. With a ``KindlingOptions/port``, the HTTP server is listening when this returns.
    /// - Throws: ``KindlingError``: `.invalidOptions` or `.invalidRoute` for options that cannot
    ///   work, `.workerFailed` for a script that does not bundle or load (with its message, file
    ///   and line); a `StorageError` when the persistence directory cannot be used; an
    ///   `HTTPServerError` when the port is taken.
    public init(_ options: KindlingOptions, logger: Logger = Logger(label: "kindling")) async throws {
        let routes = try options.validated()
        let code = try await Self.bundleAll(options.workers)
        let persistence = try Self.open(options.persistence, commitDelay: options.writeCommitDelay)
        var persistences = [persistence]
        let kvPersistence: KindlingStorage.Persistence
        if let kvPersist = options.kvPersist, kvPersist != options.persistence {
            do {
                kvPersistence = try Self.open(kvPersist, commitDelay: options.writeCommitDelay)
            } catch {
                persistence.shutdown()
                throw error
            }
            persistences.append(kvPersistence)
        } else {
            kvPersistence = persistence
        }
        let kv = KVService(persistence: kvPersistence)
        // The output gate: KV writes are acknowledged at once and committed together before the
        // response of the request that made them leaves (or shortly after, for waitUntil work).
        let writes = kvPersistence.database
        writes.onCommitError { error in logger.error("KV writes could not be committed: \(error)") }
        let dispatcher = Dispatcher(routes: routes, commitWrites: { try writes.commitPendingWrites() })
        // The dispatcher holds the workers whose bindings hold this closure; dispose() breaks the
        // cycle by removing the workers.
        let bindings = BindingFactory(
            kv: kv,
            send: { target, request in try await dispatcher.send(target, request) },
            sendDirectly: { target, request, completion in dispatcher.send(target, request, completion: completion) }
        )
        // fetch() goes to the network even for a URL that a route of another worker matches, as in Miniflare:
        // workers reach each other through service bindings only.
        let network = NetworkFetcher()
        var started: [Worker] = []
        do {
            for (worker, code) in zip(options.workers, code) {
                let running = try await Worker.start(
                    worker, code: code, bindings: bindings, network: network, logger: logger)
                started.append(running)
                dispatcher.add(running)
            }
            try Self.checkEntrypoints(options.workers, started)
            let triggers = try options.cronTriggers()
            if options.runsCronTriggers && !triggers.isEmpty {
                self.scheduler = CronScheduler(triggers: triggers, dispatcher: dispatcher, logger: logger)
            } else {
                self.scheduler = nil
            }
            if let port = options.port {
                let responder = DispatchResponder(
                    dispatcher: dispatcher, logger: logger, requestLog: logger.handler as? any RequestLogHandler,
                    maxBufferedBodyBytes: 64 << 10)
                let server = HTTPServer(
                    configuration: HTTPServerConfiguration(host: options.host, port: port), responder: responder)
                let address = try await server.start()
                // Each worker's JavaScript runs on one of the server's event loops (spread over them): a request that
                // arrives on that loop is answered with no thread switch. Under wrk, kindling dev served ~8 % more
                // requests per second than with the isolates on threads of their own, at ~6 % less CPU a request.
                let loops = server.eventLoops
                for (index, worker) in started.enumerated() {
                    let loop = loops[index % loops.count]
                    worker.isolate.run(on: ExecutorHost { body in loop.execute(body) })
                }
                self.server = server
                self.url = "http://\(Self.urlHost(options.host)):\(address.port ?? port)"
            } else {
                self.server = nil
                self.url = nil
            }
        } catch {
            for worker in started { await worker.shutdown() }
            await network.shutdown()
            for persistence in persistences { persistence.shutdown() }
            throw error
        }
        self.dispatcher = dispatcher
        self.network = network
        // Last, once nothing can fail: the first trigger may fire within the minute.
        scheduler?.start()
        self.persistences = persistences
        self.kv = kv
    }

    /// Refuses a service binding to a named entrypoint the target worker does not export, as
    /// workerd does at start-up (rather than at the first call).
    private static func checkEntrypoints(_ options: [WorkerOptions], _ workers: [Worker]) throws(KindlingError) {
        for worker in options {
            for (binding, target) in worker.serviceBindings.sorted(by: { $0.key < $1.key }) {
                guard case .entrypoint(let name, let entrypoint) = target,
                    let exports = workers.first(where: { $0.name == name })?.exports
                else { continue }
                if exports.format == .modules && exports[entrypoint] == nil {
                    throw KindlingError(
                        code: .invalidOptions,
                        message: "Worker \"\(worker.name)\"'s binding \"\(binding)\" refers to a service \"\(name)\" "
                            + "with a named entrypoint \"\(entrypoint)\", but \"\(name)\" has no such named entrypoint."
                    )
                }
            }
        }
    }

    /// Bundles every worker at once (esbuild runs as a child process, so this overlaps well).
    private static func bundleAll(_ workers: [WorkerOptions]) async throws -> [Worker.Code] {
        try await withThrowingTaskGroup(of: (Int, Worker.Code).self) { group in
            for (index, worker) in workers.enumerated() {
                group.addTask { (index, try await Worker.bundle(worker)) }
            }
            var code = [Worker.Code?](repeating: nil, count: workers.count)
            for try await (index, bundled) in group { code[index] = bundled }
            return code.map { $0! }
        }
    }

    private static func open(_ persistence: KindlingOptions.Persistence, commitDelay: Duration) throws
        -> KindlingStorage.Persistence
    {
        switch persistence {
        case .temporary: try .temporary(commitDelay: commitDelay)
        case .directory(let path): try .open(root: path, commitDelay: commitDelay)
        }
    }

    /// Sends a request to the worker its URL routes to (the primary worker when no route matches),
    /// as an HTTP request to `kindling dev` would be.
    ///
    /// A `.stream` request body reaches the worker as a `ReadableStream` read as the worker asks
    /// for it. A worker that answers with a stream (`new Response(readable)`) gives a `.stream`
    /// body, pulled from the worker chunk by chunk as you iterate it; dropping it unfinished
    /// cancels the worker's stream.
    ///
    /// - Returns: the worker's response.
    /// - Throws: `ScriptError` when the worker throws or rejects (its message and a stack naming
    ///   the user's file and line); ``KindlingError`` `.disposed` after ``dispose()``.
    public func dispatchFetch(
        _ url: String,
        method: String = "GET",
        headers: HTTPFields = [:],
        body: WorkerBody = .empty
    ) async throws -> WorkerResponse {
        try checkOpen()
        let request = KindlingRuntime.WorkerRequest(
            WorkerRequest(url: url, method: method.uppercased(), headers: headers, body: body))
        // The caller's task waits for the answer anyway, so when the worker is idle its thread runs
        // the handler itself: no thread switch there and back (a test driving a worker sees the
        // answer in microseconds). HTTP requests never do this: an event loop must not run JavaScript.
        return WorkerResponse(try await dispatcher.fetch(routing: request, inline: true))
    }

    /// The KV namespace named `name` (created on first use), for tests to seed and inspect.
    public func getKVNamespace(_ name: String) throws -> KVNamespace {
        try checkOpen()
        return try kv.namespace(name)
    }

    /// Stops the HTTP server, waits for every worker's `ctx.waitUntil` work, stops the workers, closes
    /// their HTTP client and the store (deleting a temporary one). Safe to call twice.
    public func dispose() async {
        let first = disposed.withLock { disposed in
            defer { disposed = true }
            return !disposed
        }
        guard first else { return }
        // Stop taking requests, let `ctx.waitUntil` work finish (it may still call other workers
        // and the store), then stop the isolates.
        scheduler?.stop()
        await server?.shutdown()
        let workers = dispatcher.workersForShutdown()
        // waitUntil work and the isolates' shutdown run on their own threads again, not on the event loops.
        for worker in workers { worker.isolate.run(on: nil) }
        for worker in workers { await worker.waitUntilSettled() }
        _ = dispatcher.removeAll()
        for worker in workers { await worker.shutdown() }
        await network.shutdown()
        for persistence in persistences { persistence.shutdown() }
    }

    /// The dispatcher, for the scheduler's tests.
    var dispatcherForTesting: Dispatcher? { dispatcher }

    /// A host as a URL writes it (IPv6 literals in brackets).
    private static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    private func checkOpen() throws(KindlingError) {
        if disposed.withLock({ $0 }) {
            throw KindlingError(code: .disposed, message: "This Kindling instance was disposed.")
        }
    }
}

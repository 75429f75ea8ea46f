import HTTPTypes
import KindlingRuntime
import Synchronization

/// The thin layer between callers and workers: picks the worker for a request (routes, or a
/// service binding's target) and hands the request over. Requests from `dispatchFetch`, from
/// HTTP and from service bindings all pass through here.
///
/// It is also where the *output gate* closes: the KV writes bindings deferred are committed before
/// a request's response leaves (``fetch(routing:inline:)`` returns), so a client never sees an
/// answer whose writes a crash could still lose.
final class Dispatcher: Sendable {
    let routes: RouteTable
    private let workers = Mutex(WorkerDirectory())
    /// Commits the writes bindings deferred (cheap when there are none).
    private let commitWrites: @Sendable () throws -> Void

    init(routes: RouteTable, commitWrites: @escaping @Sendable () throws -> Void = {}) {
        self.routes = routes
        self.commitWrites = commitWrites
    }

    /// Makes `worker` reachable by name.
    func add(_ worker: Worker) {
        workers.withLock { $0.add(worker) }
    }

    /// Every worker, still reachable (waitUntil work may call them), for shutdown.
    func workersForShutdown() -> [Worker] {
        workers.withLock { Array($0.byName.values) }
    }

    /// Removes every worker, for shutdown.
    func removeAll() -> [Worker] {
        workers.withLock { workers in
            defer { workers = WorkerDirectory() }
            return Array(workers.byName.values)
        }
    }

    /// Sends a request to the worker its URL routes to, and commits the writes deferred meanwhile
    /// before answering.
    /// - Parameter inline: as ``Worker/fetch(_:entrypoint:inline:beforeAnswer:)``.
    /// - Throws: what the worker threw, or a `StorageError` when the deferred writes cannot be committed.
    func fetch(routing request: KindlingRuntime.WorkerRequest, inline: Bool = false) async throws
        -> KindlingRuntime.WorkerResponse
    {
        try await routedWorker(request).fetch(request, entrypoint: nil, inline: inline, beforeAnswer: commitWrites)
    }

    /// Sends a request like ``fetch(routing:inline:)``, answering through `completion` (see
    /// ``Worker/fetch(_:entrypoint:inline:beforeAnswer:completion:)``).
    func fetch(
        routing request: KindlingRuntime.WorkerRequest,
        completion: @escaping @Sendable (Result<KindlingRuntime.WorkerResponse, any Error>) -> Void
    ) {
        do {
            try routedWorker(request).fetch(request, entrypoint: nil, beforeAnswer: commitWrites, completion: completion)
        } catch {
            completion(.failure(error))
        }
    }

    private func routedWorker(_ request: KindlingRuntime.WorkerRequest) throws -> Worker {
        try worker(named: routes.worker(for: request.url))
    }

    /// The running worker `name`.
    /// - Throws: ``KindlingError`` `.disposed` when there is none (the instance was disposed).
    private func worker(named name: String) throws(KindlingError) -> Worker {
        guard let worker = workers.withLock({ $0.worker(named: name) }) else {
            throw KindlingError(code: .disposed, message: "Worker \"\(name)\" is not running (the instance was disposed).")
        }
        return worker
    }

    /// Sends a request to worker `name` (its `entrypoint` export, or the default one).
    func fetch(
        _ request: KindlingRuntime.WorkerRequest, worker name: String, entrypoint: String?, inline: Bool = false
    ) async throws -> KindlingRuntime.WorkerResponse {
        try await worker(named: name).fetch(request, entrypoint: entrypoint, inline: inline)
    }

    /// Runs the `scheduled` handler of the worker `url` routes to.
    func scheduled(routing url: String, cron: String, scheduledTime: Double) async throws {
        try await scheduled(worker: routes.worker(for: url), cron: cron, scheduledTime: scheduledTime)
    }

    /// Runs the `scheduled` handler of worker `name`.
    func scheduled(worker name: String, cron: String, scheduledTime: Double) async throws {
        try await worker(named: name).scheduled(cron: cron, scheduledTime: scheduledTime)
        try commitWrites()
    }

    /// Where a service binding's `fetch` goes, answering through `completion` (a worker target is
    /// called on its own thread directly; a Swift closure runs in a task).
    func send(
        _ target: ServiceBinding, _ request: KindlingRuntime.WorkerRequest,
        completion: @escaping @Sendable (Result<KindlingRuntime.WorkerResponse, any Error>) -> Void
    ) {
        let name: String
        let entrypoint: String?
        switch target {
        case .worker(let worker): (name, entrypoint) = (worker, nil)
        case .entrypoint(let worker, let export): (name, entrypoint) = (worker, export)
        case .handler:
            Task {
                do {
                    completion(.success(try await self.send(target, request)))
                } catch {
                    completion(.failure(error))
                }
            }
            return
        }
        do {
            try worker(named: name).isolate.fetch(request, export: entrypoint ?? "default", completion: completion)
        } catch {
            completion(.failure(error))
        }
    }

    /// Where a service binding's `fetch` goes.
    func send(_ target: ServiceBinding, _ request: KindlingRuntime.WorkerRequest) async throws
        -> KindlingRuntime.WorkerResponse
    {
        switch target {
        case .worker(let name):
            return try await fetch(request, worker: name, entrypoint: nil)
        case .entrypoint(let name, let entrypoint):
            return try await fetch(request, worker: name, entrypoint: entrypoint)
        case .handler(let handler):
            let response = try await handler(WorkerRequest(request))
            return KindlingRuntime.WorkerResponse(response)
        }
    }
}

/// The running workers by name, and the one found last: requests nearly always go to the same worker as the one
/// before, and comparing its name costs less than hashing it.
private struct WorkerDirectory {
    private(set) var byName: [String: Worker] = [:]
    private var lastFound: Worker?

    mutating func add(_ worker: Worker) {
        byName[worker.name] = worker
        lastFound = nil
    }

    mutating func worker(named name: String) -> Worker? {
        if let lastFound, lastFound.name == name { return lastFound }
        lastFound = byName[name]
        return lastFound
    }
}

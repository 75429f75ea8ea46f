import CJavaScriptCore
import Synchronization

/// One worker's JavaScript isolate: a JavaScriptCore context group and global context on a thread of its own.
///
/// Every call runs on the isolate's thread (the actor's executor). Calls interleave at `await` points, as requests
/// do in workerd: while one call waits for a promise, others run.
///
/// ```swift
/// let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "test"))
/// let sum = try await isolate.evaluate("1 + 2")   // "3"
/// await isolate.shutdown()
/// ```
public actor WorkerIsolate {
    let executor: IsolateExecutor
    private let handoff: ContextHandoff
    /// The isolate's context; used on the isolate's thread (this actor's executor) only.
    var context: ScriptContext { handoff.context }
    /// The context for a job of this isolate's executor that has no isolation to show for it (a closure the
    /// executor runs): the same rule as ``context``, kept by the caller.
    nonisolated var contextForExecutorJob: ScriptContext { handoff.context }
    /// The loaded worker's exports; nil until ``load(_:)-(WorkerBundle)`` succeeded.
    public internal(set) var exports: WorkerExports?
    /// The worker's name.
    public nonisolated let name: String

    /// The isolate's own thread: every job of this actor runs there.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Runs the isolate's work on `host`'s thread from now on (an HTTP server's event loop), or, for nil, on its own
    /// thread again. Requests that arrive on that event loop then reach JavaScript and answer without a thread
    /// switch; the price is that a handler busy computing holds up the loop's other connections, as in workerd.
    public nonisolated func run(on host: ExecutorHost?) {
        executor.host(host)
    }

    /// Starts the isolate's thread, creates its context and loads the Web APIs.
    /// - Throws: ``ScriptError`` if the prelude fails to load (a bug in Kindling).
    public init(configuration: IsolateConfiguration) async throws {
        let executor = IsolateExecutor(name: "kindling:\(configuration.name)")
        self.executor = executor
        self.name = configuration.name
        do {
            self.handoff = ContextHandoff(context: try await Self.makeContext(configuration, on: executor))
        } catch {
            executor.requestStop()
            throw error
        }
    }

    private static func makeContext(_ configuration: IsolateConfiguration, on executor: IsolateExecutor) async throws
        -> sending ScriptContext
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<IsolateBound<ScriptContext>, any Error>) in
            executor.execute {
                do {
                    let context = try ScriptContext(configuration: configuration, executor: executor)
                    continuation.resume(returning: IsolateBound(context, executor: executor))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }.valueForTransfer
    }

    /// Evaluates a classic script in the global scope; if the completion value is a promise, awaits it.
    /// - Parameters:
    ///   - source: the script.
    ///   - sourceURL: the file name that stack traces and syntax errors give.
    /// - Returns: `JSON.stringify` of the final value (`"undefined"` for undefined).
    /// - Throws: ``ScriptError`` for a JS exception or a rejected promise; ``RuntimeError`` after ``shutdown()``;
    ///   `CancellationError` when the calling task is cancelled while the promise is pending (the promise itself
    ///   runs on; only the wait ends — so a test whose time limit passes fails instead of hanging).
    public func evaluate(_ source: String, sourceURL: String = "eval.js") async throws -> String {
        try checkOpen()
        let value = try context.evaluate(source, url: sourceURL)
        guard context.isPromise(value) else { return try context.jsonString(value) }
        let context = self.context
        // Registered here, on the isolate's thread: the wait below may run elsewhere and must not touch JS.
        let waiter = SettlementWaiter()
        context.whenSettled(value) { outcome in
            waiter.resume(with: outcome.flatMap { value in Result { () throws(ScriptError) in try context.jsonString(value) } }.mapError { $0 })
        }
        let result = await withTaskCancellationHandler {
            await waiter.wait()
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
        return try result.get()
    }

    /// Stops the isolate: pending calls fail, timers are cancelled and the context is released. Later calls throw
    /// ``RuntimeError/Code/isolateShutDown``.
    ///
    /// The thread itself ends when the isolate is deallocated: an actor call made after shutdown must still find an
    /// executor to run on, or it would never return.
    public func shutdown() async {
        guard !context.isClosed else { return }
        context.close(failing: ScriptError(name: "Error", message: "The isolate was shut down."))
    }

    /// Releases the context on its own thread, then lets the thread end once that is done.
    ///
    /// Not an `isolated deinit`: Swift 6.3's optimizer fails on one ("circular reference") in release builds that
    /// use the isolate from another module.
    deinit {
        let handoff = self.handoff
        executor.execute {
            handoff.context.close(failing: ScriptError(name: "Error", message: "The isolate was shut down."))
        }
        executor.requestStop()
    }

    func checkOpen() throws {
        if context.isClosed {
            throw RuntimeError(code: .isolateShutDown, message: "The isolate of worker \"\(name)\" was shut down.")
        }
    }
}

extension WorkerIsolate {
    /// Runs `body` on the isolate's thread with the isolate itself: a batch of calls (a benchmark, a dispatcher
    /// draining a queue) then costs no thread hop per call.
    public func perform<T: Sendable>(_ body: @Sendable (isolated WorkerIsolate) async throws -> T) async rethrows -> T {
        try await body(self)
    }

    /// Runs a full garbage collection now, and returns when it is done (benchmarks and memory tests; JavaScriptCore
    /// collects on its own). Not `JSGarbageCollect`: that only tells the heap a collection may be due, and collects
    /// nothing before the next allocations.
    public func collectGarbage() {
        guard !context.isClosed else { return }
        JSSynchronousGarbageCollectForDebugging(context.global)
    }
}

/// Holds the isolate's context so the nonisolated `deinit` can hand it to the isolate's thread.
private struct ContextHandoff: @unchecked Sendable {
    // Safety: the context is only used on the isolate's thread: by the actor (whose executor is that thread) and by
    // the closure `deinit` enqueues on it, which runs after every actor job, when nothing else holds the isolate.
    let context: ScriptContext
}

/// One wait for a promise's outcome that either the settlement or the caller's cancellation ends, whichever comes
/// first; the other is ignored. The outcome may come before the wait begins.
private final class SettlementWaiter: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Result<String, any Error>, Never>)
        case settled(Result<String, any Error>)
        case done
    }

    private let state = Mutex(State.idle)

    func wait() async -> Result<String, any Error> {
        await withCheckedContinuation { continuation in
            let early = state.withLock { state -> Result<String, any Error>? in
                guard case .settled(let result) = state else {
                    state = .waiting(continuation)
                    return nil
                }
                state = .done
                return result
            }
            if let early { continuation.resume(returning: early) }
        }
    }

    func resume(with result: Result<String, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<Result<String, any Error>, Never>? in
            switch state {
            case .idle:
                state = .settled(result)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .settled, .done:
                return nil
            }
        }
        continuation?.resume(returning: result)
    }
}

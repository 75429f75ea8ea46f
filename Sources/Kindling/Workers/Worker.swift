import Foundation
import KindlingBindings
import KindlingRuntime
import Logging

/// One running worker: its isolate (own thread), its loaded code and its bindings.
final class Worker: Sendable {
    let name: String
    let isolate: WorkerIsolate
    let exports: WorkerExports
    /// A directory holding a string script and its extra modules, removed at shutdown.
    private let scratchDirectory: String?

    private init(name: String, isolate: WorkerIsolate, exports: WorkerExports, scratchDirectory: String?) {
        self.name = name
        self.isolate = isolate
        self.exports = exports
        self.scratchDirectory = scratchDirectory
    }

    /// A worker's code bundled, ready to load: bundling comes first, so a syntax error stops
    /// start-up before the store is opened or anything is written.
    struct Code: Sendable {
        let bundle: WorkerBundle
        /// A directory holding a string script's extra modules, removed at shutdown.
        let scratchDirectory: String?
    }

    /// Bundles the worker's script (and its imports) with esbuild.
    /// - Throws: ``KindlingError`` `.workerFailed` with esbuild's message, file and line.
    static func bundle(_ options: WorkerOptions) async throws -> Code {
        var scratchDirectory: String?
        do {
            let source: WorkerSource
            (source, scratchDirectory) = try Self.source(of: options)
            return Code(bundle: try await Bundler().bundle(source), scratchDirectory: scratchDirectory)
        } catch {
            if let scratchDirectory { try? FileManager.default.removeItem(atPath: scratchDirectory) }
            throw KindlingError.workerFailed(options.name, error)
        }
    }

    /// Starts an isolate whose `fetch()` goes to `network`, gives it the worker's bindings and loads its code.
    /// - Throws: ``KindlingError`` `.workerFailed` naming the worker when its top-level code throws
    ///   or a binding cannot be made.
    static func start(
        _ options: WorkerOptions, code: Code, bindings: BindingFactory, network: any OutboundFetcher, logger: Logger
    ) async throws -> Worker {
        do {
            let isolate = try await WorkerIsolate(
                configuration: IsolateConfiguration(name: options.name, logger: logger, outbound: network))
            do {
                try await bindings.install(for: options, in: isolate)
                let exports = try await isolate.load(code.bundle)
                return Worker(name: options.name, isolate: isolate, exports: exports, scratchDirectory: code.scratchDirectory)
            } catch {
                await isolate.shutdown()
                throw error
            }
        } catch {
            if let directory = code.scratchDirectory { try? FileManager.default.removeItem(atPath: directory) }
            throw KindlingError.workerFailed(options.name, error)
        }
    }

    /// Where the worker's code comes from. A string script with extra modules is written to a
    /// scratch directory first, so the bundler resolves its imports as files.
    private static func source(of options: WorkerOptions) throws -> (WorkerSource, String?) {
        if let path = options.scriptPath { return (.file(path), nil) }
        let script = options.script ?? ""
        let entryName = options.modules ? "\(options.name).mjs" : "\(options.name).js"
        guard !options.extraModules.isEmpty else { return (.script(script, name: entryName), nil) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-\(UUID().uuidString)")
        for module in options.extraModules {
            let url = directory.appendingPathComponent(module.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(module.contents).write(to: url)
        }
        return (.script(script, name: entryName, directory: directory.path), directory.path)
    }

    /// Delivers a request to the worker's `fetch` handler (of `entrypoint`, or the default export).
    ///
    /// The request goes to the isolate's thread as one queued job whose completion resumes the
    /// caller, not through the isolate actor's async `fetch`: that one hops onto the actor, suspends
    /// again inside it and hops back, and an HTTP request pays every hop under load.
    ///
    /// - Parameters:
    ///   - inline: Whether the calling thread may run the handler itself when the isolate is idle (a
    ///     task awaiting the answer: it saves both thread switches of the round trip).
    ///   - beforeAnswer: Runs once the response is read or the handler failed, before either is handed
    ///     back (on the thread that read it, not the caller's: an event loop never waits for it); its
    ///     throw replaces a response, not the handler's own error.
    func fetch(
        _ request: KindlingRuntime.WorkerRequest, entrypoint: String?, inline: Bool = false,
        beforeAnswer: (@Sendable () throws -> Void)? = nil
    ) async throws -> KindlingRuntime.WorkerResponse {
        // Unsafe, not checked: the completion runs exactly once (WorkerIsolate's contract), and the checked form
        // allocates a second object every request.
        try await withUnsafeThrowingContinuation { continuation in
            fetch(request, entrypoint: entrypoint, inline: inline, beforeAnswer: beforeAnswer) {
                continuation.resume(with: $0)
            }
        }
    }

    /// Delivers a request like the async form, answering through `completion` (once, on the thread that read
    /// the response): for the HTTP server's callback path, which has no task to resume.
    func fetch(
        _ request: KindlingRuntime.WorkerRequest, entrypoint: String?, inline: Bool = false,
        beforeAnswer: (@Sendable () throws -> Void)? = nil,
        completion: @escaping @Sendable (Result<KindlingRuntime.WorkerResponse, any Error>) -> Void
    ) {
        isolate.fetch(
            request, export: entrypoint ?? "default", inline: inline, beforeAnswer: beforeAnswer, completion: completion)
    }

    /// Delivers a cron trigger to the worker's `scheduled` handler.
    func scheduled(cron: String, scheduledTime: Double) async throws {
        try await isolate.scheduled(cron: cron, scheduledTime: scheduledTime)
    }

    /// Waits for the worker's pending `ctx.waitUntil` work (its failures are the worker's, logged
    /// by the runtime, not the caller's).
    func waitUntilSettled() async {
        try? await isolate.waitUntilSettled()
    }

    func shutdown() async {
        await isolate.shutdown()
        if let scratchDirectory { try? FileManager.default.removeItem(atPath: scratchDirectory) }
    }
}

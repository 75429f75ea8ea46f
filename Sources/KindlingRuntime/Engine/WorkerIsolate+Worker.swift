import CJavaScriptCore

/// Loading a worker and calling into it: the API the dispatcher builds on.
extension WorkerIsolate {
    /// Bundles `source` with esbuild (off the isolate's thread) and loads it.
    /// - Throws: ``RuntimeError`` (``RuntimeError/Code/bundleFailed``) when bundling fails; ``ScriptError`` when
    ///   the worker's top-level code throws.
    public func load(_ source: WorkerSource, bundler: Bundler = Bundler()) async throws -> WorkerExports {
        let bundle = try await bundler.bundle(source)
        return try load(bundle)
    }

    /// Evaluates a bundled worker and reads its exports. An isolate loads one worker, once.
    /// - Returns: the worker's format and exports.
    /// - Throws: ``ScriptError`` when the worker's top-level code throws (its stack mapped to the user's files);
    ///   ``RuntimeError`` when a worker was loaded already or the isolate was shut down.
    public func load(_ bundle: WorkerBundle) throws -> WorkerExports {
        try checkOpen()
        guard exports == nil else {
            throw RuntimeError(
                code: .invalidArgument,
                message: "Worker \"\(name)\" is already loaded in this isolate; create a new isolate to load another.")
        }
        let loaded = try context.load(bundle)
        exports = loaded
        return loaded
    }

    /// Replaces the worker's `env`: the second argument of module handlers, the `env` of `cloudflare:workers`, and
    /// globals for a service-worker script. Calls already running keep the `env` they were given.
    public func setEnvironment(_ environment: [String: ScriptArgument]) throws {
        try checkOpen()
        try context.setEnvironment(environment)
    }

    /// Defines a global (not enumerable), e.g. a host function a binding's JS half calls.
    public func setGlobal(_ name: String, to value: ScriptArgument) throws {
        try checkOpen()
        let jsValue = try context.jsValue(value)
        Properties.set(
            context.global, JSContextGetGlobalObject(context.global), name, jsValue,
            attributes: JSPropertyAttributes(kJSPropertyAttributeDontEnum))
    }

    /// Calls a method of an export and awaits its result.
    ///
    /// An object export's method is called with `arguments`; a class export is instantiated with `(ctx, env)`
    /// first (a new instance per call, as workerd does for entrypoint classes); a function export is called
    /// itself (`method` is ignored).
    /// - Returns: the (awaited) result, copied out as a ``HostValue``.
    /// - Throws: ``ScriptError`` when the method throws or its promise rejects; ``RuntimeError`` with
    ///   ``RuntimeError/Code/noHandler`` when there is no such export or method.
    public func call(_ method: String, export name: String = "default", arguments: [ScriptArgument] = [])
        async throws -> HostValue
    {
        try checkOpen()
        let export = try handler(method, export: name)
        let context = self.context
        let array = try context.makeArray(count: arguments.count) { index throws(ScriptError) in
            try context.jsValue(arguments[index])
        }
        let start: [JSValueRef?] = [
            context.workerExports, context.internedString(name), context.internedString(export.kind.rawValue),
            context.internedString(method), array,
        ]
        return try await settle("invoke", start) { value in context.hostValue(value) }
    }

    /// Delivers an HTTP request to the worker's `fetch` handler and reads back the `Response`.
    ///
    /// A module worker's export (`default` unless given) gets `(request, env, ctx)`; a class export gets
    /// `fetch(request)` on a new instance; a service worker gets a `FetchEvent`.
    /// - Throws: ``ScriptError`` when the handler throws, rejects or returns something other than a `Response`
    ///   (`TypeError: Incorrect type for Promise: …`, as workerd); ``RuntimeError`` with
    ///   ``RuntimeError/Code/noHandler`` when the worker has no fetch handler.
    public func fetch(_ request: WorkerRequest, export name: String = "default") async throws -> WorkerResponse {
        try checkOpen()
        let handler = try fetchHandlerStrings(export: name)
        let context = self.context
        return try await awaitAnswer({ context.registerResponse($0) }) { id throws(ScriptError) in
            try context.callFetch(
                target: context.workerExports, name: handler.name, kind: handler.kind, request: request, id: id)
        }
    }

    /// Delivers a request like ``fetch(_:export:)``, without an async caller: the work is queued on
    /// the isolate's thread and `completion` runs there once the `Response` is read.
    ///
    /// For callers on another isolate's thread (a service binding), this saves the two thread hops
    /// an async call makes through the cooperative pool; and when this isolate is idle, the caller's
    /// thread runs the handler itself (``IsolateExecutor/runInline(fromAnyThread:_:)``), so a
    /// handler that answers without waiting on I/O completes before this returns, with no thread
    /// switch at all.
    ///
    /// - Parameter inline: Whether any calling thread may run the handler itself when the isolate is
    ///   idle, not only an isolate's thread. For a Swift task that awaits the answer anyway (it saves
    ///   both thread switches of the round trip); never for an event loop, whose other connections
    ///   would wait while the handler runs. (The event loop that hosts the isolate, ``run(on:)``,
    ///   runs an idle isolate's handler itself either way: its JavaScript runs there anyway.)
    /// - Parameter beforeAnswer: Runs on the isolate's thread right before `completion`, whatever the answer; an
    ///   error it throws replaces a response (a dispatcher commits the request's deferred writes here, so no
    ///   response leaves before they are durable).
    public nonisolated func fetch(
        _ request: WorkerRequest, export name: String = "default", inline: Bool = false,
        beforeAnswer: (@Sendable () throws -> Void)? = nil,
        completion: @escaping @Sendable (Result<WorkerResponse, any Error>) -> Void
    ) {
        // Run at once when the isolate is idle, with no closure on the heap; otherwise queued.
        if executor.runInline(fromAnyThread: inline, {
            fetchNow(request, export: name, beforeAnswer: beforeAnswer, completion: completion)
        }) { return }
        executor.execute { [self] in
            self.fetchNow(request, export: name, beforeAnswer: beforeAnswer, completion: completion)
        }
    }

    /// The work of ``fetch(_:export:inline:beforeAnswer:completion:)``, from a job on the isolate's executor (which
    /// alone runs them).
    ///
    /// Once the export's handler is known, the request needs only the context: no `assumeIsolated`, whose closure
    /// (made escapable for a check) cost two allocations a request.
    private nonisolated func fetchNow(
        _ request: WorkerRequest, export name: String, beforeAnswer: (@Sendable () throws -> Void)?,
        completion: @escaping @Sendable (Result<WorkerResponse, any Error>) -> Void
    ) {
        assert(executor.isCurrent, "a job of worker \(self.name)'s isolate ran off its executor")
        let context = contextForExecutorJob
        guard let handler = context.fetchHandler, handler.export == name, !context.isClosed else {
            // The first request to this export (or one after shutdown): checked with the actor's state.
            return assumeIsolated { isolate in
                do {
                    try isolate.checkOpen()
                    let handler = try isolate.fetchHandlerStrings(export: name)
                    Self.callFetch(context, handler, request, beforeAnswer, completion)
                } catch {
                    PendingCallback.answer(completion, beforeAnswer, .failure(error))
                }
            }
        }
        Self.callFetch(context, (handler.name, handler.kind), request, beforeAnswer, completion)
    }

    /// Calls the prelude's `fetch` for `request`; `completion` gets the answer.
    private static func callFetch(
        _ context: ScriptContext, _ handler: (name: JSValueRef?, kind: JSValueRef?), _ request: WorkerRequest,
        _ beforeAnswer: (@Sendable () throws -> Void)?,
        _ completion: @escaping @Sendable (Result<WorkerResponse, any Error>) -> Void
    ) {
        let id = context.registerResponse(completion, beforeAnswer: beforeAnswer)
        do throws(ScriptError) {
            try context.callFetch(
                target: context.workerExports, name: handler.name, kind: handler.kind, request: request, id: id)
        } catch {
            context.fail(id: id, error)
        }
    }

    /// Delivers a cron trigger to the worker's `scheduled` handler and waits for it and its `waitUntil` promises.
    /// - Parameters:
    ///   - cron: the cron pattern that fired (`"*/5 * * * *"`).
    ///   - scheduledTime: the time it was due, in ms since the Unix epoch.
    /// - Throws: as ``fetch(_:export:)``.
    public func scheduled(cron: String, scheduledTime: Double, export name: String = "default") async throws {
        try checkOpen()
        let kind = try exportForEvent("scheduled", export: name)
        let context = self.context
        let start = [
            context.workerExports, context.internedString(name), context.internedString(kind),
            JSValueMakeNumber(context.global, scheduledTime), context.makeString(cron),
        ]
        _ = try await settle("scheduled", start) { _ in HostValue.undefined }
    }

    /// Waits until every `ctx.waitUntil` promise of the worker has settled (including ones added meanwhile).
    ///
    /// ``fetch(_:export:)`` returns as soon as the `Response` is read, as on the platform, while `waitUntil` work
    /// goes on; call this before shutting down, or in tests, to let it finish. Rejections are logged, not thrown.
    public func waitUntilSettled() async throws {
        try checkOpen()
        _ = try await settle("drainWaitUntil", []) { _ in HostValue.undefined }
    }

    /// Calls prelude function `function` with `arguments` plus a fresh id, and waits until it settles that id.
    func settle<T: Sendable>(
        _ function: String, _ arguments: [JSValueRef?], convert: @escaping (JSValueRef) -> T
    ) async throws -> T {
        let context = self.context
        return try await awaitAnswer({ answer in context.register { answer($0.map(convert)) } }) { id throws(ScriptError) in
            _ = try context.callInternal(function, arguments + [JSValueMakeNumber(context.global, Double(id))])
        }
    }

    /// Registers the answer's callback with `register`, runs `start` with the id it got, and waits for the answer;
    /// when `start` throws, the id fails with its error.
    func awaitAnswer<T: Sendable, Failure: Error>(
        _ register: (@escaping (Result<T, Failure>) -> Void) -> Int, start: (Int) throws(ScriptError) -> Void
    ) async throws -> T {
        let context = self.context
        // Unsafe, not checked: a registered id is answered exactly once (settled, failed, or failed when the context
        // closes), and the checked form allocates a second object every call.
        let result: Result<T, Failure> = await withUnsafeContinuation { continuation in
            let id = register { continuation.resume(returning: $0) }
            do throws(ScriptError) {
                try start(id)
            } catch {
                context.fail(id: id, error)
            }
        }
        return try result.get()
    }

    /// The JS strings a fetch to export `name` passes: its name and kind (see ``exportForEvent(_:export:)``), looked
    /// up by name for the first request only.
    private func fetchHandlerStrings(export name: String) throws -> (name: JSValueRef?, kind: JSValueRef?) {
        if let cached = context.fetchHandler, cached.export == name { return (cached.name, cached.kind) }
        let kind = try exportForEvent("fetch", export: name)
        let strings = (name: context.internedString(name), kind: context.internedString(kind))
        context.fetchHandler = (name, strings.name, strings.kind)
        return strings
    }

    /// The loaded export `name` after checking it has `method`.
    private func handler(_ method: String, export name: String) throws -> WorkerExports.Export {
        guard let exports, exports.format == .modules else {
            throw RuntimeError(code: .noHandler, message: "Worker \"\(self.name)\" has no exports to call (\(exports == nil ? "no worker is loaded" : "it is a service-worker script")).")
        }
        guard let export = exports[name] else {
            throw RuntimeError(code: .noHandler, message: "Worker \"\(self.name)\" has no export named \"\(name)\".")
        }
        guard export.kind == .function || export.methods.contains(method) else {
            throw RuntimeError(code: .noHandler, message: "Export \"\(name)\" of worker \"\(self.name)\" has no method \"\(method)\".")
        }
        return export
    }

    /// The kind of the export that handles `event` ("" for a service worker's listeners).
    private func exportForEvent(_ event: String, export name: String) throws -> String {
        guard let exports else {
            throw RuntimeError(code: .noHandler, message: "Worker \"\(self.name)\" has not been loaded.")
        }
        switch exports.format {
        case .serviceWorker:
            guard exports.listeners.contains(event) else {
                throw RuntimeError(code: .noHandler, message: "Worker \"\(self.name)\" has no \"\(event)\" event listener; add one with addEventListener(\"\(event)\", …).")
            }
            return ""
        case .modules:
            guard let export = exports[name], export.kind != .value, export.kind != .function,
                export.methods.contains(event)
            else {
                let what = name == "default" ? "default export" : "export \"\(name)\""
                throw RuntimeError(code: .noHandler, message: "Worker \"\(self.name)\" has no \(event) handler: its \(what) has no \"\(event)\" method.")
            }
            return export.kind.rawValue
        }
    }
}

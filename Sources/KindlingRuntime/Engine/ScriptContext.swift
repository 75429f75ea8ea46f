import CJavaScriptCore
import Foundation
import Logging

/// One isolate's JavaScriptCore context group and global context, with the runtime's host functions installed.
///
/// Confined to the isolate's thread: created, used and closed there only (it is not `Sendable`; closures that cross
/// threads carry it in an ``IsolateBound``). Every entry into JavaScript goes through ``evaluate(_:url:)`` or
/// ``call(_:this:_:)``, which turn exceptions and CPU-limit terminations into ``ScriptError``s.
final class ScriptContext {
    let executor: IsolateExecutor
    let configuration: IsolateConfiguration
    let logger: Logger
    let group: JSContextGroupRef
    let global: JSGlobalContextRef

    private let watchdog = Watchdog()
    /// The internal `__kindling` object the prelude fills in (protected).
    private(set) var host: JSObjectRef
    /// `Function.prototype` (protected), given to host function objects.
    private(set) var functionPrototype: JSValueRef?
    /// `Promise` (protected).
    private(set) var promiseConstructor: JSObjectRef?
    /// JS functions the prelude defined on `__kindling`, by name, read on first use (protected); see
    /// ``internalFunction(_:)``.
    var internals: [String: JSObjectRef] = [:]
    /// Swift callbacks waiting for the prelude, by id; `settle` and `respond` remove and call them.
    var pending: [Int: PendingCallback] = [:]
    var nextPendingID = 1
    /// The resolve and reject functions (protected) of promises handed out by host functions, by id.
    var deferreds: [Int: (resolve: JSObjectRef, reject: JSObjectRef)] = [:]
    var nextDeferredID = 1
    /// The promise of the deferred most recently made by a host function call (not protected: read at once).
    var lastDeferredPromise: JSObjectRef?
    /// The prelude's internal object, `globalThis[Symbol.for("kindling.internal")]` (protected).
    private(set) var internalObject: JSObjectRef?
    /// Source maps of loaded bundles as JSON, by script URL; decoded into ``decodedSourceMaps`` on first use.
    var sourceMapTexts: [String: String] = [:]
    private var decodedSourceMaps: [String: SourceMap] = [:]
    /// The loaded worker's exports object (protected), nil for a service-worker script or before loading.
    var workerExports: JSObjectRef?
    /// Objects Swift keeps for later calls (protected), by ``ScriptObject`` id.
    private(set) var keptObjects: [Int: JSObjectRef] = [:]
    private var nextKeptID = 1
    /// JS strings for the few names every call passes (export names, kinds, methods, HTTP methods), made once
    /// (protected); see ``internedString(_:)``.
    private var internedStrings: [String: JSValueRef] = [:]
    /// The export a fetch last went to, with the JS strings a fetch passes for it (its name and kind), once the
    /// isolate checked it has a fetch handler: later requests look nothing up by name, and need none of the
    /// actor's state. Valid for good, since an isolate loads its exports once.
    var fetchHandler: (export: String, name: JSValueRef?, kind: JSValueRef?)?
    /// The prelude's `fetch`, which every request calls, once looked up (see ``fetchFunction()``).
    private var preludeFetch: JSObjectRef?
    /// The HTTP method last passed, with its interned JS string: nearly every request repeats it, and comparing
    /// two short strings costs less than hashing one (see ``methodString(_:)``).
    private var lastMethod: (name: String, value: JSValueRef?) = ("", nil)
    /// How many deferred prelude units are loading, one inside another (see ``Prelude``).
    var deferredLoadDepth = 0
    /// The loaded worker's format; nil until a bundle is loaded.
    var loadedFormat: WorkerExports.Format?
    /// The bindings of `env`, kept to expose them as globals when a service-worker script is loaded.
    var environment: [String: ScriptArgument] = [:]
    /// The loaded worker's export descriptions, by name.
    var exportDescriptions: [String: WorkerExports.Export] = [:]
    /// Armed timers, by the prelude's timer id.
    var timers = Timers()
    /// The time JS sees, moved at each entry from Swift (see ``FrozenClock``).
    let clock = FrozenClock()
    private(set) var isClosed = false

    /// Creates the context group and global context and runs the prelude; call on the isolate's thread.
    init(configuration: IsolateConfiguration, executor: IsolateExecutor) throws {
        precondition(executor.isCurrent, "ScriptContext created off its isolate's thread")
        self.executor = executor
        self.configuration = configuration
        var logger = configuration.logger
        logger[metadataKey: "worker.name"] = .string(configuration.name)
        self.logger = logger
        EngineOptions.configured
        let group: JSContextGroupRef = JSContextGroupCreate()
        let global: JSGlobalContextRef = JSGlobalContextCreateInGroup(group, nil)
        let host: JSObjectRef = JSObjectMake(global, nil, nil)
        self.group = group
        self.global = global
        self.host = host
        JSStrings.with(configuration.name) { JSGlobalContextSetName(global, $0) }
        JSValueProtect(global, host)
        let globalObject = JSContextGetGlobalObject(global)
        if let function = Properties.get(global, globalObject, "Function"), let object = JSValueToObject(global, function, nil) {
            functionPrototype = Properties.get(global, object, "prototype")
            JSValueProtect(global, functionPrototype)
        }
        if let promise = Properties.get(global, globalObject, "Promise") {
            promiseConstructor = JSValueToObject(global, promise, nil)
            JSValueProtect(global, promiseConstructor)
        }
        if let limit = configuration.cpuTimeLimit {
            watchdog.install(on: group, seconds: Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18)
        }
        installRuntimeFunctions()
        Properties.set(
            global, globalObject, "__kindling", host, attributes: JSPropertyAttributes(kJSPropertyAttributeDontEnum))
        try loadPrelude()
        if let object = Properties.get(global, host, "internal")?.asObject(in: global) {
            JSValueProtect(global, object)
            internalObject = object
        }
        JSStrings.with("__kindling") { _ = JSObjectDeleteProperty(global, globalObject, $0, nil) }
        JSStrings.with("Code generation from strings disallowed for this context") {
            JSGlobalContextSetEvalEnabled(global, false, $0)
        }
        if let onRejection = try internalFunction("unhandledRejection") {
            JSGlobalContextSetUnhandledRejectionCallback(global, onRejection, nil)
        }
        if let outbound = configuration.outbound { try installOutbound(outbound) }
        // The prelude starts with an empty `env`.
        if !configuration.environment.isEmpty { try setEnvironment(configuration.environment) }
        executor.vm = group
    }

    /// Evaluates a classic script in the global scope.
    func evaluate(_ source: String, url: String) throws(ScriptError) -> JSValueRef {
        let sourceRef = JSStrings.make(source)
        defer { JSStringRelease(sourceRef) }
        return try evaluate(sourceRef, url: url)
    }

    /// Evaluates a classic script, given as a JavaScriptCore string, in the global scope.
    func evaluate(_ source: JSStringRef, url: String) throws(ScriptError) -> JSValueRef {
        precondition(!isClosed, "ScriptContext used after close")
        clock.enter()
        defer { clock.exit() }
        var exception: JSValueRef?
        let result = inOneVMEntry {
            JSStrings.with(url) { urlRef in JSEvaluateScript(global, source, nil, urlRef, 1, &exception) }
        }
        return try finishEntry(result, exception)
    }

    /// Calls a JS function.
    func call(_ function: JSObjectRef, this: JSObjectRef? = nil, _ arguments: [JSValueRef?]) throws(ScriptError)
        -> JSValueRef
    {
        try arguments.withUnsafeBufferPointer { arguments throws(ScriptError) in try call(function, this: this, arguments) }
    }

    /// Calls a JS function with arguments in a buffer (one from ``withStackValues(_:)``, say).
    func call(_ function: JSObjectRef, this: JSObjectRef? = nil, _ arguments: UnsafeBufferPointer<JSValueRef?>)
        throws(ScriptError) -> JSValueRef
    {
        precondition(!isClosed, "ScriptContext used after close")
        clock.enter()
        defer { clock.exit() }
        var exception: JSValueRef?
        let result = inOneVMEntry {
            JSObjectCallAsFunction(global, function, this, arguments.count, arguments.baseAddress, &exception)
        }
        return try finishEntry(result, exception)
    }

    /// ``callInternal(_:_:)`` with arguments on the native stack (``withStackValues(_:)``), which the collector
    /// scans: they need no protection while the first lookup of `name` runs deferred prelude files.
    func callInternal(_ name: String, _ arguments: UnsafeBufferPointer<JSValueRef?>) throws(ScriptError) -> JSValueRef {
        try call(try requiredInternalFunction(name, internalFunction(name)), arguments)
    }

    /// Calls one of the functions the prelude registered on `__kindling`.
    func callInternal(_ name: String, _ arguments: [JSValueRef?]) throws(ScriptError) -> JSValueRef {
        var function = internals[name]
        if function == nil {
            // The first lookup may run deferred prelude files, and so a garbage collection. Until the call, the
            // arguments live only in this array's heap buffer, which the collector does not scan (it scans the
            // native stack): without protection a request's URL string could be collected and its cell reused.
            for case let value? in arguments { JSValueProtect(global, value) }
            defer { for case let value? in arguments { JSValueUnprotect(global, value) } }
            function = try internalFunction(name)
        }
        return try call(try requiredInternalFunction(name, function), arguments)
    }

    /// The prelude's `fetch`, looked up by name for the first request only.
    func fetchFunction() throws(ScriptError) -> JSObjectRef {
        if let preludeFetch { return preludeFetch }
        let function = try requiredInternalFunction("fetch", internalFunction("fetch"))
        preludeFetch = function
        return function
    }

    /// An HTTP method as the interned JS string a request passes (upper-cased: see ``upperCased(_:)``).
    func methodString(_ method: String) -> JSValueRef? {
        if method == lastMethod.name { return lastMethod.value }
        let value = internedString(Self.upperCased(method))
        lastMethod = (method, value)
        return value
    }

    /// `function`, the prelude's function `name`, or the error that says the prelude lacks it.
    private func requiredInternalFunction(_ name: String, _ function: JSObjectRef?) throws(ScriptError) -> JSObjectRef {
        guard let function else {
            throw ScriptError(name: "Error", message: "Kindling runtime function \(name) is missing from the prelude")
        }
        return function
    }

    /// Keeps `callback` until the prelude calls `host.settle(id, …)` with the returned id (or the context fails
    /// every pending callback: a CPU-limit termination, shutdown).
    func register(_ callback: @escaping (Result<JSValueRef, ScriptError>) -> Void) -> Int {
        register(.value(callback))
    }

    /// Keeps `callback` until the prelude answers a fetch with `host.respond(id, status, statusText, headers, body)`
    /// (or fails it with `host.settle(id, false, error)`).
    /// The callback takes any error (always a ``ScriptError``), so a caller's own completion can be kept as it is,
    /// with no closure around it to convert the error type.
    /// - Parameter beforeAnswer: Runs right before `callback` gets the answer, on this thread (see
    ///   ``PendingCallback/response(_:beforeAnswer:)``).
    func registerResponse(
        _ callback: @escaping (Result<WorkerResponse, any Error>) -> Void, beforeAnswer: (() throws -> Void)? = nil
    ) -> Int {
        register(.response(callback, beforeAnswer: beforeAnswer))
    }

    private func register(_ callback: PendingCallback) -> Int {
        let id = nextPendingID
        nextPendingID += 1
        pending[id] = callback
        return id
    }

    /// A JS string for `name`, made once per isolate: for the small, bounded set of names calls pass (export and
    /// method names, kinds, HTTP methods), never for user data.
    func internedString(_ name: String) -> JSValueRef? {
        if let value = internedStrings[name] { return value }
        guard internedStrings.count < 256, let value = makeString(name) else { return makeString(name) }
        JSValueProtect(global, value)
        internedStrings[name] = value
        return value
    }

    /// Protects `object` and returns the id that finds it in ``keptObjects``.
    func keep(_ object: JSObjectRef) -> Int {
        JSValueProtect(global, object)
        let id = nextKeptID
        nextKeptID += 1
        keptObjects[id] = object
        return id
    }

    /// Unprotects and drops kept object `id`.
    func forget(_ id: Int) {
        if let object = keptObjects.removeValue(forKey: id) { JSValueUnprotect(global, object) }
    }

    /// Fails and forgets pending callback `id`, if it is still waiting.
    func fail(id: Int, _ error: ScriptError) {
        pending.removeValue(forKey: id)?.fail(error)
    }

    /// Calls `onSettled` (on this thread) once `value` settles; immediately after the current JS call when it is
    /// not a promise or is already settled (microtasks drain when the outermost API call returns).
    func whenSettled(_ value: JSValueRef, _ onSettled: @escaping (Result<JSValueRef, ScriptError>) -> Void) {
        let id = register(onSettled)
        do {
            _ = try callInternal("awaitValue", [value, JSValueMakeNumber(global, Double(id))])
        } catch {
            fail(id: id, error)
        }
    }

    /// Whether `value` is a promise (an instance of this context's `Promise`).
    func isPromise(_ value: JSValueRef) -> Bool {
        guard let promiseConstructor, JSValueIsObject(global, value) else { return false }
        return JSValueIsInstanceOfConstructor(global, value, promiseConstructor, nil)
    }

    /// `JSON.stringify(value)`, or `"undefined"` where that gives undefined.
    func jsonString(_ value: JSValueRef) throws(ScriptError) -> String {
        var exception: JSValueRef?
        let json = JSValueCreateJSONString(global, value, 0, &exception)
        if let exception { throw scriptError(exception) }
        guard let json else { return "undefined" }
        defer { JSStringRelease(json) }
        return JSStrings.string(json)
    }

    func scriptError(_ exception: JSValueRef) -> ScriptError {
        ScriptErrors.scriptError(global, exception, sourceMap: sourceMap(for:))
    }

    /// The source map of the script at `url`, decoded on first use (most loads never need it).
    func sourceMap(for url: String) -> SourceMap? {
        if let map = decodedSourceMaps[url] { return map }
        guard let text = sourceMapTexts.removeValue(forKey: url), let map = SourceMap(json: Data(text.utf8)) else {
            return nil
        }
        decodedSourceMaps[url] = map
        return map
    }

    /// Releases everything; pending callbacks fail with `error`. The context must not be used afterwards.
    func close(failing error: ScriptError) {
        guard !isClosed else { return }
        failPending(error)
        isClosed = true
        timers.cancelAll()
        for (_, functions) in deferreds {
            JSValueUnprotect(global, functions.resolve)
            JSValueUnprotect(global, functions.reject)
        }
        deferreds.removeAll()
        for value in internedStrings.values { JSValueUnprotect(global, value) }
        internedStrings.removeAll()
        for object in keptObjects.values { JSValueUnprotect(global, object) }
        keptObjects.removeAll()
        if let workerExports { JSValueUnprotect(global, workerExports) }
        if let internalObject { JSValueUnprotect(global, internalObject) }
        workerExports = nil
        for function in internals.values { JSValueUnprotect(global, function) }
        internals.removeAll()
        JSValueUnprotect(global, host)
        if let functionPrototype { JSValueUnprotect(global, functionPrototype) }
        if let promiseConstructor { JSValueUnprotect(global, promiseConstructor) }
        if configuration.cpuTimeLimit != nil { watchdog.uninstall(from: group) }
        JSGlobalContextRelease(global)
        // Later jobs must not lock a VM that is gone; a job holding its lock now keeps it alive until it lets go.
        executor.vm = nil
        JSContextGroupRelease(group)
    }

    /// Runs `enter` (an API call that runs JavaScript) and then the promise reactions it queued, as one entry into
    /// the VM, when this is the outermost call and the running job holds the VM's lock (``IsolateExecutor/withVMLock``).
    ///
    /// JavaScriptCore drains the microtask queue when its lock's last holder lets go — which it does not while the job
    /// holds the lock — so the context drains it here. And each time JavaScript starts with no entry open, the VM
    /// sets one up: it starts the CPU-limit watchdog's timer (reading the thread's CPU clock and the monotonic
    /// clock), resets its date cache, and undoes it all at the end. A drain outside an entry paid that for every
    /// promise reaction it ran: ~24 entries a counter request, about 5 % of its CPU. Inside one entry opened here
    /// they are nested calls, and the CPU limit counts the call and its reactions together, as one piece of work.
    private func inOneVMEntry(_ enter: () -> JSValueRef?) -> JSValueRef? {
        guard clock.isOutermost && executor.holdsVMLock else { return enter() }
        var scope = kindling_vm_entry_scope(vm: group, global_object: global)
        return withUnsafeMutablePointer(to: &scope) { scope in
            // No entry is open here (the call is outermost), which is when JSC::VMEntryScope's inline constructor
            // sets one up; the VM keeps `scope`'s address until the tear-down, so it must not move meanwhile.
            kindling_vm_entry_scope_set_up(scope)
            defer { kindling_vm_entry_scope_tear_down(scope) }
            let result = enter()
            kindling_vm_drain_microtasks(group)
            return result
        }
    }

    /// Turns the outcome of an entry into JavaScript into a value or a ``ScriptError``.
    func finishEntry(_ result: JSValueRef?, _ exception: JSValueRef?) throws(ScriptError) -> JSValueRef {
        if watchdog.takeTermination() {
            // When the termination hit a promise reaction, JavaScriptCore keeps it pending and throws it from the
            // next entry instead ("JavaScript execution terminated."); a throwaway entry absorbs it here.
            var ignored: JSValueRef?
            _ = JSStrings.with("0") { JSEvaluateScript(global, $0, nil, nil, 1, &ignored) }
            _ = watchdog.takeTermination()
            let error = ScriptError(name: "Error", message: ScriptError.cpuLimitMessage)
            logger.error("\(error.message)")
            failPending(error)
            throw error
        }
        if let exception { throw scriptError(exception) }
        return result ?? JSValueMakeUndefined(global)
    }

    func failPending(_ error: ScriptError) {
        let callbacks = pending
        pending.removeAll()
        for (_, callback) in callbacks.sorted(by: { $0.key < $1.key }) { callback.fail(error) }
    }

    /// Settles pending entry `id`; called by the prelude's `awaitValue` through the `settle` host function.
    func settle(id: Int, fulfilled: Bool, value: JSValueRef) {
        guard let callback = pending.removeValue(forKey: id) else { return }
        switch callback {
        case .value(let callback): callback(fulfilled ? .success(value) : .failure(scriptError(value)))
        case .response(let callback, let beforeAnswer):
            PendingCallback.answer(callback, beforeAnswer, .failure(fulfilled ? PendingCallback.wrongAnswer : scriptError(value)))
        }
    }

    /// Answers pending fetch `id` with the response the prelude hands over in parts (the `respond` host function).
    func respond(id: Int, status: JSValueRef, statusText: JSValueRef, headers: JSValueRef, body: JSValueRef) {
        guard let callback = pending.removeValue(forKey: id) else { return }
        switch callback {
        case .response(let callback, let beforeAnswer):
            let response = workerResponse(status: status, statusText: statusText, headers: headers, body: body)
            PendingCallback.answer(callback, beforeAnswer, .success(response))
        case .value(let callback): callback(.failure(PendingCallback.wrongAnswer))
        }
    }
}

/// What waits for the prelude to settle an id: a JS value, or a fetch's response, which the prelude hands over in
/// parts as host-function arguments (no array to make in JS and read back element by element in Swift).
enum PendingCallback {
    case value((Result<JSValueRef, ScriptError>) -> Void)
    /// A fetch's answer. `beforeAnswer` runs first, whatever the answer (a dispatcher commits the request's deferred
    /// writes there: the output gate); if it throws, a response becomes that error, and an error stays as it was.
    /// Kept here rather than in a closure around `callback`: that closure was an allocation a request.
    case response((Result<WorkerResponse, any Error>) -> Void, beforeAnswer: (() throws -> Void)?)

    func fail(_ error: ScriptError) {
        switch self {
        case .value(let callback): callback(.failure(error))
        case .response(let callback, let beforeAnswer): Self.answer(callback, beforeAnswer, .failure(error))
        }
    }

    /// Hands a fetch `result` to `callback` after `beforeAnswer` (see ``response(_:beforeAnswer:)``).
    static func answer(
        _ callback: (Result<WorkerResponse, any Error>) -> Void, _ beforeAnswer: (() throws -> Void)?,
        _ result: Result<WorkerResponse, any Error>
    ) {
        do {
            try beforeAnswer?()
            callback(result)
        } catch {
            guard case .success = result else { return callback(result) }
            callback(.failure(error))
        }
    }

    /// A prelude answering a fetch with a plain value, or a plain call with a response: a bug in the prelude.
    static let wrongAnswer = ScriptError(name: "Error", message: "Kindling's prelude answered with the wrong kind of result")
}

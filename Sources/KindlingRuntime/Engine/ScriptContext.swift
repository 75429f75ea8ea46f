import CJavaScriptCore
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
    /// The generated scripts' source maps, keyed by script URL.
    var sourceMaps: [String: SourceMap] = [:]

    private let watchdog = Watchdog()
    /// The internal `__kindling` object the prelude fills in (protected).
    private(set) var host: JSObjectRef
    /// `Function.prototype` (protected), given to host function objects.
    private(set) var functionPrototype: JSValueRef?
    /// `Promise` (protected).
    private(set) var promiseConstructor: JSObjectRef?
    /// JS functions the prelude defined on `__kindling`, read once after the prelude ran (protected).
    private var internals: [String: JSObjectRef] = [:]
    /// Swift callbacks waiting for a promise, by id; `settle` removes and calls them.
    private var pending: [Int: (Result<JSValueRef, ScriptError>) -> Void] = [:]
    private var nextPendingID = 1
    var timers: [Int: Task<Void, Never>] = [:]
    private(set) var isClosed = false

    /// Creates the context group and global context and runs the prelude; call on the isolate's thread.
    init(configuration: IsolateConfiguration, executor: IsolateExecutor) throws {
        precondition(executor.isCurrent, "ScriptContext created off its isolate's thread")
        self.executor = executor
        self.configuration = configuration
        var logger = configuration.logger
        logger[metadataKey: "worker.name"] = .string(configuration.name)
        self.logger = logger
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
        try Prelude.evaluate(in: self)
        readInternals()
        JSStrings.with("__kindling") { _ = JSObjectDeleteProperty(global, globalObject, $0, nil) }
        JSStrings.with("Code generation from strings disallowed for this context") {
            JSGlobalContextSetEvalEnabled(global, false, $0)
        }
        if let onRejection = internals["unhandledRejection"] {
            JSGlobalContextSetUnhandledRejectionCallback(global, onRejection, nil)
        }
    }

    /// Evaluates a classic script in the global scope.
    func evaluate(_ source: String, url: String) throws(ScriptError) -> JSValueRef {
        precondition(!isClosed, "ScriptContext used after close")
        var exception: JSValueRef?
        let result = JSStrings.with(source) { sourceRef in
            JSStrings.with(url) { urlRef in JSEvaluateScript(global, sourceRef, nil, urlRef, 1, &exception) }
        }
        return try finishEntry(result, exception)
    }

    /// Calls a JS function.
    func call(_ function: JSObjectRef, this: JSObjectRef? = nil, _ arguments: [JSValueRef?]) throws(ScriptError)
        -> JSValueRef
    {
        precondition(!isClosed, "ScriptContext used after close")
        var exception: JSValueRef?
        let result = arguments.withUnsafeBufferPointer {
            JSObjectCallAsFunction(global, function, this, $0.count, $0.baseAddress, &exception)
        }
        return try finishEntry(result, exception)
    }

    /// Calls one of the functions the prelude registered on `__kindling`.
    func callInternal(_ name: String, _ arguments: [JSValueRef?]) throws(ScriptError) -> JSValueRef {
        guard let function = internals[name] else {
            throw ScriptError(name: "Error", message: "Kindling runtime function \(name) is missing from the prelude")
        }
        return try call(function, arguments)
    }

    /// Calls `onSettled` (on this thread) once `value` settles; immediately after the current JS call when it is
    /// not a promise or is already settled (microtasks drain when the outermost API call returns).
    func whenSettled(_ value: JSValueRef, _ onSettled: @escaping (Result<JSValueRef, ScriptError>) -> Void) {
        let id = nextPendingID
        nextPendingID += 1
        pending[id] = onSettled
        do {
            _ = try callInternal("awaitValue", [value, JSValueMakeNumber(global, Double(id))])
        } catch {
            if let callback = pending.removeValue(forKey: id) { callback(.failure(error)) }
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
        ScriptErrors.scriptError(global, exception, sourceMaps: sourceMaps)
    }

    /// Releases everything; pending callbacks fail with `error`. The context must not be used afterwards.
    func close(failing error: ScriptError) {
        guard !isClosed else { return }
        failPending(error)
        isClosed = true
        for task in timers.values { task.cancel() }
        timers.removeAll()
        for function in internals.values { JSValueUnprotect(global, function) }
        internals.removeAll()
        JSValueUnprotect(global, host)
        if let functionPrototype { JSValueUnprotect(global, functionPrototype) }
        if let promiseConstructor { JSValueUnprotect(global, promiseConstructor) }
        if configuration.cpuTimeLimit != nil { watchdog.uninstall(from: group) }
        JSGlobalContextRelease(global)
        JSContextGroupRelease(group)
    }

    /// Turns the outcome of an entry into JavaScript into a value or a ``ScriptError``.
    private func finishEntry(_ result: JSValueRef?, _ exception: JSValueRef?) throws(ScriptError) -> JSValueRef {
        if watchdog.takeTermination() {
            let error = ScriptError(name: "Error", message: ScriptError.cpuLimitMessage)
            logger.error("\(error.message)")
            failPending(error)
            throw error
        }
        if let exception { throw scriptError(exception) }
        return result ?? JSValueMakeUndefined(global)
    }

    private func failPending(_ error: ScriptError) {
        let callbacks = pending
        pending.removeAll()
        for (_, callback) in callbacks.sorted(by: { $0.key < $1.key }) { callback(.failure(error)) }
    }

    /// Settles pending entry `id`; called by the prelude's `awaitValue` through the `settle` host function.
    func settle(id: Int, fulfilled: Bool, value: JSValueRef) {
        guard let callback = pending.removeValue(forKey: id) else { return }
        callback(fulfilled ? .success(value) : .failure(scriptError(value)))
    }

    private func readInternals() {
        for name in ["awaitValue", "unhandledRejection", "reportRejections", "fireTimer", "dispatchFetch", "dispatchScheduled"] {
            guard let value = Properties.get(global, host, name), JSValueIsObject(global, value),
                let function = JSValueToObject(global, value, nil)
            else { continue }
            JSValueProtect(global, function)
            internals[name] = function
        }
    }
}
